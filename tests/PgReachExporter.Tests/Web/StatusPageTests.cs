using PgReachExporter.Classification;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;
using PgReachExporter.Tests.Diagnosis;
using PgReachExporter.Web;
using PgReachExporter.Scheduling;
using static PgReachExporter.Tests.Diagnosis.Scenario;

namespace PgReachExporter.Tests.Web;

public sealed class StatusPageTests
{
    private static TargetStatus Status(Scenario scenario, DateTimeOffset? since = null)
    {
        var verdict = scenario.Diagnose();
        return TargetStatusMapper.From(new TargetDiagnosis(scenario.Target, verdict, since ?? scenario.StartedAt, scenario.Cycle, 2));
    }

    [Fact]
    public void Every_value_is_html_encoded()
    {
        var hostile = Healthy with { Target = Healthy.Target with { Name = "<img src=x onerror=alert(1)>", Database = "a\"b'<c>" } };

        var html = StatusPage.Render([Status(hostile.WithLogin(LoginResult.DatabaseMissing, "3D000: database \"<x>\" does not exist"))], Now);

        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        Assert.Contains("a&quot;b&#39;&lt;c&gt;", html, StringComparison.Ordinal);
        Assert.Contains("database &quot;&lt;x&gt;&quot; does not exist", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_login_not_attempted_shows_as_refused_with_no_time_and_says_it_was_not_attempted()
    {
        var skipped = Healthy.WithTcp(Refused("10.0.0.5")) with { Login = LoginObservation.NotAttemptedEveryAddressRefused };

        var login = Status(skipped).Probes.Single(p => p.Step == "login");

        Assert.Equal("refused", login.Result);
        Assert.Equal(0, login.DurationSeconds);
        Assert.StartsWith("login not attempted: every address refused", login.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_password_never_appears_even_when_a_server_message_echoes_it()
    {
        var echoing = Healthy.WithLogin(LoginResult.AuthFailed, $"28000: something about {Password}");

        var html = StatusPage.Render([Status(echoing)], Now);

        Assert.DoesNotContain(Password, html, StringComparison.Ordinal);
        Assert.Contains("something about ********", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_target_shows_its_verdict_layers_findings_and_times()
    {
        var html = StatusPage.Render([Status(Healthy.WithTcp(Refused("10.0.0.5")).WithLogin(LoginResult.Refused), since: Now.AddMinutes(-3))], Now.AddSeconds(4));

        Assert.Contains("data-target=\"orders\" data-state=\"critical\"", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge\">NOT REACHABLE</span> orders", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"verdict\">Not reachable: Nothing listens on port 5432: connections are refused</p>", html, StringComparison.Ordinal);
        Assert.Contains("app@db1.example:5432/orders", html, StringComparison.Ordinal);
        Assert.Contains("(for 3m 4s)", html, StringComparison.Ordinal);
        Assert.Contains("(4s ago)", html, StringComparison.Ordinal);
        Assert.Contains("2 changes", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">transport</th><td class=\"status\">failed</td>", html, StringComparison.Ordinal);
        Assert.Contains("<b>listener_down</b>", html, StringComparison.Ordinal);
        Assert.Contains("<li>tcp 10.0.0.5:5432 refused in 0.3 ms</li>", html, StringComparison.Ordinal);
        Assert.Contains("<code>ss -tlnp | grep &#39;:5432\\b&#39;</code>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_page_is_self_contained_responsive_and_refreshes_itself()
    {
        var html = StatusPage.Render([Status(Healthy)], Now);

        Assert.Contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">", html, StringComparison.Ordinal);
        Assert.Contains("setInterval(refresh,5000)", html, StringComparison.Ordinal);
        Assert.Contains("<noscript><meta http-equiv=\"refresh\"", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
    }

    [Fact]
    public void A_target_without_a_cycle_is_pending()
    {
        var status = TargetStatusMapper.From(new TargetDiagnosis(Healthy.Target, null, null, null, 0));

        Assert.Equal("pending", status.State);
        Assert.Null(status.Reachable);
        Assert.Contains("data-state=\"pending\"", StatusPage.Render([status], Now), StringComparison.Ordinal);
    }

    [Fact]
    public void A_target_whose_loop_failed_is_in_state_error_until_a_cycle_completes()
    {
        var failed = new TargetDiagnosis(Healthy.Target, Healthy.Diagnose(), Now, Healthy.Cycle, 0)
        {
            LoopError = $"ArgumentOutOfRangeException: boom {Password} " + new string('x', 500),
        };

        var status = TargetStatusMapper.From(failed);
        var page = StatusPage.Render([status], Now);

        Assert.Equal("error", status.State);
        Assert.StartsWith("The agent's probe loop for this target failed and is being restarted: ArgumentOutOfRangeException: boom", status.Summary, StringComparison.Ordinal);
        Assert.True(status.Summary.Length < 400);
        Assert.DoesNotContain(Password, status.Summary, StringComparison.Ordinal);
        Assert.Contains("AGENT ERROR", page, StringComparison.Ordinal);
    }

    [Fact]
    public void A_completed_cycle_clears_the_loop_error()
    {
        var tracker = new VerdictTracker([]);
        tracker.TargetAdded(Healthy.Target);
        tracker.LoopFailed("orders", "InvalidOperationException: boom");
        Assert.Equal("error", TargetStatusMapper.From(tracker.Find("orders")!).State);

        tracker.CycleCompleted(new CycleRecord(Healthy.Target, Healthy.Cycle, null, Healthy.Diagnose()));

        Assert.Equal("ok", TargetStatusMapper.From(tracker.Find("orders")!).State);
    }

    private static TargetStatus Plain(string name, string state, bool? reachable) =>
        new(name, $"{name}.db:5432", $"{name}.db", 5432, "postgres", "app", state, reachable, $"summary of {name}", Now.AddMinutes(-1), Now, 1, [], [], [], []);

    [Fact]
    public void The_overview_lists_failures_then_warnings_then_pending_then_healthy_then_by_name_and_the_cards_follow_in_that_order()
    {
        var html = StatusPage.Render(
        [
            Plain("a-ok", "ok", true), Plain("z-critical", "critical", false), Plain("b-warning", "warning", true), Plain("m-pending", "pending", null),
            Plain("c-error", "error", true), Plain("a-warning", "warning", true), Plain("b-ok", "ok", true),
        ], Now);

        string[] expected = ["c-error", "z-critical", "a-warning", "b-warning", "m-pending", "a-ok", "b-ok"];
        Assert.Equal(expected, System.Text.RegularExpressions.Regex.Matches(html, "data-row=\"([^\"]+)\"").Select(m => m.Groups[1].Value));
        Assert.Equal(expected, System.Text.RegularExpressions.Regex.Matches(html, "data-target=\"([^\"]+)\"").Select(m => m.Groups[1].Value));
        Assert.True(html.IndexOf("id=\"overview\"", StringComparison.Ordinal) < html.IndexOf("<section class=\"target", StringComparison.Ordinal));
        Assert.Contains("<p class=\"counts\">2 failing · 2 warning · 1 pending · 2 healthy</p>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#target-0\">c-error</a></th><td class=\"endpoint\">c-error.db:5432</td><td>summary of c-error</td><td><time", html, StringComparison.Ordinal);
        Assert.Contains("for 1m 0s</time>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Layers_the_probes_did_not_reach_are_folded_away()
    {
        var html = StatusPage.Render([Status(Healthy.WithTcp(Refused("10.0.0.5")).WithLogin(LoginResult.Refused))], Now);

        var folded = html[html.IndexOf("<details class=\"unreached\">", StringComparison.Ordinal)..];
        folded = folded[..folded.IndexOf("</details>", StringComparison.Ordinal)];
        Assert.Contains("layers not reached: ", folded, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">auth</th><td class=\"status\">unknown</td>", folded, StringComparison.Ordinal);
        Assert.DoesNotContain("<th scope=\"row\">transport</th>", folded, StringComparison.Ordinal);
        Assert.DoesNotContain("<details class=\"unreached\" open", html, StringComparison.Ordinal);
    }
}

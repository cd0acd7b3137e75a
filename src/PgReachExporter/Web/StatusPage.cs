using System.Globalization;
using System.Net;
using System.Text;

namespace PgReachExporter.Web;

/// <summary>
/// The status page: an overview of the fleet first (one line per target, failures first, then warnings, then
/// healthy), then one card per target in the same order with its verdict, the layers it reached, the findings with
/// evidence and next step. Self-contained (no external assets), readable on a phone, refreshes itself; every value is
/// HTML-encoded.
/// </summary>
internal static class StatusPage
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    /// <summary>The layer status of a layer the probes did not reach (or that has no evidence yet).</summary>
    private const string Unreached = "unknown";

    /// <param name="shard">Which shard of the fleet this agent probes, in words; null when it probes every target.</param>
    public static string Render(IReadOnlyList<TargetStatus> targets, DateTimeOffset now, string? shard = null)
    {
        var html = new StringBuilder(4096 + (targets.Count * 2048));
        html.Append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(Title(targets)).Append("</title>")
            .Append("<noscript><meta http-equiv=\"refresh\" content=\"").Append((int)RefreshInterval.TotalSeconds * 2).Append("\"></noscript>")
            .Append("<style>").Append(Css).Append("</style></head>\n<body>\n<header><h1>PgReach</h1>")
            .Append("<p class=\"meta\" id=\"meta\">").Append(targets.Count).Append(targets.Count == 1 ? " target" : " targets")
            .Append(shard is null ? "" : $" · <span id=\"shard\">{H(shard)}</span>")
            .Append(" · updated <time datetime=\"").Append(Iso(now)).Append("\">").Append(Clock(now)).Append("</time>")
            .Append(" · <a href=\"/api/targets\">JSON</a> · <a href=\"/metrics\">metrics</a></p></header>\n<main id=\"targets\">\n");
        if (targets.Count == 0)
        {
            html.Append("<p class=\"empty\">No targets configured.</p>\n");
        }

        var ordered = Ordered(targets);
        RenderOverview(html, ordered, now);
        for (var i = 0; i < ordered.Count; i++)
        {
            RenderTarget(html, ordered[i], i, now);
        }

        html.Append("</main>\n<script>").Append(Script.Replace("{ms}", ((int)RefreshInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
            .Append("</script>\n</body></html>\n");
        return html.ToString();
    }

    /// <summary>Failures first (not reachable, agent error), then warnings, then those waiting for a first cycle, then healthy; then by name.</summary>
    public static IReadOnlyList<TargetStatus> Ordered(IEnumerable<TargetStatus> targets) =>
        [.. targets.OrderBy(Rank).ThenBy(t => t.Name, StringComparer.Ordinal)];

    private static int Rank(TargetStatus target) => target.State switch
    {
        "ok" => 3,
        TargetStatusMapper.Pending => 2,
        "warning" when target.Reachable != false => 1,
        _ => 0,
    };

    private static void RenderOverview(StringBuilder html, IReadOnlyList<TargetStatus> targets, DateTimeOffset now)
    {
        if (targets.Count == 0)
        {
            return;
        }

        html.Append("<section class=\"overview\" aria-label=\"Overview\"><p class=\"counts\">").Append(Counts(targets)).Append("</p>")
            .Append("<table id=\"overview\"><thead><tr><th scope=\"col\">state</th><th scope=\"col\">target</th><th scope=\"col\">endpoint</th>")
            .Append("<th scope=\"col\">verdict</th><th scope=\"col\">since</th></tr></thead><tbody>\n");
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            html.Append("<tr class=\"state-").Append(H(target.State)).Append("\" data-row=\"").Append(H(target.Name)).Append("\"><td><span class=\"badge\">")
                .Append(Badge(target)).Append("</span></td><th scope=\"row\"><a href=\"#target-").Append(i).Append("\">").Append(H(target.Name))
                .Append("</a></th><td class=\"endpoint\">").Append(H(target.Endpoint)).Append("</td><td>").Append(H(target.Summary)).Append("</td><td>");
            if (target.Since is { } since)
            {
                html.Append("<time datetime=\"").Append(Iso(since)).Append("\" title=\"").Append(Clock(since)).Append("\">")
                    .Append(Ago(now - since, "for ")).Append("</time>");
            }

            html.Append("</td></tr>\n");
        }

        html.Append("</tbody></table></section>\n");
    }

    private static string Counts(IReadOnlyList<TargetStatus> targets)
    {
        var parts = new[] { (0, "failing"), (1, "warning"), (2, "pending"), (3, "healthy") }
            .Select(p => (Count: targets.Count(t => Rank(t) == p.Item1), Name: p.Item2)).Where(p => p.Count > 0)
            .Select(p => $"{p.Count} {p.Name}");
        return string.Join(" · ", parts);
    }

    private static void RenderTarget(StringBuilder html, TargetStatus target, int index, DateTimeOffset now)
    {
        html.Append("<section class=\"target state-").Append(H(target.State)).Append("\" id=\"target-").Append(index).Append("\" data-target=\"").Append(H(target.Name))
            .Append("\" data-state=\"").Append(H(target.State)).Append("\">\n<h2><span class=\"badge\">").Append(Badge(target))
            .Append("</span> ").Append(H(target.Name)).Append("</h2>\n<p class=\"endpoint\">")
            .Append(H($"{target.User}@{target.Endpoint}/{target.Database}")).Append("</p>\n<p class=\"verdict\">")
            .Append(H(target.Summary)).Append("</p>\n<p class=\"times\">");
        if (target.Since is { } since)
        {
            html.Append("verdict since <time datetime=\"").Append(Iso(since)).Append("\">").Append(Clock(since)).Append("</time> (")
                .Append(Ago(now - since, "for ")).Append(')');
        }

        if (target.LastProbe is { } probed)
        {
            html.Append(" · last probed <time datetime=\"").Append(Iso(probed)).Append("\">").Append(Clock(probed)).Append("</time> (")
                .Append(Ago(now - probed)).Append(" ago)");
        }

        html.Append(" · ").Append(target.Changes).Append(target.Changes == 1 ? " change" : " changes");
        if (target.Sources.Count > 0)
        {
            html.Append(" · evidence: ").Append(H(string.Join(", ", target.Sources)));
        }

        html.Append("</p>\n");
        // Layers the probes never reached say nothing yet: folded away, one click from view.
        var reached = target.Layers.Where(l => l.Status != Unreached).ToList();
        var unreached = target.Layers.Where(l => l.Status == Unreached).ToList();
        if (reached.Count > 0)
        {
            RenderLayers(html, reached);
        }

        if (unreached.Count > 0)
        {
            html.Append("<details class=\"unreached\"><summary>").Append(unreached.Count).Append(unreached.Count == 1 ? " layer" : " layers")
                .Append(" not reached: ").Append(H(string.Join(", ", unreached.Select(l => l.Layer)))).Append("</summary>\n");
            RenderLayers(html, unreached);
            html.Append("</details>\n");
        }

        if (target.Findings.Count > 0 && target.State != "ok")
        {
            html.Append("<ol class=\"findings\">\n");
            foreach (var finding in target.Findings)
            {
                html.Append("<li class=\"finding sev-").Append(H(finding.Severity)).Append("\"><p class=\"cause\"><span class=\"sev\">")
                    .Append(H(finding.Severity)).Append("</span> <b>").Append(H(finding.Cause)).Append("</b> <span class=\"layer\">")
                    .Append(H(finding.Layer)).Append("</span></p><p>").Append(H(finding.Title)).Append("</p><ul class=\"evidence\">");
                foreach (var fact in finding.Evidence)
                {
                    html.Append("<li>").Append(H(fact)).Append("</li>");
                }

                html.Append("</ul><p class=\"next\"><b>Next step:</b> ").Append(WithCode(finding.NextStep)).Append("</p></li>\n");
            }

            html.Append("</ol>\n");
        }

        if (target.Probes.Count > 0)
        {
            html.Append("<details class=\"probes\"><summary>Last probe cycle</summary><ul>");
            foreach (var step in target.Probes)
            {
                html.Append("<li><b>").Append(H(step.Step)).Append("</b> ").Append(H(step.Target)).Append(": ").Append(H(step.Result))
                    .Append(" in ").Append(H(Diagnosis.EvidenceText.Duration(TimeSpan.FromSeconds(step.DurationSeconds))));
                if (step.Detail is { Length: > 0 } detail)
                {
                    html.Append(" (").Append(H(detail)).Append(')');
                }

                html.Append("</li>");
            }

            html.Append("</ul></details>\n");
        }

        html.Append("</section>\n");
    }

    private static void RenderLayers(StringBuilder html, IEnumerable<LayerStatusEntry> layers)
    {
        html.Append("<table class=\"layers\"><tbody>\n");
        foreach (var layer in layers)
        {
            html.Append("<tr class=\"layer-").Append(H(layer.Status)).Append("\"><th scope=\"row\">").Append(H(layer.Layer))
                .Append("</th><td class=\"status\">").Append(H(layer.Status)).Append("</td><td>").Append(H(layer.Detail)).Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    private static string Title(IReadOnlyList<TargetStatus> targets)
    {
        var failing = targets.Count(t => t.Reachable == false);
        return failing == 0 ? "PgReach: all reachable" : $"PgReach: {failing} not reachable";
    }

    private static string Badge(TargetStatus target) => target.State switch
    {
        "ok" => "OK",
        "pending" => "PENDING",
        "error" => "AGENT ERROR",
        _ when target.Reachable == false => "NOT REACHABLE",
        _ => "WARNING",
    };

    /// <summary>Encodes the text and shows `quoted` commands as code.</summary>
    private static string WithCode(string text)
    {
        var parts = text.Split('`');
        var html = new StringBuilder();
        for (var i = 0; i < parts.Length; i++)
        {
            html.Append(i % 2 == 1 && i < parts.Length - 1 ? $"<code>{H(parts[i])}</code>" : H(parts[i]));
        }

        return html.ToString();
    }

    private static string H(string text) => WebUtility.HtmlEncode(text);

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Clock(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Ago(TimeSpan span, string prefix = "")
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        var text = span.TotalSeconds < 60 ? $"{(int)span.TotalSeconds}s"
            : span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes}m {span.Seconds}s"
            : span.TotalHours < 48 ? $"{(int)span.TotalHours}h {span.Minutes}m"
            : $"{(int)span.TotalDays}d {span.Hours}h";
        return prefix + text;
    }

    private const string Css = """
        :root{color-scheme:light dark;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;--muted:#667;--line:#d0d7de;--card:#fff;--bg:#f6f8fa}
        @media (prefers-color-scheme:dark){:root{--card:#161b22;--bg:#0d1117;--line:#30363d;--muted:#8b949e;--ok:#3fb950;--warn:#d29922;--bad:#f85149}}
        *{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg)}
        header,main{max-width:60rem;margin:0 auto;padding:0 .75rem}h1{font-size:1.3rem;margin:.8rem 0 0}
        .meta,.times,.endpoint{color:var(--muted);font-size:.85rem;margin:.2rem 0}
        .target{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--muted);border-radius:6px;padding:.6rem .8rem;margin:.8rem 0}
        .state-ok{border-left-color:var(--ok)}.state-warning{border-left-color:var(--warn)}.state-critical{border-left-color:var(--bad)}.state-error{border-left-color:var(--bad)}
        h2{font-size:1.1rem;margin:0;overflow-wrap:anywhere}.badge{font-size:.75rem;padding:.1rem .4rem;border-radius:4px;color:#fff;background:var(--muted);vertical-align:middle}
        .state-ok .badge{background:var(--ok)}.state-warning .badge{background:var(--warn)}.state-critical .badge{background:var(--bad)}.state-error .badge{background:var(--bad)}
        .verdict{font-weight:600;margin:.4rem 0;overflow-wrap:anywhere}
        table.layers{border-collapse:collapse;width:100%;font-size:.9rem;margin:.4rem 0}
        .layers th,.layers td{border-top:1px solid var(--line);padding:.25rem .4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
        .layers th,.layers td.status{width:1%;white-space:nowrap;overflow-wrap:normal}.layers th{font-weight:600}
        .layer-ok .status{color:var(--ok)}.layer-warning .status{color:var(--warn)}.layer-failed .status{color:var(--bad);font-weight:700}.layer-unknown .status{color:var(--muted)}
        .findings{padding-left:1.2rem}.finding{margin:.5rem 0}.finding p{margin:.15rem 0;overflow-wrap:anywhere}
        .sev{font-size:.75rem;text-transform:uppercase;font-weight:700}.sev-critical .sev{color:var(--bad)}.sev-warning .sev{color:var(--warn)}
        .layer{color:var(--muted);font-size:.8rem}.evidence{margin:.2rem 0;padding-left:1.1rem;font:.82rem/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
        code{font:.85em ui-monospace,SFMono-Regular,Menlo,monospace;background:rgba(127,127,127,.15);padding:0 .2em;border-radius:3px;overflow-wrap:anywhere}
        .probes{font-size:.85rem;color:var(--muted)}.probes ul{margin:.2rem 0;padding-left:1.1rem;overflow-wrap:anywhere}
        .stale{color:var(--bad)}
        .overview{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.4rem .6rem;margin:.8rem 0;overflow-x:auto}
        .counts{margin:.1rem 0 .3rem;font-weight:600}
        #overview{border-collapse:collapse;width:100%;font-size:.85rem}
        #overview th,#overview td{border-top:1px solid var(--line);padding:.2rem .4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
        #overview thead th{border-top:0;color:var(--muted);font-weight:600}#overview td:first-child,#overview td:last-child{white-space:nowrap}
        #overview .badge{color:#fff}#overview .state-ok .badge{background:var(--ok)}#overview .state-warning .badge{background:var(--warn)}
        #overview .state-critical .badge,#overview .state-error .badge{background:var(--bad)}
        .unreached{font-size:.85rem;color:var(--muted);margin:.2rem 0}
        @media (max-width:30rem){body{font-size:14px}.layers th,.layers td{padding:.25rem .25rem}}
        """;

    // Re-fetches this page and swaps the content in, so the page refreshes without losing the scroll position.
    private const string Script = """
        (function(){
          function refresh(){
            fetch(location.pathname,{cache:'no-store'}).then(function(r){if(!r.ok)throw new Error(r.status);return r.text();})
            .then(function(text){
              var next=new DOMParser().parseFromString(text,'text/html');
              var open={};document.querySelectorAll('section.target details[open]').forEach(function(d){open[d.parentNode.dataset.target+'|'+d.className]=true;});
              document.getElementById('targets').innerHTML=next.getElementById('targets').innerHTML;
              document.getElementById('meta').innerHTML=next.getElementById('meta').innerHTML;
              document.title=next.title;
              document.querySelectorAll('section.target details').forEach(function(d){if(open[d.parentNode.dataset.target+'|'+d.className])d.open=true;});
              document.body.dataset.refreshes=(+document.body.dataset.refreshes||0)+1;
              document.getElementById('meta').classList.remove('stale');
            }).catch(function(){document.getElementById('meta').classList.add('stale');});
          }
          setInterval(refresh,{ms});
        })();
        """;
}

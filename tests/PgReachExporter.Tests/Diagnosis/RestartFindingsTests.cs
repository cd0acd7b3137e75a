using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;
using static PgReachExporter.Tests.Diagnosis.Scenario;

namespace PgReachExporter.Tests.Diagnosis;

/// <summary>listen_addresses and port waiting for a restart: the written value against the running one.</summary>
public sealed class RestartFindingsTests
{
    private static readonly ExpectedClientDefinition Remote = new("app-subnet", "10.0.1.0/24", "orders", "app", "host");
    private static readonly ExpectedClientDefinition Local = new("cron", "127.0.0.1", "orders", "app", "host");

    private static Scenario Pending(string running, string? written, int? writtenPort = null, params ExpectedClientDefinition[] clients)
    {
        var healthy = Healthy.WithTcp(Open("127.0.0.1"));
        return healthy with
        {
            Target = healthy.Target with { Host = "127.0.0.1", ExpectedClients = new ValueList<ExpectedClientDefinition>(clients) },
            Server = ServerSays(running) with
            {
                PendingRestartSettings = [.. new[] { written is null ? null : "listen_addresses", writtenPort is null ? null : "port" }.OfType<string>()],
                ListenAddressesAfterRestart = written is null ? null : new FileSetting("listen_addresses", written, "/data/postgresql.auto.conf", 3),
                PortAfterRestart = writtenPort is null ? null : new FileSetting("port", writtenPort.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), "/data/postgresql.conf", 64),
            },
        };
    }

    [Fact]
    public void A_restart_that_drops_the_probed_address_is_restart_would_unbind_naming_it_and_the_written_line()
    {
        var verdict = Pending("127.0.0.1", "127.0.0.2").Diagnose();

        var finding = VerdictAssert.Single(verdict, DiagnosisCause.RestartWouldUnbind);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Contains("the probed address 127.0.0.1:5432 would have no listener", finding.Evidence);
        Assert.Contains("after a restart: would bind 127.0.0.2:5432 (listen_addresses = '127.0.0.2' (/data/postgresql.auto.conf line 3))", finding.Evidence);
        Assert.Contains("running: listen_addresses = '127.0.0.1', port = 5432: binds 127.0.0.1:5432", finding.Evidence);
        Assert.Contains(DiagnosisCause.ListenAddressesPendingRestart, verdict.Causes);
    }

    [Fact]
    public void A_restart_that_keeps_the_probed_address_and_adds_one_is_only_the_pending_restart_with_its_effect()
    {
        var verdict = Pending("127.0.0.1", "127.0.0.1,127.0.0.2").Diagnose();

        Assert.DoesNotContain(DiagnosisCause.RestartWouldUnbind, verdict.Causes);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.ListenAddressesPendingRestart, "after a restart: would bind 127.0.0.1:5432, 127.0.0.2:5432");
    }

    [Fact]
    public void A_port_change_takes_every_listener_off_the_targets_port()
    {
        var verdict = Pending("*", null, 6543, Remote).Diagnose();

        var finding = VerdictAssert.Single(verdict, DiagnosisCause.RestartWouldUnbind);
        Assert.Contains("the probed address 127.0.0.1:5432 would have no listener", finding.Evidence);
        Assert.Contains("client app-subnet (from 10.0.1.0/24) would have no listener it can reach on port 5432", finding.Evidence);
        Assert.Contains(finding.Evidence, e => e.StartsWith("after a restart: would bind 0.0.0.0:6543, [::]:6543 (port = '6543'", StringComparison.Ordinal));
    }

    [Fact]
    public void Going_from_localhost_to_every_address_gives_remote_clients_a_listener()
    {
        var verdict = Pending("localhost", "*", null, Remote, Local).Diagnose();

        Assert.DoesNotContain(DiagnosisCause.RestartWouldUnbind, verdict.Causes);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.ListenAddressesPendingRestart, "client app-subnet (from 10.0.1.0/24) would get a listener on port 5432");
        Assert.DoesNotContain(verdict.Findings.SelectMany(f => f.Evidence), e => e.Contains("client cron", StringComparison.Ordinal));
    }

    [Fact]
    public void Going_from_every_address_to_localhost_locks_remote_clients_out_but_not_loopback_ones()
    {
        var verdict = Pending("*", "localhost", null, Remote, Local).Diagnose();

        var finding = VerdictAssert.Single(verdict, DiagnosisCause.RestartWouldUnbind);
        Assert.Contains("client app-subnet (from 10.0.1.0/24) would have no listener it can reach on port 5432", finding.Evidence);
        Assert.DoesNotContain(finding.Evidence, e => e.Contains("client cron", StringComparison.Ordinal) || e.Contains("probed address", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    [InlineData("127.0.0.1", "10.0.1.5", false)]
    [InlineData("0.0.0.0", "10.0.1.0/24", true)]
    [InlineData("::", "10.0.1.5", false)]
    [InlineData("10.0.0.5", "10.0.1.5", true)]
    [InlineData("db.internal", "10.0.1.5", null)]
    public void A_client_reaches_a_wildcard_of_its_family_or_an_address_on_its_side_of_the_machine(string listen, string client, bool? reaches)
    {
        var view = ListenerView.FromSetting(5432, listen, 5432);

        Assert.Equal(reaches, RestartRules.Reaches(view, new ExpectedClientDefinition("c", client, "db", "u", "host")));
    }

    [Fact]
    public void When_the_written_values_cannot_be_read_the_pending_restart_says_its_effect_is_unknown()
    {
        var scenario = Healthy with
        {
            Server = ServerSays("127.0.0.1") with { PendingRestartSettings = ["listen_addresses"], AfterRestartProblem = "file_settings: permission_denied (permission denied for view pg_file_settings)" },
        };

        var verdict = scenario.Diagnose();

        VerdictAssert.HasEvidence(verdict, DiagnosisCause.ListenAddressesPendingRestart, "what the restart would bind is unknown: file_settings: permission_denied");
        Assert.DoesNotContain(DiagnosisCause.RestartWouldUnbind, verdict.Causes);
    }
}

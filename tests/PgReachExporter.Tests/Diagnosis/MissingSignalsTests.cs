using PgReachExporter.Classification;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;
using static PgReachExporter.Tests.Diagnosis.Scenario;

namespace PgReachExporter.Tests.Diagnosis;

/// <summary>The verdict must name the right layer from the probe alone and only sharpen with server and host evidence.</summary>
public sealed class MissingSignalsTests
{
    private static readonly Dictionary<string, (Scenario ProbeOnly, Scenario WithEvidence, DiagnosisLayer Layer)> Cases = new()
    {
        ["refused"] = (Healthy.WithTcp(Refused("10.0.0.5")).WithLogin(LoginResult.Refused),
            Healthy.WithTcp(Refused("10.0.0.5")).WithLogin(LoginResult.Refused) with { Server = ServerSays("localhost"), Host = HostShows(new HostSocket("127.0.0.1", 5432, "postgres")) },
            DiagnosisLayer.Transport),
        ["timeout"] = (Healthy.WithTcp(Timeout("10.0.0.5")).WithLogin(LoginResult.Timeout),
            Healthy.WithTcp(Timeout("10.0.0.5")).WithLogin(LoginResult.Timeout) with { Server = ServerSays("*"), Host = HostShows(new HostSocket("0.0.0.0", 5432, "postgres"), new HostSocket("::", 5432, "postgres")) },
            DiagnosisLayer.Network),
        ["no hba entry"] = (Healthy.WithLogin(LoginResult.NoHbaEntry),
            Healthy.WithLogin(LoginResult.NoHbaEntry) with { Server = ServerSays("*"), Host = HostShows(new HostSocket("0.0.0.0", 5432, "postgres"), new HostSocket("::", 5432, "postgres")) },
            DiagnosisLayer.Auth),
        ["too many"] = (Healthy.WithLogin(LoginResult.TooManyConnections),
            Healthy.WithLogin(LoginResult.TooManyConnections) with { Server = ServerSays() with { ClientConnections = 97, MaxConnections = 100, ReservedConnections = 3 } },
            DiagnosisLayer.Capacity),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_first_finding_is_in_the_same_layer_with_or_without_server_and_host_evidence(string name)
    {
        var (probeOnly, withEvidence, layer) = Cases[name];
        var bare = probeOnly.Diagnose();
        var rich = withEvidence.Diagnose();

        Assert.True(layer == bare.Findings[0].Layer, $"{name}: probe only gave {bare.Findings[0].Cause}");
        Assert.Equal(layer, rich.Findings[0].Layer);
        Assert.Equal(bare.Reachable, rich.Reachable);
        Assert.Equal(EvidenceSources.Probe, bare.Sources);
    }

    [Fact]
    public void Without_server_evidence_the_server_side_layers_are_unknown_not_ok()
    {
        var verdict = Healthy.WithTcp(Refused("10.0.0.5")).WithLogin(LoginResult.Refused).Diagnose();

        var layers = verdict.Layers.ToDictionary(l => l.Layer);
        Assert.Equal(LayerStatus.Failed, layers[DiagnosisLayer.Transport].Status);
        Assert.Equal(LayerStatus.Unknown, layers[DiagnosisLayer.Auth].Status);
        Assert.Equal(LayerStatus.Unknown, layers[DiagnosisLayer.Config].Status);
        Assert.Equal("no server-side evidence", layers[DiagnosisLayer.Config].Detail);
    }

    [Fact]
    public void Stale_server_evidence_is_ignored_rather_than_trusted()
    {
        // An hour-old "listening on *" must not turn a stopped server into a firewall problem.
        var stale = ServerSays("*") with { CollectedAt = Now.AddHours(-1) };
        var verdict = (Healthy.WithTcp(Refused("10.0.0.5")).WithLogin(LoginResult.Refused) with { Server = stale }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.ListenerDown);
        Assert.Equal(EvidenceSources.Probe, verdict.Sources);
    }

    [Fact]
    public void Host_evidence_without_a_socket_table_or_listening_lines_leaves_the_refusal_as_listener_down()
    {
        var verdict = (Healthy.WithTcp(Refused("10.0.0.5")).WithLogin(LoginResult.Refused) with { Host = HostLog(), Server = ServerSays() with { ListenAddresses = null } }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.ListenerDown);
        Assert.Equal(EvidenceSources.Probe | EvidenceSources.Server | EvidenceSources.Host, verdict.Sources);
    }

    [Fact]
    public void A_listen_addresses_host_name_the_engine_cannot_resolve_does_not_invent_a_cause()
    {
        var verdict = (Healthy.WithTcp(Refused("10.0.0.5")).WithLogin(LoginResult.Refused) with { Server = ServerSays("db1.internal") }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.ListenerDown);
    }

    [Fact]
    public void A_down_target_is_never_ok_even_when_no_rule_explains_it()
    {
        var verdict = (Healthy with { Tcp = [], Login = Failed(LoginResult.Refused) }).Diagnose();

        Assert.False(verdict.Reachable);
        Assert.DoesNotContain(verdict.Findings, f => f.Cause == DiagnosisCause.Ok);
    }
}

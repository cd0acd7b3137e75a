using PgReachExporter.Classification;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;
using PgReachExporter.Probes;

namespace PgReachExporter.Diagnosis;

/// <summary>The input with stale evidence dropped and the facts several rules share worked out once.</summary>
internal sealed class DiagnosisContext
{
    public DiagnosisContext(DiagnosisInput input)
    {
        Target = input.Target;
        Cycle = input.Cycle;
        Expectations = input.Expectations ?? TargetExpectations.None;
        var oldest = input.Cycle.StartedAt - input.EffectiveMaxEvidenceAge;
        Server = input.Server is { } server && server.CollectedAt >= oldest ? server : null;
        Host = input.Host is { } host && host.CollectedAt >= oldest ? host : null;
        Listeners = Target.IsUnixSocket ? null : ListenerView.From(Target.Port, Server, Host);
        AnyTcpOpen = Cycle.Tcp.Any(t => t.Result == TcpConnectResult.Open);
        LoginFailedOnNetwork = Cycle.Login.Result is LoginResult.Timeout or LoginResult.Refused or LoginResult.Unreachable or LoginResult.DnsError;
    }

    public TargetDefinition Target { get; }
    public TargetCycle Cycle { get; }
    public ServerEvidence? Server { get; }
    public HostEvidence? Host { get; }
    public TargetExpectations Expectations { get; }

    /// <summary>What is bound on the server's port; null when no evidence says.</summary>
    public ListenerView? Listeners { get; }

    public bool AnyTcpOpen { get; }

    /// <summary>The login itself failed on the way there (not at the server).</summary>
    public bool LoginFailedOnNetwork { get; }

    /// <summary>The port the server should use.</summary>
    public int ExpectedPort => Expectations.Port ?? Target.Port;

    /// <summary>
    /// Severity of a transport or network failure: a warning while another address still serves the client,
    /// critical when nothing does.
    /// </summary>
    public Severity PathSeverity => AnyTcpOpen && !LoginFailedOnNetwork ? Severity.Warning : Severity.Critical;

    public EvidenceSources Sources => EvidenceSources.Probe
        | (Server is null ? 0 : EvidenceSources.Server)
        | (Host is null ? 0 : EvidenceSources.Host);

    public string Tcp(TcpObservation tcp) => EvidenceText.Tcp(tcp, Target.Port);

    public string Login => EvidenceText.Login(Cycle.Login, Target);
}

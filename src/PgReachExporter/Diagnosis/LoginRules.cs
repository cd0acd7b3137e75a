using PgReachExporter.Hba;
using PgReachExporter.Classification;
using PgReachExporter.Observations;

namespace PgReachExporter.Diagnosis;

/// <summary>What the login attempt says once TCP got through: authorization, capacity and the server's state.</summary>
internal static class LoginRules
{
    public static void Apply(DiagnosisContext context, FindingSet found)
    {
        var login = context.Cycle.Login;
        var fact = context.Login;
        var onlyTls = OnlyTlsAdmits(context, login);
        var cause = login.Result switch
        {
            LoginResult.Ok => (DiagnosisCause?)null,
            LoginResult.NoHbaEntry when onlyTls is not null => DiagnosisCause.TlsRequiredByServer,
            LoginResult.NoHbaEntry => DiagnosisCause.HbaNoEntry,
            LoginResult.ClientCertificateRejected => DiagnosisCause.TlsClientCertificate,
            LoginResult.HbaReject => DiagnosisCause.HbaReject,
            LoginResult.PasswordFailed => DiagnosisCause.PasswordFailed,
            LoginResult.PasswordMissing => DiagnosisCause.PasswordMissing,
            LoginResult.AuthFailed => DiagnosisCause.AuthFailed,
            LoginResult.RoleMissing => DiagnosisCause.RoleMissing,
            LoginResult.DatabaseMissing => DiagnosisCause.DatabaseMissing,
            // The TLS probe names a TLS failure more precisely; the login's own words stand when it did not.
            LoginResult.SslRequired or LoginResult.SslUnsupported or LoginResult.TlsFailed or LoginResult.TlsProtocolMismatch
                when found.AnyCritical(DiagnosisLayer.Tls) => null,
            LoginResult.SslRequired => DiagnosisCause.TlsRequiredByServer,
            LoginResult.SslUnsupported => DiagnosisCause.TlsUnsupportedByServer,
            LoginResult.TlsFailed => DiagnosisCause.TlsHandshakeFailed,
            LoginResult.TlsProtocolMismatch => DiagnosisCause.TlsProtocolMismatch,
            LoginResult.TooManyConnections => DiagnosisCause.TooManyConnections,
            LoginResult.ServerStarting => DiagnosisCause.ServerStarting,
            LoginResult.ServerShuttingDown => DiagnosisCause.ServerShuttingDown,
            LoginResult.Recovery => DiagnosisCause.Recovery,
            LoginResult.NotPostgres => DiagnosisCause.NotPostgres,
            // The path explains a failed login when TCP failed too; otherwise something answered TCP and then went quiet.
            LoginResult.Timeout when !context.AnyTcpOpen || found.AnyIn(DiagnosisLayer.Transport, DiagnosisLayer.Network) => null,
            LoginResult.Timeout => DiagnosisCause.ServerUnresponsive,
            LoginResult.Refused or LoginResult.Unreachable or LoginResult.DnsError
                when found.AnyIn(DiagnosisLayer.Transport, DiagnosisLayer.Network) => null,
            _ => DiagnosisCause.LoginError,
        };

        if (cause is { } failed)
        {
            var tcpOpen = failed == DiagnosisCause.ServerUnresponsive || failed == DiagnosisCause.NotPostgres
                ? context.Cycle.Tcp.Where(t => t.Result == TcpConnectResult.Open).Select(context.Tcp)
                : [];
            var sides = failed == DiagnosisCause.TlsProtocolMismatch ? TlsRules.ProtocolSides(context) : [];
            found.Add(failed, Severity.Critical, [fact, .. tcpOpen, .. sides, .. onlyTls is not null ? [onlyTls] : TlsHint(context, login)]);
        }

        if (login.ServerVersion is { } version && context.Expectations.VersionMajor is { } expected && version.Major != expected)
        {
            found.Add(DiagnosisCause.WrongInstance, Severity.Critical, $"login: PostgreSQL {version.Major}, expected {expected}");
        }
    }

    // PostgreSQL says "no pg_hba.conf entry ..., no encryption" also when the only lines for the client are hostssl:
    // without the rules the login cannot tell which, so the finding says what the attempt lacked and what to try.
    private static IEnumerable<string> TlsHint(DiagnosisContext context, LoginObservation login) =>
        login.Result == LoginResult.NoHbaEntry && login.Problem?.Contains("no encryption", StringComparison.Ordinal) == true
            ? [context.Cycle.Find<TlsObservation>() is { Result: TlsProbeResult.Handshake }
                ? "the attempt was without TLS (\"no encryption\") and the server offers TLS: if the lines for this client are hostssl, use sslmode=require or stronger"
                : "the attempt was without TLS (\"no encryption\"): if the lines for this client are hostssl, use sslmode=require or stronger"]
            : [];

    /// <summary>
    /// For a plain login without a pg_hba entry: the rules in force judged for this very connection (its source address
    /// from the TCP probe) say that a plain connection matches no line but a TLS one would; the evidence, or null.
    /// </summary>
    private static string? OnlyTlsAdmits(DiagnosisContext context, LoginObservation login)
    {
        if (login.Result != LoginResult.NoHbaEntry || login.Problem?.Contains("no encryption", StringComparison.Ordinal) != true
            || context.Server?.HbaInForce is not { } rules
            || context.Cycle.Tcp.FirstOrDefault(t => t.Result == TcpConnectResult.Open && t.LocalAddress is not null)?.LocalAddress is not { } from)
        {
            return null;
        }

        var target = context.Target;
        var plain = rules.Decide(new HbaClient(target.Name, from, target.Database, target.Username, HbaConnectionType.HostNoSsl));
        var tls = rules.Decide(new HbaClient(target.Name, from, target.Database, target.Username, HbaConnectionType.HostSsl));
        return plain.Outcome != HbaOutcome.Allowed && tls is { Outcome: HbaOutcome.Allowed, MatchedRule: { } line }
            ? $"pg_hba.conf {line.Location} ({line.Type}) admits {target.Username} from {from} to {target.Database} only over TLS; the plain attempt matched no line"
            : null;
    }
}

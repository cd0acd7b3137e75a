namespace PgReachExporter.Diagnosis;

/// <summary>Where along the way from client to session a finding sits; declared in the order a person should check them.</summary>
internal enum DiagnosisLayer
{
    /// <summary>The listener: address and port bound by the postmaster.</summary>
    Transport,

    /// <summary>Name resolution and the path: firewalls, routes, security groups.</summary>
    Network,

    /// <summary>TLS: whether both sides speak it, the versions, the certificates and their names.</summary>
    Tls,

    /// <summary>pg_hba.conf, roles, passwords, databases.</summary>
    Auth,

    /// <summary>Connection slots.</summary>
    Capacity,

    /// <summary>The server's own state: starting, in recovery, the wrong instance.</summary>
    Server,

    /// <summary>Configuration written but not in force, or not loadable.</summary>
    Config,

    /// <summary>Every layer at once; only the "ok" finding uses it.</summary>
    All,
}

/// <summary>How much a finding matters.</summary>
internal enum Severity
{
    /// <summary>Clients fail now.</summary>
    Critical,

    /// <summary>Some clients fail, or will.</summary>
    Warning,

    /// <summary>Worth knowing; nothing fails.</summary>
    Info,
}

/// <summary>Label values of layers and severities.</summary>
internal static class DiagnosisLabels
{
    public static readonly DiagnosisLayer[] Layers =
        [DiagnosisLayer.Transport, DiagnosisLayer.Network, DiagnosisLayer.Tls, DiagnosisLayer.Auth, DiagnosisLayer.Capacity, DiagnosisLayer.Server, DiagnosisLayer.Config];

    public static string Label(this DiagnosisLayer layer) => layer switch
    {
        DiagnosisLayer.Transport => "transport",
        DiagnosisLayer.Network => "network",
        DiagnosisLayer.Tls => "tls",
        DiagnosisLayer.Auth => "auth",
        DiagnosisLayer.Capacity => "capacity",
        DiagnosisLayer.Server => "server",
        DiagnosisLayer.Config => "config",
        _ => "all",
    };

    public static string Label(this Severity severity) => severity switch
    {
        Severity.Critical => "critical",
        Severity.Warning => "warning",
        _ => "info",
    };
}

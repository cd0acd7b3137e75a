using System.Collections.Immutable;
using PgReachExporter.Observations;

namespace PgReachExporter.Diagnosis;

/// <summary>
/// What the server says about itself over a monitoring connection. Every field is optional: a provider fills
/// what it could read and leaves the rest null (or empty), and the engine reasons only from what is there.
/// </summary>
internal sealed record ServerEvidence
{
    /// <summary>When the provider read this evidence; stale evidence is ignored by the engine.</summary>
    public required DateTimeOffset CollectedAt { get; init; }

    /// <summary>The running value of listen_addresses (SHOW listen_addresses), e.g. "localhost", "*", "10.0.0.5,::1".</summary>
    public string? ListenAddresses { get; init; }

    /// <summary>The running value of port (SHOW port).</summary>
    public int? Port { get; init; }

    /// <summary>The pg_hba rules in force, to judge the probe's own connection; null when unknown.</summary>
    public HbaJudge? HbaInForce { get; init; }

    /// <summary>The running value of ssl: whether the server offers TLS at all; null when unknown.</summary>
    public bool? Ssl { get; init; }

    /// <summary>ssl_min_protocol_version and ssl_max_protocol_version (empty: no upper limit); null when unknown.</summary>
    public string? SslMinProtocolVersion { get; init; }

    public string? SslMaxProtocolVersion { get; init; }

    /// <summary>The chain in ssl_cert_file as on disk (what a reload would present); null when it could not be read.</summary>
    public ServerCertificateFile? CertificateFile { get; init; }

    /// <summary>Names of settings changed in the files but waiting for a restart (pg_settings WHERE pending_restart).</summary>
    public ImmutableArray<string> PendingRestartSettings { get; init; } = [];

    /// <summary>Every line of the hba file the server cannot parse (pg_hba_file_rules WHERE error IS NOT NULL); its length is the count.</summary>
    public ImmutableArray<HbaRuleError> HbaRuleErrors { get; init; } = [];

    /// <summary>Whether the hba file on disk would load as a whole (false: a reload keeps the previous rules); null when unknown.</summary>
    public bool? HbaFileLoadable { get; init; }

    /// <summary>True when the hba file changed after the last reload, so its rules are not yet in force; null when unknown.</summary>
    public bool? HbaReloadPending { get; init; }

    /// <summary>What the rules in force do with each client the target expects to admit.</summary>
    public ImmutableArray<ExpectedClientDecision> ExpectedClientDecisions { get; init; } = [];

    /// <summary>What a reload of pg_hba.conf would do; null when the file on disk is what the server enforces (or that is unknown).</summary>
    public HbaReloadEffect? HbaReload { get; init; }

    /// <summary>listen_addresses as a restart would set it; null unless it is pending restart and the files could be read.</summary>
    public FileSetting? ListenAddressesAfterRestart { get; init; }

    /// <summary>port as a restart would set it; null unless it is pending restart and the files could be read.</summary>
    public FileSetting? PortAfterRestart { get; init; }

    /// <summary>Why the values a restart would set are unknown (the file_settings check failed); null otherwise.</summary>
    public string? AfterRestartProblem { get; init; }

    /// <summary>Connections held by client backends (pg_stat_activity WHERE backend_type = 'client backend').</summary>
    public int? ClientConnections { get; init; }

    /// <summary>The max_connections setting.</summary>
    public int? MaxConnections { get; init; }

    /// <summary>Slots ordinary roles cannot use: superuser_reserved_connections plus reserved_connections (16+).</summary>
    public int? ReservedConnections { get; init; }

    /// <summary>Major version, e.g. 16 (server_version_num / 10000).</summary>
    public int? VersionMajor { get; init; }

    /// <summary>The cluster's system identifier (pg_control_system().system_identifier), as text.</summary>
    public string? SystemIdentifier { get; init; }

    /// <summary>pg_is_in_recovery().</summary>
    public bool? InRecovery { get; init; }

    /// <summary>pg_postmaster_start_time().</summary>
    public DateTimeOffset? PostmasterStartTime { get; init; }
}

/// <summary>pg_hba.conf on disk differs from the rules in force: what a reload would do.</summary>
/// <param name="ReloadPending">An edit waits for a reload (false: the file on disk would not load and a reload already failed).</param>
/// <param name="WouldFail">The file on disk has lines the server cannot parse: a reload keeps the rules in force.</param>
/// <param name="FailingLines">Those lines.</param>
/// <param name="InForceReadAt">When the rules in force were read; null when the change was pending before the agent first looked (unknown).</param>
/// <param name="Clients">Each expected client in force and after a reload.</param>
internal sealed record HbaReloadEffect(
    bool ReloadPending,
    bool WouldFail,
    ImmutableArray<HbaRuleError> FailingLines,
    DateTimeOffset? InForceReadAt,
    ImmutableArray<ExpectedClientChange> Clients)
{
    public bool InForceKnown => InForceReadAt is not null;
}

/// <summary>One expected client under the rules in force and under the rules a reload would leave in force.</summary>
/// <param name="Client">The client as messages name it.</param>
internal sealed record ExpectedClientChange(string Client, ExpectedClientDecision InForce, ExpectedClientDecision AfterReload);

/// <summary>One hba line the server cannot parse.</summary>
/// <param name="File">The file it is in (pg_hba_file_rules.file_name, 15+); null when unknown.</param>
/// <param name="Line">Its line number.</param>
/// <param name="Error">The server's error text for it.</param>
internal sealed record HbaRuleError(string? File, int Line, string Error);

/// <summary>One hba line, for naming it in evidence.</summary>
/// <param name="Line">Line number in its file.</param>
/// <param name="Text">The line as written (or a rendering of its fields); null when unknown.</param>
/// <param name="File">The file, when it is not the main hba file; null otherwise.</param>
internal sealed record HbaLineReference(int Line, string? Text = null, string? File = null)
{
    public override string ToString()
    {
        var where = File is null ? $"pg_hba.conf line {Line}" : $"{File} line {Line}";
        return Text is null ? where : $"{where} ({Text})";
    }
}

/// <summary>What the rules in force do with an expected client.</summary>
internal enum ExpectedClientOutcome
{
    /// <summary>A line admits the client to authentication.</summary>
    Allowed,

    /// <summary>The first matching line has method reject.</summary>
    Rejected,

    /// <summary>No line matches ("no pg_hba.conf entry").</summary>
    NoMatch,

    /// <summary>The rule engine could not decide (e.g. depends on group membership it does not know).</summary>
    Unknown,
}

/// <summary>The hba decision for one expected client.</summary>
/// <param name="Client">How the client is described in messages, e.g. "app from 10.0.1.5 to orders".</param>
/// <param name="Outcome">What the first matching line does.</param>
/// <param name="MatchedLine">The first matching line; null for <see cref="ExpectedClientOutcome.NoMatch"/> and unknown.</param>
/// <param name="LaterAllowingLine">
/// For a client blocked by <paramref name="MatchedLine"/>: a later line that would admit it (the block shadows it); null otherwise.
/// </param>
internal sealed record ExpectedClientDecision(
    string Client,
    ExpectedClientOutcome Outcome,
    HbaLineReference? MatchedLine = null,
    HbaLineReference? LaterAllowingLine = null)
{
    /// <summary>Blocked by an earlier line although a later line allows it.</summary>
    public bool IsShadowed => Outcome == ExpectedClientOutcome.Rejected && LaterAllowingLine is not null && MatchedLine is not null;
}

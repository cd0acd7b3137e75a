namespace PgReachExporter.Configuration;

/// <summary>
/// PgReach:SeriesProfile: how many series a target costs. <see cref="Full"/> exports every per-target family;
/// <see cref="Lean"/>, for large fleets, keeps what the alert rules read (the one-hot pgreach_tcp_connect_result and
/// pgreach_login_result complete, the timeout rate, the verdict, liveness, TLS expiry) and drops the per-cycle
/// durations, the login counters, the DNS address counts, the verdict-change counter and the server version gauge
/// (README, "Series per target"). Read at start; a change applies at the next start.
/// </summary>
internal enum SeriesProfile
{
    Full,
    Lean,
}

internal static class SeriesProfiles
{
    public const string Field = "SeriesProfile";

    public static string Name(SeriesProfile profile) => profile == SeriesProfile.Lean ? "lean" : "full";

    /// <summary>The profile a configuration value names, or null when it names none (case matters: "full" or "lean").</summary>
    public static SeriesProfile? Parse(string value) => value switch
    {
        "full" => SeriesProfile.Full,
        "lean" => SeriesProfile.Lean,
        _ => null,
    };
}

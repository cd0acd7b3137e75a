using System.Diagnostics;

namespace PgReachExporter.Soak;

/// <summary>
/// Injects one event at a time and checks, within a bound, that the agent reported it: the check is what turns a
/// disturbance into a pass or a "lost event". Every event leaves the world in a state the next one can start from.
/// </summary>
internal sealed class ChaosInjector(
    SoakOptions options, IReadOnlyList<SoakCluster> clusters, AgentConfigFile config, SwitchableBlackHole switched,
    AgentSampler sampler, AgentOutput output, Stopwatch clock)
{
    private const string Up = "pgreach_up";
    private const string LastProbe = "pgreach_last_probe_timestamp_seconds";
    private const string StartTime = "pgreach_postmaster_start_time_seconds";
    private const string TcpResult = "pgreach_tcp_connect_result";
    private const string LogLines = "pgreach_log_lines_total";
    private const string ReloadSuccessful = "pgreach_config_last_reload_successful";
    private const int MarkerLines = 5;

    private readonly Stack<SoakTarget> _added = new();
    private int _events;

    /// <summary>Long enough for a cycle to start and finish after the change, with room for a loaded machine.</summary>
    private TimeSpan DetectBound => (options.Interval * 3) + options.ConnectTimeout + TimeSpan.FromSeconds(5);

    /// <summary>A restarted server, a reconnected monitoring session and a fresh login.</summary>
    private TimeSpan RecoveryBound => TimeSpan.FromSeconds(45) + (options.Interval * 2);

    public async Task<ChaosOutcome> RunAsync(ChaosKind kind, int clusterIndex, CancellationToken cancellation)
    {
        var cluster = clusters[clusterIndex];
        var at = clock.Elapsed;
        var timer = Stopwatch.StartNew();
        _events++;
        var (subject, seen, expected) = kind switch
        {
            ChaosKind.RestartCluster => await RestartAsync(cluster, cancellation).ConfigureAwait(false),
            ChaosKind.PausePostmaster => await PauseAsync(cluster, cancellation).ConfigureAwait(false),
            ChaosKind.SwitchBlackHole => await SwitchBlackHoleAsync(cancellation).ConfigureAwait(false),
            ChaosKind.RotateLog => await LogAsync(cluster, rotate: true, cancellation).ConfigureAwait(false),
            ChaosKind.CopyTruncateLog => await LogAsync(cluster, rotate: false, cancellation).ConfigureAwait(false),
            ChaosKind.AddTarget => await AddTargetAsync(cancellation).ConfigureAwait(false),
            ChaosKind.RemoveTarget => await RemoveTargetAsync(cancellation).ConfigureAwait(false),
            ChaosKind.InvalidJson => await BadConfigAsync(config.WriteInvalidJson, "invalid JSON", cancellation).ConfigureAwait(false),
            ChaosKind.BadPort => await BadConfigAsync(() => config.WriteBadPort(FirstRefused().Name), "Port 70000", cancellation).ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        return new(at, kind, subject, seen, timer.Elapsed, expected);
    }

    private IEnumerable<SoakTarget> Healthy(SoakCluster cluster) => config.Targets.Where(t => t.Kind == SoakTargetKind.Healthy && t.Cluster == cluster);

    private SoakTarget FirstRefused() => config.Targets.First(t => t.Kind == SoakTargetKind.Refused);

    private bool AllUp(MetricsSnapshot page, SoakCluster cluster) => Healthy(cluster).All(t => page.Target(Up, t.Name) == 1);

    private async Task<(string, bool, string)> RestartAsync(SoakCluster cluster, CancellationToken cancellation)
    {
        var monitored = Healthy(cluster).First(t => t.Monitored);
        var before = sampler.Latest?.Target(StartTime, monitored.Name) ?? 0;
        await cluster.RestartAsync(cancellation).ConfigureAwait(false);
        var page = await sampler.WaitForAsync(p => AllUp(p, cluster) && p.Target(StartTime, monitored.Name) > before, RecoveryBound, cancellation)
            .ConfigureAwait(false);
        // The new postmaster writes a new file of the glob: the LogPath targets must follow it.
        var followed = page is not null && await LinesReadAfterAsync(cluster, cancellation).ConfigureAwait(false);
        return (cluster.Name, followed,
            $"up=1 for its healthy targets and a later {StartTime} within {RecoveryBound.TotalSeconds:0}s ({(page is null ? "not seen" : "seen")}), then its new log file read");
    }

    private async Task<(string, bool, string)> PauseAsync(SoakCluster cluster, CancellationToken cancellation)
    {
        var watched = Healthy(cluster).First();
        MetricsSnapshot? down;
        cluster.Pause();
        try
        {
            down = await sampler.WaitForAsync(p => p.Target(Up, watched.Name) == 0, DetectBound, cancellation).ConfigureAwait(false);
        }
        finally
        {
            cluster.Resume();
        }

        var up = await sampler.WaitForAsync(p => AllUp(p, cluster), RecoveryBound, cancellation).ConfigureAwait(false);
        return ($"{cluster.Name} (SIGSTOP/SIGCONT)", down is not null && up is not null,
            $"{watched.Name} up=0 within {DetectBound.TotalSeconds:0}s of SIGSTOP ({(down is null ? "not seen" : "seen")}), up=1 after SIGCONT ({(up is null ? "not seen" : "seen")})");
    }

    private async Task<(string, bool, string)> SwitchBlackHoleAsync(CancellationToken cancellation)
    {
        string result;
        if (switched.IsOn)
        {
            switched.SwitchOff();
            result = "refused";
        }
        else
        {
            await switched.SwitchOnAsync(cancellation).ConfigureAwait(false);
            result = "timeout";
        }

        var names = config.Targets.Where(t => t.Kind == SoakTargetKind.SwitchedBlackHole).Select(t => t.Name).ToArray();
        var page = await sampler.WaitForAsync(p => names.All(n => p.Target(TcpResult, n, ("result", result)) == 1), DetectBound, cancellation)
            .ConfigureAwait(false);
        return ($"{switched.EndPoint} {(result == "timeout" ? "on" : "off")}", page is not null,
            $"{TcpResult}{{result=\"{result}\"}} 1 for {names.Length} targets within {DetectBound.TotalSeconds:0}s");
    }

    private async Task<(string, bool, string)> LogAsync(SoakCluster cluster, bool rotate, CancellationToken cancellation)
    {
        string what;
        if (rotate)
        {
            await cluster.RotateLogAsync(cancellation).ConfigureAwait(false);
            what = $"pg_rotate_logfile() -> {cluster.NewestLogName()}";
        }
        else
        {
            what = $"copy-truncate of {cluster.CopyTruncateNewestLog() ?? "(no log file)"}";
        }

        var read = await LinesReadAfterAsync(cluster, cancellation).ConfigureAwait(false);
        return ($"{cluster.Name}: {what}", read,
            $"{LogLines} +{MarkerLines} or more after {MarkerLines} new lines, for its LogPath targets, within {DetectBound.TotalSeconds:0}s");
    }

    /// <summary>Writes marker lines and waits until every LogPath target of the cluster has counted at least as many more.</summary>
    private async Task<bool> LinesReadAfterAsync(SoakCluster cluster, CancellationToken cancellation)
    {
        // Counted from a page scraped after the change, so that only lines read after it can pass the check.
        var readers = Healthy(cluster).Where(t => t.ReadsLog).ToArray();
        var after = await sampler.NextAsync(cancellation).ConfigureAwait(false);
        var baseline = readers.ToDictionary(t => t.Name, t => after?.Target(LogLines, t.Name) ?? 0);
        await cluster.WriteLogLinesAsync(MarkerLines, $"{_events}", cancellation).ConfigureAwait(false);
        var page = await sampler.WaitForAsync(p => readers.All(t => p.Target(LogLines, t.Name) >= baseline[t.Name] + MarkerLines), DetectBound, cancellation)
            .ConfigureAwait(false);
        return page is not null;
    }

    private async Task<(string, bool, string)> AddTargetAsync(CancellationToken cancellation)
    {
        var target = TargetPlan.Refused($"extra-{_events}");
        config.Add(target);
        _added.Push(target);
        var page = await sampler.WaitForAsync(p => p.Value(ReloadSuccessful) == 1 && p.Target(LastProbe, target.Name) is not null, DetectBound, cancellation)
            .ConfigureAwait(false);
        return (target.Name, page is not null, $"its {LastProbe} within {DetectBound.TotalSeconds:0}s, {ReloadSuccessful} 1");
    }

    private async Task<(string, bool, string)> RemoveTargetAsync(CancellationToken cancellation)
    {
        // The targets the soak added first; then the refused ones, which no other check relies on (one is always kept).
        var target = _added.Count > 0 ? _added.Pop()
            : config.Targets.Where(t => t.Kind == SoakTargetKind.Refused).Skip(1).LastOrDefault();
        if (target is null)
        {
            return ("(nothing left to remove)", true, "nothing");
        }

        config.Remove(target);
        var page = await sampler.WaitForAsync(
            p => p.Value(ReloadSuccessful) == 1 && p.Target(Up, target.Name) is null && p.Target(LastProbe, target.Name) is null, DetectBound, cancellation)
            .ConfigureAwait(false);
        return (target.Name, page is not null, $"its {Up} and {LastProbe} series gone within {DetectBound.TotalSeconds:0}s");
    }

    private async Task<(string, bool, string)> BadConfigAsync(Action writeBad, string what, CancellationToken cancellation)
    {
        var before = sampler.Latest?.Targets(Up).Count ?? 0;
        output.BadConfigWritten = true;
        try
        {
            writeBad();
            var rejected = await sampler.WaitForAsync(p => p.Value(ReloadSuccessful) == 0 && p.Targets(Up).Count == before, DetectBound, cancellation)
                .ConfigureAwait(false);
            config.WriteGood();
            var restored = await sampler.WaitForAsync(p => p.Value(ReloadSuccessful) == 1 && p.Targets(Up).Count == before, DetectBound, cancellation)
                .ConfigureAwait(false);
            return (what, rejected is not null && restored is not null,
                $"{ReloadSuccessful} 0 with the {before} targets kept ({(rejected is null ? "not seen" : "seen")}), then 1 after the good file ({(restored is null ? "not seen" : "seen")})");
        }
        finally
        {
            output.BadConfigWritten = false;
        }
    }
}

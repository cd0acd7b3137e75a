using Microsoft.Extensions.Logging;
using PgReachExporter.Configuration;

namespace PgReachExporter.HostSignals;

/// <summary>Log sources on this machine: a <see cref="LogTailer"/> for every target with a LogPath.</summary>
internal sealed class LocalLogSources(TimeProvider time, ILoggerFactory loggers, LogTailerOptions? options = null) : IServerLogSourceFactory
{
    public IServerLogSource? Create(TargetDefinition target) =>
        target.LogPath is { } path
            ? new LogTailer(LogLocation.Parse(path, target.LogFormat), options, time, loggers.CreateLogger<LogTailer>())
            : null;
}

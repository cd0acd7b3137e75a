using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;

namespace PgReachExporter.HostSignals;

/// <summary>
/// Server logs read through the monitoring connection (Monitoring.ReadServerLog) for targets without local file
/// access: the server-view scheduler hands the lines of each log_remote check here, and the host-signal loop reads
/// them like a local tail, so counting, metrics and diagnosis are the same for both.
/// </summary>
internal sealed class RemoteLogSources : IRemoteLogSink
{
    private readonly ConcurrentDictionary<string, RemoteLogSource> _sources = new(StringComparer.Ordinal);

    /// <summary>The remote source of a target that reads its log through the monitoring connection and has no LogPath.</summary>
    public IServerLogSource? Create(TargetDefinition target)
    {
        if (target.LogPath is not null || target.Monitoring is not { ReadServerLog: true })
        {
            return null;
        }

        RemoteLogSource? source = null;
        // Detach only this source: a changed target may already have registered its successor under the same name.
        source = new RemoteLogSource(target.Name, () => _sources.TryRemove(KeyValuePair.Create(target.Name, source!)));
        _sources[target.Name] = source;
        return source;
    }

    public void LinesRead(TargetDefinition target, RemoteLogRead read)
    {
        if (_sources.TryGetValue(target.Name, out var source))
        {
            source.Deliver(read);
        }
    }

    /// <summary>
    /// One target's remote log as a stream of batches; like a local tail, what the first read reaches back to is
    /// history (evidence of the current postmaster's start, not counted as events) and later reads are live.
    /// </summary>
    private sealed class RemoteLogSource(string target, Action detach) : IServerLogSource
    {
        private readonly Channel<LogLineBatch> _batches = Channel.CreateUnbounded<LogLineBatch>(new UnboundedChannelOptions { SingleReader = true });
        private readonly Lock _gate = new();
        private string? _file;
        private long _lines;
        private long _files;

        public string Description => $"server log of {target} through the monitoring connection";

        public void Deliver(RemoteLogRead read)
        {
            lock (_gate)
            {
                var first = _file is null;
                var newFile = !first && !string.Equals(_file, read.File, StringComparison.Ordinal);
                _file = read.File;
                if (first || newFile)
                {
                    _files++;
                }

                if (read.Lines.IsEmpty)
                {
                    return;
                }

                if (!read.History)
                {
                    _lines += read.Lines.Length;
                }

                _batches.Writer.TryWrite(new LogLineBatch(read.File, read.Lines, first || newFile) { History = read.History });
            }
        }

        public async IAsyncEnumerable<LogLineBatch> ReadBatchesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            try
            {
                await foreach (var batch in _batches.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield return batch;
                }
            }
            finally
            {
                detach();
            }
        }

        public LogTailerHealth Health()
        {
            lock (_gate)
            {
                return new LogTailerHealth(_file, _file is null ? LogTailerState.Starting : LogTailerState.Following, _lines,
                    ImmutableDictionary<LogReadError, long>.Empty, _files, Watching: false, LastError: null);
            }
        }
    }
}

/// <summary>Log sources of every target: a local file when LogPath is set, else the remote log when the monitoring connection reads it.</summary>
internal sealed class ServerLogSources(LocalLogSources local, RemoteLogSources remote) : IServerLogSourceFactory
{
    public IServerLogSource? Create(TargetDefinition target) => local.Create(target) ?? remote.Create(target);
}

using System.Text.Json;
using System.Text.RegularExpressions;

namespace PgReachExporter.Soak;

/// <summary>
/// Reads every line the agent writes (compact JSON log events, and anything else the runtime prints) and keeps the
/// ones a healthy agent never writes: Error or Fatal level, an exception, "Unhandled", or a stack trace line.
/// A rejected reload while the soak has just written a bad config is expected and only counted.
/// </summary>
internal sealed partial class AgentOutput(IReadOnlyCollection<string> secrets)
{
    private const int KeptLines = 40;
    private const string RejectedReload = "Configuration reload rejected";

    private readonly Lock _gate = new();
    private readonly Queue<string> _recent = new();
    private readonly List<string> _flagged = [];
    private int _flaggedCount;
    private int _expectedRejections;
    private volatile bool _badConfigWritten;

    public Uri? ListeningAddress { get; private set; }

    public event Action<Uri>? Listening;

    /// <summary>Set while the config on disk is one the soak broke on purpose.</summary>
    public bool BadConfigWritten { get => _badConfigWritten; set => _badConfigWritten = value; }

    public int FlaggedCount { get { lock (_gate) { return _flaggedCount; } } }

    public int ExpectedRejections { get { lock (_gate) { return _expectedRejections; } } }

    public IReadOnlyList<string> Flagged { get { lock (_gate) { return [.. _flagged]; } } }

    public string Recent { get { lock (_gate) { return string.Join(Environment.NewLine, _recent); } } }

    public void OnLine(string? raw)
    {
        if (raw is null)
        {
            return;
        }

        var line = Redact(raw);
        var (level, template, hasException, address) = Read(line);
        if (address is not null && ListeningAddress is null)
        {
            ListeningAddress = address;
            Listening?.Invoke(address);
        }

        var serious = level is "Error" or "Fatal" || hasException
            || line.Contains("Unhandled", StringComparison.OrdinalIgnoreCase) || StackTraceLine().IsMatch(line);
        lock (_gate)
        {
            _recent.Enqueue(line);
            while (_recent.Count > KeptLines)
            {
                _recent.Dequeue();
            }

            if (!serious)
            {
                return;
            }

            if (_badConfigWritten && level == "Error" && !hasException && template?.StartsWith(RejectedReload, StringComparison.Ordinal) == true)
            {
                _expectedRejections++;
                return;
            }

            _flaggedCount++;
            if (_flagged.Count < KeptLines)
            {
                _flagged.Add(line.Length > 600 ? line[..600] + " ..." : line);
            }
        }
    }

    private string Redact(string line)
    {
        foreach (var secret in secrets)
        {
            line = line.Replace(secret, "***", StringComparison.Ordinal);
        }

        return line;
    }

    /// <summary>Level (CLEF: no "@l" is Information), message template, exception and a "Now listening on" address.</summary>
    private static (string? Level, string? Template, bool HasException, Uri? Address) Read(string line)
    {
        if (line.StartsWith('{'))
        {
            try
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                var level = root.TryGetProperty("@l", out var l) ? l.GetString() : "Information";
                // The agent writes rendered messages ("@m"); a template ("@mt") is read as well, should it ever write those.
                var template = root.TryGetProperty("@m", out var m) ? m.GetString() : root.TryGetProperty("@mt", out var mt) ? mt.GetString() : null;
                Uri? address = null;
                if (template?.StartsWith("Now listening on", StringComparison.Ordinal) == true
                    && root.TryGetProperty("address", out var a) && Uri.TryCreate(a.GetString(), UriKind.Absolute, out var uri))
                {
                    address = uri;
                }

                return (level, template, root.TryGetProperty("@x", out _), address);
            }
            catch (JsonException)
            {
                // Not one of the agent's log events: judged by its text below.
            }
        }

        var text = ListeningText().Match(line);
        return (null, null, false, text.Success ? new Uri(text.Groups[1].Value) : null);
    }

    [GeneratedRegex(@"^\s+at \S+.*\)|--- End of (inner exception )?stack trace")]
    private static partial Regex StackTraceLine();

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningText();
}

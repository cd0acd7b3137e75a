namespace PgReachExporter.Configuration;

/// <summary>Configuration names of <see cref="LogFormat"/>: PostgreSQL's own log_destination words.</summary>
internal static class LogFormatNames
{
    public const string Stderr = "stderr";
    public const string Csv = "csvlog";
    public const string Json = "jsonlog";

    public const string Expected = "stderr, csvlog or jsonlog";

    public static bool TryParse(string text, out LogFormat format)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case Stderr:
                format = LogFormat.Stderr;
                return true;
            case Csv:
                format = LogFormat.Csv;
                return true;
            case Json:
                format = LogFormat.Json;
                return true;
            default:
                format = LogFormat.Stderr;
                return false;
        }
    }

    /// <summary>The format a file name suggests: .csv is csvlog, .json is jsonlog, anything else stderr.</summary>
    public static LogFormat FromPath(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => LogFormat.Csv,
        ".json" => LogFormat.Json,
        _ => LogFormat.Stderr,
    };

    public static string ToName(this LogFormat format) => format switch
    {
        LogFormat.Stderr => Stderr,
        LogFormat.Csv => Csv,
        LogFormat.Json => Json,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}

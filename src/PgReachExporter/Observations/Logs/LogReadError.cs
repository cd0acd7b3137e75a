namespace PgReachExporter.Observations;

/// <summary>Why the tailer could not read (part of) a log; closed set, metric label values below.</summary>
internal enum LogReadError
{
    /// <summary>No file at the path, or nothing matches the glob.</summary>
    Missing,

    /// <summary>The file exists but may not be opened.</summary>
    PermissionDenied,

    /// <summary>A line longer than the cap was dropped up to its newline.</summary>
    LineTooLong,

    /// <summary>A line was not valid UTF-8; it was read with replacement characters.</summary>
    Decode,

    /// <summary>Any other I/O error while opening or reading.</summary>
    Io,
}

/// <summary>Metric label values of <see cref="LogReadError"/>.</summary>
internal static class LogReadErrorLabels
{
    public static IReadOnlyList<LogReadError> All { get; } = Enum.GetValues<LogReadError>();

    public static string ToLabel(this LogReadError error) => error switch
    {
        LogReadError.Missing => "missing",
        LogReadError.PermissionDenied => "permission_denied",
        LogReadError.LineTooLong => "line_too_long",
        LogReadError.Decode => "decode",
        LogReadError.Io => "io",
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
    };
}

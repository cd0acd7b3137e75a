using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace PgReachExporter.Configuration;

/// <summary>The target fields of the host's view: the server log and the listening-socket table.</summary>
internal static partial class AgentSettingsReader
{
    private sealed record HostSignalFields(string? LogPath, LogFormat LogFormat, bool? LocalListener, int? ListenerPid);

    private static HostSignalFields ReadHostSignals(SectionFields fields, Action<string, string> fail)
    {
        var logPath = fields.Scalar("LogPath")?.Trim();
        var formatText = fields.Scalar("LogFormat");
        LogFormat? format = null;
        if (formatText is not null)
        {
            if (LogFormatNames.TryParse(formatText, out var parsed))
            {
                format = parsed;
            }
            else
            {
                fail("LogFormat", $"{ConfigurationError.Quote(formatText)} is not a server log format; expected {LogFormatNames.Expected} (the agent's own console format is PgReach:LogFormat)");
            }

            if (logPath is null && !fields.Has("LogPath"))
            {
                fail("LogFormat", "is set but LogPath is not; say which log to read");
            }
        }

        var logFormat = format ?? (logPath is null ? LogFormat.Stderr : LogFormatNames.FromPath(logPath));
        if (logPath is not null)
        {
            ValidateLogPath(logPath, logFormat, fail);
        }

        var localListener = ReadBool(fields, "LocalListener", fail);
        int? pid = null;
        if (fields.Scalar("ListenerPid") is { } pidText)
        {
            if (int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                pid = value;
            }
            else
            {
                fail("ListenerPid", $"must be a positive process id, got {ConfigurationError.Quote(pidText)}");
            }

            if (localListener == false)
            {
                fail("ListenerPid", "is set but LocalListener is false; remove one of them");
            }
        }

        return new HostSignalFields(logPath, logFormat, localListener, pid);
    }

    private static void ValidateLogPath(string logPath, LogFormat format, Action<string, string> fail)
    {
        if (!Path.IsPathFullyQualified(logPath))
        {
            fail("LogPath", $"{ConfigurationError.Quote(logPath)} must be an absolute path");
            return;
        }

        try
        {
            LogLocation.Parse(logPath, format);
        }
        catch (ArgumentException ex)
        {
            fail("LogPath", ex.Message.Split(" (Parameter", 2)[0]);
            return;
        }

        // Only what can be seen now: a path that does not exist yet, a glob or a directory written as "dir/" stays allowed.
        if (!logPath.EndsWith('/') && logPath.AsSpan().IndexOfAny('*', '?') < 0)
        {
            switch (FileKind.Of(logPath))
            {
                case FileKind.Kind.Directory:
                    fail("LogPath", $"{ConfigurationError.Quote(logPath)} is a directory; write it with a trailing '/' to read the newest log in it");
                    break;
                case FileKind.Kind.Other:
                    fail("LogPath", $"{ConfigurationError.Quote(logPath)} is not a regular file (a device, a pipe or a socket cannot be tailed)");
                    break;
            }
        }
    }

    private static bool? ReadBool(SectionFields fields, string field, Action<string, string> fail)
    {
        var text = fields.Scalar(field);
        if (text is null)
        {
            return null;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        fail(field, $"must be true or false, got {ConfigurationError.Quote(text)}");
        return null;
    }
}

using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace PgReachExporter.Configuration;

/// <summary>The target fields of the host's view: the server log and the listening-socket table.</summary>
internal static partial class AgentSettingsReader
{
    private sealed record HostSignalFields(string? LogPath, LogFormat LogFormat, bool? LocalListener, int? ListenerPid);

    private static HostSignalFields ReadHostSignals(IConfigurationSection section, Action<string, string> fail)
    {
        var logPath = NullIfBlank(section["LogPath"]);
        var formatText = section["LogFormat"];
        LogFormat? format = null;
        if (formatText is not null)
        {
            if (LogFormatNames.TryParse(formatText, out var parsed))
            {
                format = parsed;
            }
            else
            {
                fail("LogFormat", $"'{formatText}' is not a server log format; expected {LogFormatNames.Expected} (the agent's own console format is PgReach:LogFormat)");
            }

            if (logPath is null)
            {
                fail("LogFormat", "is set but LogPath is not; say which log to read");
            }
        }

        var logFormat = format ?? (logPath is null ? LogFormat.Stderr : LogFormatNames.FromPath(logPath));
        if (logPath is not null)
        {
            ValidateLogPath(logPath, logFormat, fail);
        }

        var localListener = ReadBool(section["LocalListener"], "LocalListener", fail);
        int? pid = null;
        if (section["ListenerPid"] is { } pidText)
        {
            if (int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                pid = value;
            }
            else
            {
                fail("ListenerPid", $"must be a positive process id, got '{pidText}'");
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
            fail("LogPath", $"'{logPath}' must be an absolute path");
            return;
        }

        try
        {
            LogLocation.Parse(logPath, format);
        }
        catch (ArgumentException ex)
        {
            fail("LogPath", ex.Message.Split(" (Parameter", 2)[0]);
        }
    }

    private static bool? ReadBool(string? text, string field, Action<string, string> fail)
    {
        if (text is null)
        {
            return null;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        fail(field, $"must be true or false, got '{text}'");
        return null;
    }
}

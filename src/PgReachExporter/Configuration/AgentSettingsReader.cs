using System.Collections.Immutable;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace PgReachExporter.Configuration;

/// <summary>
/// Reads the "PgReach" configuration section into validated settings. Every problem is reported with its
/// source, target and field; unknown fields are errors, so a typo never silently falls back to a default.
/// </summary>
internal static partial class AgentSettingsReader
{
    public const string SectionName = "PgReach";

    private static readonly HashSet<string> AgentFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "Interval", "ConnectTimeout", "Targets", "LogFormat",
    };

    private static readonly HashSet<string> TargetFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "Name", "Uri", "Host", "Port", "Database", "Username", "Password", "PasswordFile", "SslMode", "ConnectTimeout", "Interval",
        MonitoringField, ExpectedClientsField, ExpectField,
        "LogPath", "LogFormat", "LocalListener", "ListenerPid",
    };

    private static readonly string[] UriExclusiveFields = ["Host", "Port", "Database", "Username", "SslMode"];

    public static AgentSettings Read(IConfiguration configuration, string source, LibpqEnvironment environment)
    {
        var errors = new List<ConfigurationError>();
        var settings = TryRead(configuration, source, environment, errors);
        return errors.Count > 0 || settings is null ? throw new ConfigurationException(errors) : settings;
    }

    private static AgentSettings? TryRead(IConfiguration configuration, string source, LibpqEnvironment environment, List<ConfigurationError> errors)
    {
        var section = configuration.GetSection(SectionName);
        foreach (var child in section.GetChildren().Where(c => !AgentFields.Contains(c.Key)))
        {
            errors.Add(new(source, null, $"{SectionName}:{child.Key}", $"unknown field (known: {string.Join(", ", AgentFields.Order())})"));
        }

        var interval = ReadDuration(section, "Interval", source, null, errors) ?? AgentSettings.DefaultInterval;
        var timeout = ReadDuration(section, "ConnectTimeout", source, null, errors) ?? AgentSettings.DefaultConnectTimeout;
        var format = section["LogFormat"];
        if (format is not null && !LogFormats.IsKnown(format))
        {
            errors.Add(new(source, null, $"{SectionName}:LogFormat", $"'{format}' is not a log format (use text or json)"));
        }

        var targetSections = section.GetSection("Targets").GetChildren().ToList();
        var defaults = new TargetDefaults(interval, timeout);
        var targets = targetSections.Count == 0
            ? [FromEnvironment(environment, defaults, source, errors)]
            : targetSections.Select(t => ReadTarget(t, defaults, source, errors)).ToList();

        foreach (var duplicate in targets.OfType<TargetDefinition>().GroupBy(t => t.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add(new(source, duplicate.Key, "Name", $"is used by {duplicate.Count()} targets; target names must be unique"));
        }

        return errors.Count > 0
            ? null
            : new AgentSettings
            {
                Targets = [.. targets.OfType<TargetDefinition>()],
                UsesEnvironmentTarget = targetSections.Count == 0,
                Source = source,
            };
    }

    private sealed record TargetDefaults(TimeSpan Interval, TimeSpan ConnectTimeout);

    /// <summary>
    /// Parses a connection given as a libpq URI (empty when there is none) and reports the fields that the URI and the
    /// section both give: a target's and a monitoring connection's are read alike.
    /// </summary>
    private static LibpqUri ReadUri(string? uriText, IConfigurationSection section, Action<string, string> fail)
    {
        if (uriText is null)
        {
            return new LibpqUri();
        }

        var fromUri = LibpqUri.TryParse(uriText, out var problem) ?? new LibpqUri();
        if (problem is not null)
        {
            fail("Uri", $"is not a valid libpq URI: it {problem}");
        }

        foreach (var field in UriExclusiveFields.Where(f => section[f] is not null))
        {
            fail(field, "is also given by Uri; set it in one place only");
        }

        if (fromUri.ConnectTimeout is not null && section["ConnectTimeout"] is not null)
        {
            fail("ConnectTimeout", "is also given by the Uri's connect_timeout; set it in one place only");
        }

        return fromUri;
    }

    private static TargetDefinition? ReadTarget(IConfigurationSection section, TargetDefaults defaults, string source, List<ConfigurationError> errors)
    {
        var before = errors.Count;
        var label = section["Name"] ?? $"#{section.Key}";
        void Fail(string field, string problem) => errors.Add(new(source, label, field, problem));

        foreach (var child in section.GetChildren().Where(c => !TargetFields.Contains(c.Key)))
        {
            Fail(child.Key, $"unknown field (known: {string.Join(", ", TargetFields.Order())})");
        }

        var uriText = section["Uri"];
        var fromUri = ReadUri(uriText, section, Fail);

        var host = fromUri.Host ?? section["Host"];
        if (uriText is null && string.IsNullOrWhiteSpace(host))
        {
            Fail("Host", "is required (or give the target as a Uri)");
        }

        host = string.IsNullOrWhiteSpace(host) ? "localhost" : host.Trim();
        var port = fromUri.Port ?? ReadPort(section["Port"], Fail) ?? AgentSettings.DefaultPort;
        var username = fromUri.Username ?? NullIfBlank(section["Username"]) ?? Environment.UserName;
        var database = fromUri.Database ?? NullIfBlank(section["Database"]) ?? username;
        var sslMode = fromUri.SslMode ?? ReadSslMode(section["SslMode"], Fail) ?? SslMode.Prefer;
        var password = ReadPassword(section, fromUri.Password, Fail);
        var timeout = fromUri.ConnectTimeout ?? ReadDuration(section, "ConnectTimeout", source, label, errors) ?? defaults.ConnectTimeout;
        var interval = ReadDuration(section, "Interval", source, label, errors) ?? defaults.Interval;
        var name = NullIfBlank(section["Name"]) ?? DefaultName(host, port, database);
        ValidateName(name, Fail);
        ValidateTiming(timeout, interval, Fail);
        var monitoring = ReadMonitoring(section.GetSection(MonitoringField), new MonitoringDefaults(host, port, sslMode, timeout, interval), source, label, errors);
        var clients = ReadExpectedClients(section.GetSection(ExpectedClientsField), Fail);
        var expect = ReadExpect(section.GetSection(ExpectField), Fail);
        var hostSignals = ReadHostSignals(section, Fail);

        return errors.Count > before
            ? null
            : new TargetDefinition
            {
                Name = name, Host = host, Port = port, Database = database, Username = username, Password = password,
                SslMode = sslMode, ConnectTimeout = timeout, Interval = interval,
                Monitoring = monitoring, ExpectedClients = clients, Expect = expect,
                LogPath = hostSignals.LogPath, LogFormat = hostSignals.LogFormat, LocalListener = hostSignals.LocalListener, ListenerPid = hostSignals.ListenerPid,
            };
    }

    private static TargetDefinition? FromEnvironment(LibpqEnvironment env, TargetDefaults defaults, string source, List<ConfigurationError> errors)
    {
        var before = errors.Count;
        void Fail(string field, string problem) => errors.Add(new("libpq environment", AgentSettings.DefaultTargetName, field, problem));

        var port = ReadPort(env["PGPORT"], (_, problem) => Fail("PGPORT", problem)) ?? AgentSettings.DefaultPort;
        var sslMode = ReadSslMode(env["PGSSLMODE"], (_, problem) => Fail("PGSSLMODE", problem)) ?? SslMode.Prefer;
        var timeout = defaults.ConnectTimeout;
        if (env["PGCONNECT_TIMEOUT"] is { } seconds)
        {
            if (int.TryParse(seconds, out var value) && value > 0)
            {
                timeout = TimeSpan.FromSeconds(value);
            }
            else
            {
                Fail("PGCONNECT_TIMEOUT", $"'{seconds}' is not a positive whole number of seconds");
            }
        }

        ValidateTiming(timeout, defaults.Interval, Fail);
        var user = env.DefaultUser;
        return errors.Count > before
            ? null
            : new TargetDefinition
            {
                Name = AgentSettings.DefaultTargetName,
                Host = env["PGHOST"] ?? "localhost",
                Port = port,
                Username = user,
                Database = env["PGDATABASE"] ?? user,
                Password = env["PGPASSWORD"] is { } pw ? new LiteralPassword(pw) : PasswordSource.None,
                SslMode = sslMode,
                ConnectTimeout = timeout,
                Interval = defaults.Interval,
            };
    }

    private static PasswordSource ReadPassword(IConfigurationSection section, string? uriPassword, Action<string, string> fail)
    {
        var inline = section["Password"];
        var file = section["PasswordFile"];
        if (new[] { inline, file, uriPassword }.Count(v => v is not null) > 1)
        {
            fail(file is not null ? "PasswordFile" : "Password", "more than one of Password, PasswordFile and the Uri's password is set; use one");
            return PasswordSource.None;
        }

        if (file is not null)
        {
            try
            {
                if (PasswordFileReader.Read(file).Length == 0)
                {
                    fail("PasswordFile", $"'{file}' is empty");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                fail("PasswordFile", $"'{file}' cannot be read: {ex.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)}");
            }

            return new PasswordFile(file);
        }

        var password = inline ?? uriPassword;
        return password is null ? PasswordSource.None : new LiteralPassword(password);
    }

    private static int? ReadPort(string? text, Action<string, string> fail)
    {
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, out var port) && port is >= 1 and <= 65535)
        {
            return port;
        }

        fail("Port", $"must be a whole number from 1 to 65535, got '{text}'");
        return null;
    }

    private static SslMode? ReadSslMode(string? text, Action<string, string> fail)
    {
        if (text is null)
        {
            return null;
        }

        if (SslModeNames.TryParse(text, out var mode))
        {
            return mode;
        }

        fail("SslMode", $"'{text}' is not an sslmode; expected one of {SslModeNames.Expected}");
        return null;
    }

    private static TimeSpan? ReadDuration(IConfigurationSection section, string field, string source, string? target, List<ConfigurationError> errors, string prefix = "")
    {
        var text = section[field];
        if (text is null)
        {
            return null;
        }

        var path = target is null ? $"{SectionName}:{field}" : prefix + field;
        if (!DurationParser.TryParse(text, out var value))
        {
            errors.Add(new(source, target, path, $"'{text}' is not a duration (examples: 00:00:15, 15s, 500ms)"));
            return null;
        }

        if (value <= TimeSpan.Zero)
        {
            errors.Add(new(source, target, path, $"must be positive, got '{text}'"));
            return null;
        }

        return value;
    }

    private static void ValidateTiming(TimeSpan timeout, TimeSpan interval, Action<string, string> fail)
    {
        if (timeout >= interval)
        {
            fail("ConnectTimeout", $"{DurationParser.Format(timeout)} must be shorter than the interval {DurationParser.Format(interval)}, or probes would overlap");
        }
    }

    private static void ValidateName(string name, Action<string, string> fail)
    {
        if (name.Length > 128 || name.Any(char.IsControl))
        {
            fail("Name", "must be at most 128 printable characters (it becomes the 'target' label)");
        }
    }

    private static string DefaultName(string host, int port, string database) => $"{host}:{port}/{database}";

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <summary>The console log formats the agent can write.</summary>
internal static class LogFormats
{
    public const string Text = "text";
    public const string Json = "json";

    public static bool IsKnown(string format) =>
        string.Equals(format, Text, StringComparison.OrdinalIgnoreCase) || string.Equals(format, Json, StringComparison.OrdinalIgnoreCase);
}

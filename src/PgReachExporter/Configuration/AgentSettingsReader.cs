using System.Collections.Immutable;
using System.Globalization;
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
        "Interval", "ConnectTimeout", "Targets", "LogFormat", WebField, ModulesField, ProbeField,
        TargetFilesField, TargetInfoLabelsField, SeriesProfiles.Field,
    };

    private const string WebField = "Web";
    private static readonly string[] WebFields = ["ConfigFile"];
    /// <summary>The fields of the PgReach section: the command line's <c>--PgReach:KEY</c> accepts these KEYs.</summary>
    public static IReadOnlyCollection<string> AgentFieldNames => AgentFields;

    private static readonly HashSet<string> TargetFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "Name", "Uri", "Host", "Port", "Database", "Username", "Password", "PasswordFile", "SslMode", "ConnectTimeout", "Interval",
        MonitoringField, ExpectedClientsField, ExpectField,
        "LogPath", "LogFormat", "LocalListener", "ListenerPid",
        "SslRootCert", "SslCert", "SslKey", "SslMinProtocolVersion", "SslMaxProtocolVersion", "TlsProbe", "TlsDirectHandshake", "TlsExpiryWarning",
        LabelsField,
    };

    private static readonly string[] UriExclusiveFields = ["Host", "Port", "Database", "Username", "SslMode"];

    /// <param name="baseDirectory">What relative TargetFiles patterns are taken from: the --config file's directory; the current directory when null.</param>
    public static AgentSettings Read(IConfiguration configuration, string source, LibpqEnvironment environment, string? baseDirectory = null)
    {
        var errors = new List<ConfigurationError>();
        var settings = TryRead(configuration, source, environment, baseDirectory ?? Directory.GetCurrentDirectory(), errors);
        return errors.Count > 0 || settings is null ? throw new ConfigurationException(errors) : settings;
    }

    private static AgentSettings? TryRead(IConfiguration configuration, string source, LibpqEnvironment environment, string baseDirectory, List<ConfigurationError> errors)
    {
        void FailAgent(string field, string problem) => errors.Add(new(source, null, field.Length == 0 ? SectionName : $"{SectionName}:{field}", problem));
        var root = new SectionFields(configuration, (_, problem) => FailAgent("", problem));
        var section = root.Section(SectionName, "a section ({ \"Targets\": [ ... ] })") ?? configuration.GetSection(SectionName);
        var fields = new SectionFields(section, FailAgent);
        foreach (var key in fields.Keys.Where(k => !AgentFields.Contains(k)))
        {
            FailAgent(key, $"unknown field (known: {string.Join(", ", AgentFields.Order())})");
        }

        var interval = ReadDuration(fields, "Interval", DurationBounds.Interval, FailAgent) ?? AgentSettings.DefaultInterval;
        var timeout = ReadDuration(fields, "ConnectTimeout", DurationBounds.Timeout, FailAgent) ?? AgentSettings.DefaultConnectTimeout;
        var format = fields.Scalar("LogFormat");
        if (format is not null && !LogFormats.IsKnown(format))
        {
            FailAgent("LogFormat", $"{ConfigurationError.Quote(format)} is not a log format (use text or json)");
        }

        var webConfigFile = ReadWebConfigFile(fields, FailAgent);
        var profile = SeriesProfile.Full;
        if (fields.Scalar(SeriesProfiles.Field) is { } givenProfile)
        {
            if (SeriesProfiles.Parse(givenProfile) is { } parsed)
            {
                profile = parsed;
            }
            else
            {
                FailAgent(SeriesProfiles.Field, $"{ConfigurationError.Quote(givenProfile)} is not a series profile (use full or lean)");
            }
        }

        var defaults = new TargetDefaults(interval, timeout);
        var noTargets = fields.Raw("Targets")?.Value?.Length == 0;
        var targetList = noTargets ? null : fields.Section("Targets", "a list of targets");
        var targetSections = targetList?.GetChildren().ToList() ?? [];
        if (noTargets || (targetList is not null && targetSections.Count == 0))
        {
            // The libpq-environment default is for a configuration that names no targets, not for a list left empty.
            FailAgent("Targets", "lists no targets; add one, or remove Targets to probe the libpq environment's (PGHOST, PGPORT, ...) default");
        }

        var usesEnvironment = !fields.Has("Targets") && !fields.Has(TargetFilesField);
        var targets = usesEnvironment
            ? [FromEnvironment(environment, defaults, errors)]
            : targetSections.Select(t => ReadTarget(t, defaults, source, errors)).ToList();

        var modules = ReadModules(fields, timeout, source, errors);
        var probe = ReadProbeSettings(fields, source, errors);
        var targetFiles = ReadTargetFileSources(fields, baseDirectory, modules, FailAgent);
        var infoLabels = ReadTargetInfoLabels(fields, FailAgent);
        var labels = ReadTargetLabels(targetSections, targets, source, errors);
        var discovered = ReadTargetFiles(targetFiles, modules, interval, [.. targets.OfType<TargetDefinition>()], source, errors);
        foreach (var duplicate in targets.OfType<TargetDefinition>().GroupBy(t => t.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add(new(source, duplicate.Key, "Name", $"is used by {duplicate.Count()} targets; target names must be unique"));
        }

        return errors.Count > 0
            ? null
            : new AgentSettings
            {
                Targets = [.. targets.OfType<TargetDefinition>(), .. discovered.Select(d => d.Target)],
                TargetFiles = targetFiles,
                TargetInfoLabels = infoLabels,
                TargetInfo = TargetInfoValues(infoLabels, labels.Select(l => (l.Key, l.Value)).Concat(discovered.Select(d => (d.Target.Name, d.Labels)))),
                UsesEnvironmentTarget = usesEnvironment,
                Source = source,
                WebConfigFile = webConfigFile,
                Modules = modules,
                Probe = probe,
                SeriesProfile = profile,
            };
    }

    /// <summary>PgReach:Web:ConfigFile, made absolute against the directory the agent was started from (as --web.config.file is).</summary>
    private static string? ReadWebConfigFile(SectionFields fields, Action<string, string> fail)
    {
        var section = fields.Section(WebField, "a section ({ \"ConfigFile\": \"web-config.yml\" })");
        if (section is null)
        {
            return null;
        }

        void FailWeb(string field, string problem) => fail($"{WebField}:{field}", problem);
        var web = new SectionFields(section, FailWeb);
        foreach (var key in web.Keys.Where(k => !WebFields.Contains(k, StringComparer.OrdinalIgnoreCase)))
        {
            FailWeb(key, $"unknown field (known: {string.Join(", ", WebFields)})");
        }

        return web.Scalar("ConfigFile") is { } file ? Path.GetFullPath(file, Directory.GetCurrentDirectory()) : null;
    }

    private sealed record TargetDefaults(TimeSpan Interval, TimeSpan ConnectTimeout);

    /// <summary>
    /// Parses a connection given as a libpq URI (empty when there is none) and reports the fields that the URI and the
    /// section both give: a target's and a monitoring connection's are read alike.
    /// </summary>
    private static LibpqUri ReadUri(string? uriText, SectionFields fields, Action<string, string> fail) => ReadUri(uriText, fields, fail, out _);

    private static LibpqUri ReadUri(string? uriText, SectionFields fields, Action<string, string> fail, out bool parsed)
    {
        parsed = false;
        if (uriText is null)
        {
            return new LibpqUri();
        }

        var fromUri = LibpqUri.TryParse(uriText, out var problem) ?? new LibpqUri();
        parsed = problem is null;
        if (problem is not null)
        {
            fail("Uri", $"is not a valid libpq URI: it {problem}");
        }
        else if (fromUri.Host is { } host && HostName.Problem(host) is { } hostProblem)
        {
            fail("Uri", $"is not a usable libpq URI: its host {hostProblem}");
        }

        foreach (var field in UriExclusiveFields.Where(fields.Has))
        {
            fail(field, "is also given by Uri; set it in one place only");
        }

        if (fromUri.ConnectTimeout is not null && fields.Has("ConnectTimeout"))
        {
            fail("ConnectTimeout", "is also given by the Uri's connect_timeout; set it in one place only");
        }

        return fromUri;
    }

    private static TargetDefinition? ReadTarget(IConfigurationSection section, TargetDefaults defaults, string source, List<ConfigurationError> errors)
    {
        var before = errors.Count;
        if (section.Value is not null)
        {
            errors.Add(new(source, null, $"{SectionName}:Targets:{section.Key}", "must be a target ({ \"Name\": ..., \"Host\": ... }), not a single value or an empty list"));
            return null;
        }

        // The label names the target in messages before its name is known to be valid.
        var label = $"#{section.Key}";
        void Fail(string field, string problem) => errors.Add(new(source, label, field, problem));
        var fields = new SectionFields(section, Fail);
        if (fields.Count == 0)
        {
            errors.Add(new(source, null, $"{SectionName}:Targets:{section.Key}", "is an empty target; give at least a Host or a Uri"));
            return null;
        }

        var givenName = fields.Scalar("Name");
        label = givenName ?? label;
        foreach (var key in fields.Keys.Where(k => !TargetFields.Contains(k)))
        {
            Fail(key, $"unknown field (known: {string.Join(", ", TargetFields.Order())})");
        }

        var uriText = fields.Scalar("Uri");
        var fromUri = ReadUri(uriText, fields, Fail, out var uriParsed);
        var host = fromUri.Host ?? fields.Scalar("Host");
        if (host is null && !fields.Has("Host") && !fields.Has("Uri"))
        {
            Fail("Host", "is required (or give the target as a Uri)");
        }
        else if (host is null && uriParsed)
        {
            Fail("Uri", "names no host (add one, or ?host=/socket/directory)");
        }
        else if (fromUri.Host is null && host is not null && HostName.Problem(host) is { } hostProblem)
        {
            Fail("Host", hostProblem);
        }

        host ??= "localhost";
        var port = fromUri.Port ?? ReadPort(fields.Scalar("Port"), Fail) ?? AgentSettings.DefaultPort;
        var username = fromUri.Username ?? ReadIdentifier(fields, "Username", Fail) ?? Environment.UserName;
        var database = fromUri.Database ?? ReadIdentifier(fields, "Database", Fail) ?? username;
        ValidateIdentifier(fromUri.Username, "Uri", "user name", Fail);
        ValidateIdentifier(fromUri.Database, "Uri", "database", Fail);
        var sslMode = fromUri.SslMode ?? ReadSslMode(fields.Scalar("SslMode"), Fail) ?? SslMode.Prefer;
        var password = ReadPassword(fields, fromUri.Password, Fail);
        var timeout = fromUri.ConnectTimeout ?? ReadDuration(fields, "ConnectTimeout", DurationBounds.Timeout, Fail) ?? defaults.ConnectTimeout;
        var interval = ReadDuration(fields, "Interval", DurationBounds.Interval, Fail) ?? defaults.Interval;
        var name = givenName?.Trim() ?? DefaultName(host, port, database);
        ValidateName(name, Fail);
        ValidateTiming(timeout, interval, Fail);
        var monitoring = ReadMonitoring(fields, new MonitoringDefaults(host, port, sslMode, timeout, interval), source, label, errors);
        var clients = ReadExpectedClients(fields, Fail);
        var expect = ReadExpect(fields, Fail);
        var hostSignals = ReadHostSignals(fields, Fail);
        var tls = ReadTls(fields, fromUri, Fail);

        return errors.Count > before
            ? null
            : new TargetDefinition
            {
                Name = name, Host = host, Port = port, Database = database, Username = username, Password = password,
                SslMode = sslMode, Tls = tls, ConnectTimeout = timeout, Interval = interval,
                Monitoring = monitoring, ExpectedClients = clients, Expect = expect,
                LogPath = hostSignals.LogPath, LogFormat = hostSignals.LogFormat, LocalListener = hostSignals.LocalListener, ListenerPid = hostSignals.ListenerPid,
            };
    }

    private static TargetDefinition? FromEnvironment(LibpqEnvironment env, TargetDefaults defaults, List<ConfigurationError> errors)
    {
        var before = errors.Count;
        void Fail(string field, string problem) => errors.Add(new("libpq environment", AgentSettings.DefaultTargetName, field, problem));

        var port = ReadPort(env["PGPORT"], (_, problem) => Fail("PGPORT", problem)) ?? AgentSettings.DefaultPort;
        var sslMode = ReadSslMode(env["PGSSLMODE"], (_, problem) => Fail("PGSSLMODE", problem)) ?? SslMode.Prefer;
        var timeout = defaults.ConnectTimeout;
        if (env["PGCONNECT_TIMEOUT"] is { } seconds)
        {
            if (int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 && value <= DurationBounds.Timeout.Max.TotalSeconds)
            {
                timeout = TimeSpan.FromSeconds(value);
            }
            else
            {
                Fail("PGCONNECT_TIMEOUT", $"{ConfigurationError.Quote(seconds)} is not a whole number of seconds from 1 to {DurationBounds.Timeout.Max.TotalSeconds:0}");
            }
        }

        var host = env["PGHOST"] ?? "localhost";
        if (HostName.Problem(host) is { } hostProblem)
        {
            Fail("PGHOST", hostProblem);
        }

        var user = env.DefaultUser;
        var database = env["PGDATABASE"] ?? user;
        ValidateIdentifier(user, "PGUSER", "user name", Fail);
        ValidateIdentifier(database, "PGDATABASE", "database", Fail);
        ValidateTiming(timeout, defaults.Interval, Fail);
        return errors.Count > before
            ? null
            : new TargetDefinition
            {
                Name = AgentSettings.DefaultTargetName,
                Host = host,
                Port = port,
                Username = user,
                Database = database,
                Password = env["PGPASSWORD"] is { } pw ? new LiteralPassword(pw) : PasswordSource.None,
                SslMode = sslMode,
                ConnectTimeout = timeout,
                Interval = defaults.Interval,
            };
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

using System.Globalization;
using Microsoft.Extensions.Configuration;
using Npgsql;
using PgReachExporter.Configuration;

namespace PgReachExporter.Cli;

/// <summary>
/// Turns the command line into one target: a URI with libpq's environment filling the gaps, or a configured target
/// read the way the agent reads it. Problems are configuration errors that never repeat a password.
/// </summary>
internal static class DiagnoseTargetResolver
{
    private const string Source = "command line";

    // A one-shot run has no schedule; the interval only has to exceed the timeout so the cycle never counts as an overrun.
    private static readonly TimeSpan OneShotInterval = TimeSpan.FromHours(1);

    public static TargetDefinition Resolve(DiagnoseArguments arguments, LibpqEnvironment environment, string workingDirectory)
    {
        var target = IsUri(arguments.Target!)
            ? FromUri(arguments.Target!, environment)
            : FromConfiguration(arguments, environment, workingDirectory);
        if (arguments.PasswordFile is { } file)
        {
            var path = Path.GetFullPath(file, workingDirectory);
            try
            {
                _ = PasswordFileReader.Read(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw Error(target.Name, "--password-file", $"{ConfigurationError.Quote(file)} cannot be read: {ex.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)}");
            }

            target = target with { Password = new PasswordFile(path) };
        }

        target = WithHostSignals(target, arguments, environment, workingDirectory);
        return arguments.Timeout is { } timeout ? target with { ConnectTimeout = timeout } : target;
    }

    /// <summary>
    /// --monitoring, --log and --local-listener read exactly as the agent reads Monitoring, LogPath and LocalListener
    /// (the same reader and validation), then put on the target.
    /// </summary>
    private static TargetDefinition WithHostSignals(TargetDefinition target, DiagnoseArguments arguments, LibpqEnvironment environment, string workingDirectory)
    {
        if (arguments.Monitoring is null && arguments.LogPath is null && arguments.LocalListener is null)
        {
            return target;
        }

        const string prefix = AgentSettingsReader.SectionName + ":Targets:0:";
        var values = new Dictionary<string, string?>
        {
            [prefix + "Name"] = target.Name,
            [prefix + "Host"] = target.Host,
            [prefix + "Port"] = target.Port.ToString(CultureInfo.InvariantCulture),
            [prefix + "Username"] = target.Username,
            [prefix + "Database"] = target.Database,
            [prefix + "ConnectTimeout"] = DurationParser.Format(target.ConnectTimeout),
            [prefix + "Interval"] = DurationParser.Format(target.Interval),
            [prefix + "Monitoring"] = arguments.Monitoring,
            [prefix + "LogPath"] = arguments.LogPath is { } log ? Path.GetFullPath(log, workingDirectory) + (log.EndsWith('/') ? "/" : "") : null,
            [prefix + "LocalListener"] = arguments.LocalListener?.ToString(),
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values.Where(v => v.Value is not null)).Build();
        var read = AgentSettingsReader.Read(configuration, Source, environment).Targets[0];
        return target with
        {
            Monitoring = read.Monitoring ?? target.Monitoring,
            LogPath = read.LogPath ?? target.LogPath,
            LogFormat = read.LogPath is null ? target.LogFormat : read.LogFormat,
            LocalListener = read.LocalListener ?? target.LocalListener,
        };
    }

    /// <summary>
    /// A warning when the password is in a URI on the command line, where other users see it (ps, /proc/PID/cmdline)
    /// and shell history keeps it; null otherwise. It never repeats the password.
    /// </summary>
    public static string? PasswordWarning(DiagnoseArguments arguments) =>
        HasPassword(arguments.Target) || HasPassword(arguments.Monitoring)
            ? "warning: the password in the URI is visible to other users of this machine (ps) and stays in shell history; use PGPASSWORD or --password-file instead"
              + " (for --monitoring, a PasswordFile in the --config file)"
            : null;

    private static bool HasPassword(string? text) => text is not null && IsUri(text) && LibpqUri.TryParse(text, out _)?.Password is not null;

    public static bool IsUri(string text) =>
        text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);

    private static TargetDefinition FromUri(string text, LibpqEnvironment environment)
    {
        var uri = LibpqUri.TryParse(text, out var problem);
        if (uri is null)
        {
            throw Error(null, "TARGET", $"is not a valid libpq URI: it {problem}");
        }

        var host = uri.Host ?? environment["PGHOST"] ?? "localhost";
        if (HostName.Problem(host) is { } hostProblem)
        {
            throw Error(null, "TARGET", $"names a host that cannot be used: it {hostProblem}");
        }

        var port = uri.Port ?? EnvironmentPort(environment) ?? AgentSettings.DefaultPort;
        var user = uri.Username ?? environment.DefaultUser;
        var database = uri.Database ?? environment["PGDATABASE"] ?? user;
        var sslMode = uri.SslMode ?? (SslModeNames.TryParse(environment["PGSSLMODE"], out var mode) ? mode : SslMode.Prefer);
        var timeout = uri.ConnectTimeout ?? EnvironmentTimeout(environment) ?? AgentSettings.DefaultConnectTimeout;
        var password = uri.Password ?? environment["PGPASSWORD"];
        return new TargetDefinition
        {
            Name = $"{host}:{port}/{database}",
            Host = host,
            Port = port,
            Database = database,
            Username = user,
            Password = password is null ? PasswordSource.None : new LiteralPassword(password),
            SslMode = sslMode,
            ConnectTimeout = timeout,
            Interval = OneShotInterval,
        };
    }

    private static TargetDefinition FromConfiguration(DiagnoseArguments arguments, LibpqEnvironment environment, string workingDirectory)
    {
        var configFile = arguments.ConfigFile is null ? null : Path.GetFullPath(arguments.ConfigFile, workingDirectory);
        var environmentName = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        var settings = new AgentConfigurationSources(workingDirectory, environmentName, configFile, []).ReadSettings(environment);
        var found = settings.Targets.FirstOrDefault(t => string.Equals(t.Name, arguments.Target, StringComparison.Ordinal))
            ?? throw Error(arguments.Target, "TARGET",
                $"is neither a postgresql:// URI nor a target in {settings.Source} (targets: {string.Join(", ", settings.Targets.Select(t => t.Name))})");
        return found with { Interval = OneShotInterval };
    }

    private static int? EnvironmentPort(LibpqEnvironment environment) =>
        int.TryParse(environment["PGPORT"], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 ? port : null;

    private static TimeSpan? EnvironmentTimeout(LibpqEnvironment environment) =>
        int.TryParse(environment["PGCONNECT_TIMEOUT"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : null;

    private static ConfigurationException Error(string? target, string field, string problem) => new([new(Source, target, field, problem)]);
}

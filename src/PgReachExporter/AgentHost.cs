using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.HostSignals;
using PgReachExporter.Metrics;
using PgReachExporter.Scheduling;
using PgReachExporter.Web;
using Prometheus;
using Serilog;

namespace PgReachExporter;

/// <summary>Host wiring only: configuration, services and endpoints of the long-running agent.</summary>
internal static class AgentHost
{
    public const string DefaultUrls = "http://0.0.0.0:9930";

    /// <summary>--web.config.file and --web.listen-address, the exporter toolkit's flags (the command line maps them to these keys).</summary>
    public const string WebConfigFileKey = "web.config.file";
    public const string WebListenAddressKey = "web.listen-address";

    /// <summary>Builds the agent; throws <see cref="ConfigurationException"/> when the configuration cannot be used.</summary>
    public static WebApplication Build(string[] args, LibpqEnvironment? environment = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        var sources = new AgentConfigurationSources(
            builder.Environment.ContentRootPath,
            builder.Environment.EnvironmentName,
            AgentConfigurationSources.ConfigFileFrom(builder.Configuration),
            args)
        {
            Shard = ShardSelection.Resolve(builder.Configuration[ShardSelection.ConfigurationKey], Environment.GetEnvironmentVariable,
                Environment.GetEnvironmentVariable("HOSTNAME") ?? Environment.MachineName),
        };
        environment ??= LibpqEnvironment.FromProcess();
        var (settings, logLevels) = sources.ReadStartup(environment);
        if (sources.ConfigFile is not null)
        {
            // Host settings such as Urls or Serilog may live in the same file.
            builder.Configuration.AddIndexedJsonFile(sources.ConfigFile, optional: false);
        }

        var webConfigFile = builder.Configuration[WebConfigFileKey] is { Length: > 0 } given
            ? Path.GetFullPath(given, Directory.GetCurrentDirectory())
            : settings.WebConfigFile;
        var web = webConfigFile is null ? null : WebConfiguration.Load(webConfigFile);

        // Checked before Kestrel reads them: it would take a port it cannot parse as part of the host and listen on http://[::]:80 instead.
        builder.WebHost.UseUrls(ListenAddresses.Resolve(builder.Configuration["urls"], builder.Configuration[WebListenAddressKey], web?.Tls is not null));

        ConfigureLogging(builder, logLevels);
        var registry = Prometheus.Metrics.NewCustomRegistry();
        DotNetStats.Register(registry);
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(registry);
        services.AddSingleton(new ReachMetrics(Prometheus.Metrics.WithCustomRegistry(registry), settings.SeriesProfile));
        services.AddSingleton<MetricsExposition>();
        services.AddSingleton(sp => new TargetSetMonitor(settings, () => sources.ReadSettings(environment), sources.ConfigFile,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TargetSetMonitor>>()));
        services.AddSingleton<AgentMetricsWriter>();
        services.AddSingleton<FleetMetricsWriter>();
        services.AddSingleton(sp => new LocalLogSources(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<RemoteLogSources>();
        services.AddSingleton<IRemoteLogSink>(sp => sp.GetRequiredService<RemoteLogSources>());
        services.AddSingleton<IServerLogSourceFactory, ServerLogSources>();
        services.AddSingleton(sp => new ListenerTables(time: sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ProbeMetricsWriter>();
        services.AddSingleton<HostSignalMetricsWriter>();
        services.AddSingleton<ILogObserver>(sp => sp.GetRequiredService<HostSignalMetricsWriter>());
        services.AddSingleton<IVerdictSink, DiagnosisMetricsWriter>();
        services.AddSingleton<VerdictTracker>();
        services.AddSingleton<ResultChangeLog>();
        services.AddSingleton<HostSignalScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<HostSignalScheduler>());
        services.AddSingleton<ServerEvidenceStore>();
        services.AddSingleton(AgentPipeline.Health);
        services.AddSingleton(AgentPipeline.Build);
        services.AddSingleton<IServerViewSink, ServerMetricsWriter>();
        services.AddSingleton<IServerViewSink, ServerEvidenceRecorder>();
        services.AddSingleton<IServerViewSink, ServerCheckChangeLog>();
        services.AddSingleton<OnDemandProbe>();
        services.AddSingleton<ProbeBulkhead>();
        services.AddHostedService<ProbeScheduler>();
        services.AddHostedService<ServerViewScheduler>();
        services.AddHostedService(sp => new HeapSweeper(sp.GetRequiredService<TimeProvider>()));
        if (web is not null)
        {
            FrontDoorHosting.Add(builder, web);
        }

        var app = builder.Build();
        app.Services.GetRequiredService<AgentMetricsWriter>();
        app.Services.GetRequiredService<FleetMetricsWriter>();
        app.Services.GetService<WebConfigMetricsWriter>();
        AgentEndpoints.Map(app);
        LogStart(app, settings);
        return app;
    }

    /// <summary>
    /// Starts the agent and runs it until it stops. An address that cannot be bound (in use, not on this host, not
    /// permitted) is one line on stderr and exit code 2, not an unhandled exception.
    /// </summary>
    public static async Task<int> RunAsync(WebApplication app)
    {
        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.StartAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ListenFailure(ex, app) is { } failure)
            {
                await Console.Error.WriteLineAsync($"pgreach: {failure}").ConfigureAwait(false);
                return 2;
            }

            await app.WaitForShutdownAsync().ConfigureAwait(false);
            return 0;
        }
    }

    private static string? ListenFailure(Exception ex, WebApplication app)
    {
        var urls = app.Configuration["urls"] ?? DefaultUrls;
        return (ex is AggregateException { InnerExceptions.Count: 1 } one ? one.InnerException : ex) switch
        {
            // Kestrel's own message names the address: "Failed to bind to address http://127.0.0.1:9930: address already in use."
            IOException io when io.InnerException is System.Net.Sockets.SocketException or Microsoft.AspNetCore.Connections.AddressInUseException
                => ConfigurationError.Printable(io.Message, 300),
            System.Net.Sockets.SocketException socket => $"cannot listen on {ConfigurationError.Printable(urls, 300)}: {socket.Message}",
            _ => null,
        };
    }

    /// <summary>The host's own record of a failed start: the agent reports a bind failure in one line instead.</summary>
    private static bool IsBindFailureLog(Serilog.Events.LogEvent e) =>
        e.Level >= Serilog.Events.LogEventLevel.Error
        && e.Exception is System.Net.Sockets.SocketException or IOException { InnerException: System.Net.Sockets.SocketException or Microsoft.AspNetCore.Connections.AddressInUseException }
        && e.Properties.TryGetValue("SourceContext", out var source) && source.ToString().Contains("Microsoft.Extensions.Hosting", StringComparison.Ordinal);

    private static void ConfigureLogging(WebApplicationBuilder builder, LogLevelSettings levels)
    {
        var format = builder.Configuration[$"{AgentSettingsReader.SectionName}:LogFormat"] ?? LogFormats.Text;
        var json = string.Equals(format, LogFormats.Json, StringComparison.OrdinalIgnoreCase);
        var output = new LogOutput(json);
        // From a factory, so that the container disposes it with the agent (a bounded flush), after everything that logs.
        builder.Services.AddSingleton(_ => output);
        builder.Services.AddSerilog((_, logger) =>
        {
            logger.MinimumLevel.Is(levels.Default).Enrich.FromLogContext().Filter.ByExcluding(IsBindFailureLog);
            foreach (var (source, level) in levels.Overrides)
            {
                logger.MinimumLevel.Override(source, level);
            }

            logger.WriteTo.Logger(output.Writer);
        });
    }

    private static void LogStart(WebApplication app, AgentSettings settings)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PgReachExporter");
        if (settings.UsesEnvironmentTarget)
        {
            var target = settings.Targets[0];
            logger.LogInformation(new EventId(LogEvents.DefaultTarget, "DefaultTarget"),
                "No targets configured: probing {Target} from the libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE)", target.ToString());
        }

        if (settings.Shard.IsSharded)
        {
            logger.LogInformation(new EventId(LogEvents.ShardSelected, "ShardSelected"),
                "Shard {Shard}: probing {TargetCount} of {ConfiguredCount} configured target(s)", settings.Shard.ToString(), settings.Targets.Length, settings.ConfiguredTargetCount);
        }

        app.Lifetime.ApplicationStarted.Register(() => logger.LogInformation(new EventId(LogEvents.AgentStarted, "AgentStarted"),
            "PgReachExporter {Version} probing {TargetCount} target(s); metrics at {Urls}",
            BuildVersion.Current, settings.Targets.Length, string.Join(", ", app.Urls.Select(u => u.TrimEnd('/') + "/metrics"))));
    }
}

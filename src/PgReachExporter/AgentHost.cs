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
using Serilog.Formatting.Compact;

namespace PgReachExporter;

/// <summary>Host wiring only: configuration, services and endpoints of the long-running agent.</summary>
internal static class AgentHost
{
    public const string DefaultUrls = "http://0.0.0.0:9930";

    /// <summary>Builds the agent; throws <see cref="ConfigurationException"/> when the configuration cannot be used.</summary>
    public static WebApplication Build(string[] args, LibpqEnvironment? environment = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        var sources = new AgentConfigurationSources(
            builder.Environment.ContentRootPath,
            builder.Environment.EnvironmentName,
            AgentConfigurationSources.ConfigFileFrom(builder.Configuration, builder.Environment.ContentRootPath),
            args);
        environment ??= LibpqEnvironment.FromProcess();
        var (settings, logLevels) = sources.ReadStartup(environment);
        if (sources.ConfigFile is not null)
        {
            // Host settings such as Urls or Serilog may live in the same file.
            builder.Configuration.AddJsonFile(sources.ConfigFile, optional: false, reloadOnChange: false);
        }

        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrls);
        }

        ConfigureLogging(builder, logLevels);
        var registry = Prometheus.Metrics.NewCustomRegistry();
        DotNetStats.Register(registry);
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(registry);
        services.AddSingleton(new ReachMetrics(Prometheus.Metrics.WithCustomRegistry(registry)));
        services.AddSingleton<MetricsExposition>();
        services.AddSingleton(sp => new TargetSetMonitor(settings, () => sources.ReadSettings(environment), sources.ConfigFile,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TargetSetMonitor>>()));
        services.AddSingleton<AgentMetricsWriter>();
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
        services.AddHostedService<ProbeScheduler>();
        services.AddHostedService<ServerViewScheduler>();
        services.AddHostedService(sp => new HeapSweeper(sp.GetRequiredService<TimeProvider>()));

        var app = builder.Build();
        app.Services.GetRequiredService<AgentMetricsWriter>();
        AgentEndpoints.Map(app);
        LogStart(app, settings);
        return app;
    }

    private static void ConfigureLogging(WebApplicationBuilder builder, LogLevelSettings levels)
    {
        var format = builder.Configuration[$"{AgentSettingsReader.SectionName}:LogFormat"] ?? builder.Configuration["log-format"] ?? LogFormats.Text;
        var json = string.Equals(format, LogFormats.Json, StringComparison.OrdinalIgnoreCase);
        builder.Services.AddSerilog((_, logger) =>
        {
            logger.MinimumLevel.Is(levels.Default).Enrich.FromLogContext();
            foreach (var (source, level) in levels.Overrides)
            {
                logger.MinimumLevel.Override(source, level);
            }

            if (json)
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(outputTemplate: "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} {Level:u3} {Message:lj}{NewLine}{Exception}");
            }
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

        app.Lifetime.ApplicationStarted.Register(() => logger.LogInformation(new EventId(LogEvents.AgentStarted, "AgentStarted"),
            "PgReachExporter {Version} probing {TargetCount} target(s); metrics at {Urls}",
            BuildVersion.Current, settings.Targets.Length, string.Join(", ", app.Urls.Select(u => u.TrimEnd('/') + "/metrics"))));
    }
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PgReachExporter.IntegrationTests.Deploy;

/// <summary>
/// The compose stack, checked without a Docker engine: docker-compose (1.29) validates and normalises the file
/// offline, and the tests compare the result with the agent's defaults and the files it mounts.
/// </summary>
public sealed partial class ComposeTests(NormalisedComposeStack normalised) : IClassFixture<NormalisedComposeStack>
{
    private const string SecretsDirectory = "/run/secrets/";

    [Fact]
    public async Task Docker_compose_accepts_the_stack_and_every_file_it_mounts_exists()
    {
        var stack = await NormalisedStackAsync();

        foreach (var (name, service) in Services(stack))
        {
            foreach (var volume in service["volumes"].Strings())
            {
                var source = volume.Split(':')[0];
                if (source.StartsWith('/'))
                {
                    Assert.True(File.Exists(source) || Directory.Exists(source), $"service {name} mounts missing {source}");
                }
            }

            if (service["build"] is { } build)
            {
                var context = build["context"].Text($"build context of {name}");
                Assert.True(File.Exists(Path.Combine(context, build["dockerfile"]?.ToString() ?? "Dockerfile")), $"service {name}: no Dockerfile");
            }
        }

        Assert.All(stack["secrets"]!.AsObject(), secret =>
            Assert.True(File.Exists(secret.Value?["file"]?.ToString()), $"secret {secret.Key} has no file"));
    }

    [Fact]
    public async Task Postgres_is_the_official_image_listening_beyond_localhost()
    {
        var postgres = (await NormalisedStackAsync())["services"]?["postgres"];

        Assert.StartsWith("postgres:", postgres?["image"]?.ToString());
        var command = postgres?["command"].Strings().ToArray() ?? [];
        Assert.Equal("postgres", command.FirstOrDefault());
        Assert.Contains("listen_addresses=*", command);
    }

    [Fact]
    public async Task The_agent_publishes_its_default_port_and_reads_the_mounted_configuration()
    {
        var agent = (await NormalisedStackAsync())["services"]?["pgreach"];

        var port = Assert.Single(agent?["ports"].Items() ?? []);
        Assert.Equal("9930", port["target"]?.ToString());

        var command = agent?["command"].Strings().ToArray() ?? [];
        var configPath = command[Array.IndexOf(command, "--config") + 1];
        var mount = Assert.Single(agent?["volumes"].Strings() ?? [], volume => volume.Split(':')[1] == configPath);
        var config = JsonNode.Parse(File.ReadAllText(mount.Split(':')[0]))!;

        var secrets = agent?["secrets"].Items().Select(secret => secret["source"]?.ToString() ?? secret.ToString()).ToHashSet() ?? [];
        var targets = config["PgReach"]?["Targets"].Items().ToArray() ?? [];
        Assert.NotEmpty(targets);
        Assert.All(targets, target =>
        {
            var passwordFile = target["PasswordFile"].Text("PasswordFile");
            Assert.StartsWith(SecretsDirectory, passwordFile);
            Assert.Contains(passwordFile[SecretsDirectory.Length..], secrets);
            Assert.Equal("postgres", target["Host"]?.ToString());
        });

        var passfile = agent?["environment"]?["PGPASSFILE"].Text("PGPASSFILE") ?? "";
        Assert.Contains(passfile[SecretsDirectory.Length..], secrets);
    }

    [Fact]
    public async Task The_monitoring_role_created_at_init_matches_the_agents_pgpass_and_uri()
    {
        var stack = await NormalisedStackAsync();
        var postgres = stack["services"]!["postgres"]!;
        var initMount = Assert.Single(postgres["volumes"].Strings(), volume => volume.Split(':')[1] == "/docker-entrypoint-initdb.d");
        var script = Assert.Single(Directory.GetFiles(initMount.Split(':')[0], "*.sh"));
        Assert.True(OperatingSystem.IsWindows() || (File.GetUnixFileMode(script) & UnixFileMode.UserExecute) != 0, $"{script} must be executable");

        // Every secret the init script reads is given to the postgres service.
        var postgresSecrets = postgres["secrets"].Items().Select(secret => secret["source"]?.ToString()).ToHashSet();
        var scriptText = File.ReadAllText(script);
        Assert.All(SecretReference().Matches(scriptText).Select(match => match.Groups["name"].Value), name => Assert.Contains(name, postgresSecrets));

        // The pgpass line for the monitoring role covers the host and port of the monitoring URI.
        var pgpass = File.ReadAllLines(stack["secrets"]!["pgreach_pgpass"]!["file"]!.ToString()).Select(line => line.Split(':')).ToArray();
        var agentConfig = JsonNode.Parse(File.ReadAllText(RepositoryLayout.PathOf("deploy/compose/pgreach.json")))!;
        var monitoring = agentConfig["PgReach"]!["Targets"].Items().Select(target => target["Monitoring"]?["Uri"]?.ToString()).OfType<string>();
        Assert.All(monitoring, uri =>
        {
            var parsed = new Uri(uri);
            Assert.Contains(pgpass, fields => fields.Length == 5 && fields[0] == parsed.Host
                && fields[1] == parsed.Port.ToString() && fields[3] == parsed.UserInfo);
            Assert.Contains($"CREATE ROLE {parsed.UserInfo} LOGIN", scriptText);
        });
    }

    [Fact]
    public async Task Prometheus_loads_the_rules_scrapes_the_agent_service_and_alerts_through_alertmanager()
    {
        var stack = await NormalisedStackAsync();
        var prometheus = stack["services"]!["prometheus"]!;
        var configFile = Flag(prometheus, "--config.file");
        var mount = Assert.Single(prometheus["volumes"].Strings(), volume => configFile.StartsWith(volume.Split(':')[1] + "/", StringComparison.Ordinal));
        Assert.Equal(Path.GetDirectoryName(RepositoryLayout.PrometheusConfig), mount.Split(':')[0]);

        var config = YamlFile.Load(RepositoryLayout.PrometheusConfig);
        var scrape = Assert.Single(config["scrape_configs"].Items().SelectMany(job => job["static_configs"].Items()).SelectMany(group => group["targets"].Strings()));
        Assert.Equal("pgreach:9930", scrape);
        Assert.NotNull(stack["services"]!["pgreach"]);

        var alertmanagerTarget = Assert.Single(config["alerting"]!["alertmanagers"].Items().SelectMany(am => am["static_configs"].Items()).SelectMany(group => group["targets"].Strings()));
        Assert.Equal("alertmanager:9093", alertmanagerTarget);

        var alertmanager = stack["services"]!["alertmanager"]!;
        var alertmanagerConfig = Flag(alertmanager, "--config.file");
        Assert.Contains($"{RepositoryLayout.AlertmanagerConfig}:{alertmanagerConfig}:ro", alertmanager["volumes"].Strings());
    }

    private Task<JsonNode> NormalisedStackAsync() => normalised.Stack;

    private static IEnumerable<(string Name, JsonNode Service)> Services(JsonNode stack) =>
        stack["services"]!.AsObject().Select(entry => (entry.Key, entry.Value!));

    private static string Flag(JsonNode service, string flag) =>
        service["command"].Strings().Single(argument => argument.StartsWith(flag + "=", StringComparison.Ordinal))[(flag.Length + 1)..];

    [GeneratedRegex(@"/run/secrets/(?<name>[A-Za-z0-9_]+)")]
    private static partial Regex SecretReference();
}

/// <summary>The output of `docker-compose config` for docker-compose.yml, produced once for all compose tests.</summary>
public sealed class NormalisedComposeStack
{
    public NormalisedComposeStack() => Stack = NormaliseAsync();

    internal Task<JsonNode> Stack { get; }

    private static async Task<JsonNode> NormaliseAsync()
    {
        var result = await ExternalTool.DockerCompose.RunAsync(["-f", RepositoryLayout.ComposeFile, "config"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return YamlFile.Parse(result.StandardOutput, "docker-compose config output");
    }
}

namespace PgReachExporter.IntegrationTests.Deploy;

public sealed class DockerfileTests
{
    private readonly IReadOnlyList<DockerInstruction> _instructions =
        DockerfileInstructions.Parse(File.ReadAllText(RepositoryLayout.Dockerfile));

    private int RuntimeStage => _instructions.Max(instruction => instruction.Stage);

    private IEnumerable<DockerInstruction> Runtime => _instructions.Where(instruction => instruction.Stage == RuntimeStage);

    [Fact]
    public void The_image_is_built_with_the_SDK_and_runs_the_native_executable_on_runtime_deps_only()
    {
        var stages = _instructions.Where(instruction => instruction.Keyword == "FROM").Select(instruction => instruction.Arguments).ToArray();

        Assert.Equal(2, stages.Length);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0 AS build", stages[0]);
        Assert.StartsWith("mcr.microsoft.com/dotnet/runtime-deps:10.0", stages[1]);
        Assert.Contains(_instructions, instruction => instruction.Stage == 0 && instruction.Keyword == "RUN"
            && instruction.Arguments.Contains("apt-get install -y --no-install-recommends clang", StringComparison.Ordinal));
        Assert.Contains(_instructions, instruction => instruction.Stage == 0 && instruction.Keyword == "RUN"
            && instruction.Arguments.StartsWith("dotnet publish src/PgReachExporter -c Release -o /app", StringComparison.Ordinal));
        Assert.Contains(Runtime, instruction => instruction.Keyword == "COPY" && instruction.Arguments == "--from=build /app ./");

        // What makes `dotnet publish` native: the project says so (the Native tests run that build for real).
        Assert.Contains("<PublishAot>true</PublishAot>", File.ReadAllText(RepositoryLayout.PathOf("src/PgReachExporter/PgReachExporter.csproj")));
    }

    [Fact]
    public void The_runtime_stage_runs_the_agent_as_a_non_root_user()
    {
        var user = Assert.Single(Runtime, instruction => instruction.Keyword == "USER").Arguments;
        Assert.DoesNotContain(user, new[] { "root", "0", "0:0" });

        var entrypoint = Assert.Single(Runtime, instruction => instruction.Keyword == "ENTRYPOINT").Arguments;
        Assert.Equal("[\"/app/PgReachExporter\"]", entrypoint);
        Assert.Contains("<AssemblyName>PgReachExporter</AssemblyName>",
            File.ReadAllText(RepositoryLayout.PathOf("src/PgReachExporter/PgReachExporter.csproj")));
    }

    [Fact]
    public void The_metrics_port_is_exposed_bound_and_health_checked()
    {
        Assert.Equal("9930", Assert.Single(Runtime, instruction => instruction.Keyword == "EXPOSE").Arguments);
        Assert.Contains(Runtime, instruction => instruction.Keyword == "ENV"
            && instruction.Arguments.Contains("ASPNETCORE_URLS=http://0.0.0.0:9930", StringComparison.Ordinal));

        var healthcheck = Assert.Single(Runtime, instruction => instruction.Keyword == "HEALTHCHECK").Arguments;
        Assert.Contains("/dev/tcp/127.0.0.1/9930", healthcheck);
        Assert.Contains("GET /healthz", healthcheck);
        Assert.Contains("--timeout=", healthcheck);
    }

    [Fact]
    public void Every_file_the_build_copies_exists_and_is_in_the_build_context()
    {
        var ignore = DockerIgnore.Load(RepositoryLayout.DockerIgnore);
        var sources = _instructions
            .Where(instruction => instruction.Keyword == "COPY" && !instruction.Arguments.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(instruction => instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))
            .ToArray();

        Assert.NotEmpty(sources);
        Assert.All(sources, source =>
        {
            var path = RepositoryLayout.PathOf(source.TrimEnd('/'));
            Assert.True(File.Exists(path) || Directory.Exists(path), $"COPY {source}: no such file");
            Assert.False(ignore.Excludes(source.TrimEnd('/')), $"COPY {source}: excluded by .dockerignore");
        });
        Assert.False(ignore.Excludes("src/PgReachExporter/Program.cs"), "the agent's sources must be in the context");
    }

    [Theory]
    [InlineData("src/PgReachExporter/bin/Release/net10.0/PgReachExporter.dll")]
    [InlineData("src/PgReachExporter/obj/project.assets.json")]
    [InlineData("deploy/compose/secrets/app-password")]
    [InlineData(".git/HEAD")]
    [InlineData("tests/PgReachExporter.IntegrationTests/PgReachExporter.IntegrationTests.csproj")]
    public void The_build_context_leaves_out(string path)
    {
        Assert.True(DockerIgnore.Load(RepositoryLayout.DockerIgnore).Excludes(path), $"{path} would be sent to the Docker daemon");
    }
}

namespace PgReachExporter.IntegrationTests.Deploy;

/// <summary>The hardening each way of running the agent states: read-only root, no capabilities, no diagnostic socket, non-root.</summary>
public sealed class ContainerHardeningTests
{
    [Fact]
    public void The_image_turns_off_the_dotnet_diagnostic_socket()
    {
        var instructions = DockerfileInstructions.Parse(File.ReadAllText(RepositoryLayout.Dockerfile));
        var runtime = instructions.Where(instruction => instruction.Stage == instructions.Max(i => i.Stage));

        Assert.Contains(runtime, instruction => instruction.Keyword == "ENV" && instruction.Arguments.Contains("DOTNET_EnableDiagnostics=0", StringComparison.Ordinal));
    }

    [Fact]
    public void The_kubernetes_agent_runs_read_only_without_capabilities_or_diagnostics()
    {
        var pod = YamlFile.Load(Path.Combine(RepositoryLayout.KubernetesDirectory, "deployment.yaml"))["spec"]!["template"]!["spec"]!;
        var container = Assert.Single(pod["containers"].Items());
        var security = container["securityContext"];

        Assert.Equal("true", security?["readOnlyRootFilesystem"]?.ToString());
        Assert.Equal("false", security?["allowPrivilegeEscalation"]?.ToString());
        Assert.Equal(["ALL"], security?["capabilities"]?["drop"].Strings().ToArray() ?? []);
        Assert.Equal("true", pod["securityContext"]?["runAsNonRoot"]?.ToString());
        Assert.Equal("RuntimeDefault", pod["securityContext"]?["seccompProfile"]?["type"]?.ToString());
        var environment = container["env"].Items().ToDictionary(e => e["name"]!.ToString(), e => e["value"]?.ToString());
        Assert.Equal("0", environment["DOTNET_EnableDiagnostics"]);
    }

    [Fact]
    public void The_compose_agent_runs_read_only_without_capabilities()
    {
        var agent = YamlFile.Load(RepositoryLayout.ComposeFile)["services"]!["pgreach"]!;

        Assert.Equal("true", agent["read_only"]?.ToString());
        Assert.Equal(["ALL"], agent["cap_drop"].Strings().ToArray());
        Assert.Contains("no-new-privileges:true", agent["security_opt"].Strings());
        Assert.Equal(["/tmp"], agent["tmpfs"].Strings().ToArray());
    }
}

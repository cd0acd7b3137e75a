using System.Text.RegularExpressions;
using PgReachExporter.IntegrationTests.Deploy;

namespace PgReachExporter.IntegrationTests.Agent;

/// <summary>README's "Running" command, run as written from the repository root with dotnet run (on a port the OS picks).</summary>
public sealed partial class ReadmeRunningCommandTests
{
    [Fact]
    public async Task The_running_command_starts_the_agent_on_the_example_targets()
    {
        var readme = await File.ReadAllTextAsync(RepositoryLayout.PathOf("README.md"));
        var block = RunningBlock().Match(readme);
        Assert.True(block.Success, "README has no ## Running section with a dotnet run command");
        var words = block.Groups["command"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["dotnet", "run", "--project", "src/PgReachExporter", "--"], words[..5]);
        var agentArgs = words[5..];
        var urls = Array.IndexOf(agentArgs, "--urls");
        Assert.True(urls >= 0, "the command names its listen address");
        agentArgs[urls + 1] = "http://127.0.0.1:0"; // the documented 9930 may be taken on a shared machine

        // The test build has built the project in Release: no second build, the same dotnet run otherwise.
        await using var agent = AgentProcess.Start(["run", "--project", "src/PgReachExporter", "-c", "Release", "--no-build", "--", .. agentArgs],
            executable: "dotnet", workingDirectory: RepositoryLayout.Root);
        var address = await agent.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        var metrics = await http.GetStringAsync("/metrics");

        Assert.Contains("\npgreach_targets 1\n", metrics, StringComparison.Ordinal);
        // The example's one target is probed: its first cycle lands within the 15 s interval.
        await MetricsPoller.WaitForAsync(http, s => s.Text.Contains("pgreach_up{target=\"local\"}", StringComparison.Ordinal), TimeSpan.FromSeconds(30),
            "the example target's first cycle");
    }

    [GeneratedRegex(@"\n## Running\n\n```sh\n(?<command>[^\n]+)\n```")]
    private static partial Regex RunningBlock();
}

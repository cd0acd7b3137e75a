using PgReachExporter.IntegrationTests.Agent;

namespace PgReachExporter.IntegrationTests.Lint;

/// <summary>Runs the agent's own executable as `lint-hba`, the way CI would, with a bound on the run.</summary>
internal static class LintHbaProcess
{
    public static Task<AgentCommand.Result> RunAsync(string workingDirectory, params string[] arguments) =>
        AgentCommand.RunAsync(["lint-hba", .. arguments], workingDirectory);
}

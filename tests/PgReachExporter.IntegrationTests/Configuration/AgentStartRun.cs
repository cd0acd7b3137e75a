using PgReachExporter.IntegrationTests.Agent;

namespace PgReachExporter.IntegrationTests.Configuration;

/// <summary>Starts the agent process and waits for it to exit on its own, keeping stdout and stderr apart.</summary>
internal static class AgentStartRun
{
    /// <summary>Runs the agent in <paramref name="workingDirectory"/> (its content root) with a clean libpq and listen environment.</summary>
    public static Task<AgentCommand.Result> RunAsync(IEnumerable<string> arguments, string workingDirectory) =>
        AgentCommand.RunAsync(arguments, workingDirectory);
}

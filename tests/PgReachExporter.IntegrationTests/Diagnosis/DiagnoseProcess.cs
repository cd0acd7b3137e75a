using PgReachExporter.IntegrationTests.Agent;

namespace PgReachExporter.IntegrationTests.Diagnosis;

/// <summary>Runs the agent's own executable as `diagnose`, the way a person would paste it, with a clean libpq environment.</summary>
internal static class DiagnoseProcess
{
    /// <param name="executable">A native build of the agent to run instead of PgReachExporter.dll on the shared runtime.</param>
    public static Task<AgentCommand.Result> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null,
        string? executable = null) =>
        AgentCommand.RunAsync(["diagnose", .. arguments], workingDirectory, environment, executable);
}

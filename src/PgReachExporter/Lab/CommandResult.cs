namespace PgReachExporter.Lab;

/// <summary>Exit code and captured output of an operating-system command.</summary>
internal sealed record CommandResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    public string Describe() =>
        $"`{CommandLine}` exited with {ExitCode}\n{StandardOutput.TrimEnd()}\n{StandardError.TrimEnd()}".TrimEnd();
}

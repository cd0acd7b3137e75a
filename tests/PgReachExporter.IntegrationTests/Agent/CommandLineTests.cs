using PgReachExporter.IntegrationTests.Deploy;

namespace PgReachExporter.IntegrationTests.Agent;

/// <summary>
/// The command line of the real executable: a mistake is exit 2 and one line with a hint, for the agent and every
/// subcommand; every usage lists its options with their defaults; a relative --config is taken from where the user is.
/// </summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pgreach-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("--bogus", "pgreach: unknown option '--bogus'; see 'PgReachExporter --help'")]
    [InlineData("--confg targets.json", "pgreach: unknown option '--confg' (did you mean --config?); see 'PgReachExporter --help'")]
    [InlineData("targets.json", "pgreach: unexpected argument 'targets.json'; see 'PgReachExporter --help'")]
    [InlineData("--PgReach:Intervall 30s", "pgreach: unknown setting '--PgReach:Intervall' (did you mean --PgReach:Interval?)")]
    [InlineData("--urls", "pgreach: --urls needs a value (URLS)")]
    [InlineData("--shard 2/2", "pgreach: invalid configuration: command line: field '--shard': '2/2' has a shard that is not a whole number from 0 to 1")]
    [InlineData("--shard 1", "pgreach: invalid configuration: command line: field '--shard': '1' is not I/N")]
    [InlineData("diagnose postgresql://app@127.0.0.1:1/db --confg x.json", "pgreach diagnose: unknown option '--confg' (did you mean --config?); see 'PgReachExporter diagnose --help'")]
    [InlineData("diagnose postgresql://app@127.0.0.1:1/db stray", "pgreach diagnose: give one target only; see 'PgReachExporter diagnose --help'")]
    [InlineData("lint-hba pg_hba.conf --formt json", "pgreach lint-hba: unknown option '--formt' (did you mean --format?); see 'PgReachExporter lint-hba --help'")]
    [InlineData("lint-hba pg_hba.conf stray", "pgreach lint-hba: give one pg_hba.conf file only; see 'PgReachExporter lint-hba --help'")]
    [InlineData("demo --url http://127.0.0.1:1", "pgreach demo: unknown option '--url' (did you mean --urls?); see 'PgReachExporter demo --help'")]
    [InlineData("demo stray", "pgreach demo: unexpected argument 'stray'; see 'PgReachExporter demo --help'")]
    [InlineData("demo --config x.json", "pgreach demo: unknown option '--config'")]
    public async Task A_command_line_mistake_exits_2_with_one_line_and_a_hint(string arguments, string expected)
    {
        var run = await AgentCommand.RunAsync(arguments.Split(' '), _directory);

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Theory]
    [InlineData("", "Usage: PgReachExporter [options]", "--config FILE", "(default: http://0.0.0.0:9930)")]
    [InlineData("diagnose", "Usage: PgReachExporter diagnose TARGET [options]", "--timeout DURATION", "(default: the target's, or 5s)")]
    [InlineData("lint-hba", "Usage: PgReachExporter lint-hba FILE [options]", "--pg-version 15|16|17|18", "(default: 18)")]
    [InlineData("demo", "Usage: PgReachExporter demo [options]", "--urls URLS", "(default: http://127.0.0.1:9930)")]
    public async Task Every_command_has_its_own_help_with_the_defaults(string command, string usage, string option, string defaultText)
    {
        var run = await AgentCommand.RunAsync(command.Length == 0 ? ["--help"] : [command, "--help"], _directory);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith(usage, run.Stdout, StringComparison.Ordinal);
        Assert.Contains(option, run.Stdout, StringComparison.Ordinal);
        // A long help text wraps; the default is read as one would read it.
        Assert.Contains(defaultText, System.Text.RegularExpressions.Regex.Replace(run.Stdout, @"\n\s+", " "), StringComparison.Ordinal);
        Assert.Empty(run.Stderr);
    }

    [Fact]
    public async Task A_relative_config_is_read_from_the_directory_the_executable_is_started_in()
    {
        var file = WriteConfigWithBadPort();

        var run = await AgentCommand.RunAsync(["--config", Path.Combine("conf", "targets.json")], _directory);

        AssertReadFrom(run, file);
    }

    [Fact]
    public async Task A_relative_config_is_read_from_the_directory_dotnet_run_is_typed_in()
    {
        var file = WriteConfigWithBadPort();
        var project = RepositoryLayout.PathOf("src/PgReachExporter");

        // The test build has built the project in Release; dotnet run evaluates it and starts it as a user's dotnet run does.
        var run = await AgentCommand.RunAsync(
            ["run", "--project", project, "-c", "Release", "--no-build", "--", "--config", Path.Combine("conf", "targets.json")],
            _directory, executable: "dotnet");

        AssertReadFrom(run, file);
    }

    // A configuration the agent refuses with a message naming the file it read: the path says which file was found.
    private string WriteConfigWithBadPort()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "conf"));
        var file = Path.Combine(_directory, "conf", "targets.json");
        File.WriteAllText(file, """{ "PgReach": { "Targets": [ { "Name": "rel", "Host": "127.0.0.1", "Port": 70000 } ] } }""");
        return file;
    }

    private static void AssertReadFrom(AgentCommand.Result run, string file)
    {
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"{file}: target 'rel': field 'Port'", run.Stderr, StringComparison.Ordinal);
    }
}

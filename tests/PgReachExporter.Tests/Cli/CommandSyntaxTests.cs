using PgReachExporter.Cli;

namespace PgReachExporter.Tests.Cli;

public sealed class CommandSyntaxTests
{
    [Theory]
    [InlineData("--confg x.json", "unknown option '--confg' (did you mean --config?); see 'PgReachExporter --help'")]
    [InlineData("--URLS", "--URLS needs a value (URLS)")]
    [InlineData("--urls --config a.json", "--urls needs a value (URLS)")]
    [InlineData("stray", "unexpected argument 'stray'; see 'PgReachExporter --help'")]
    [InlineData("diagnos postgresql://h/db", "unexpected argument 'diagnos' (did you mean diagnose?)")]
    [InlineData("--PgReach:Intervall 30s", "unknown setting '--PgReach:Intervall' (did you mean --PgReach:Interval?); known: ConnectTimeout, Interval, LogFormat, Modules, Probe, SeriesProfile, TargetFiles, TargetInfoLabels, Targets, Web")]
    [InlineData("--PgReach:Targts:0:Host db1", "unknown setting '--PgReach:Targts:0:Host' (did you mean --PgReach:Targets:0:Host?)")]
    [InlineData("--PgRech:Interval 30s", "unknown option '--PgRech:Interval' (did you mean --PgReach:KEY?)")]
    [InlineData("--PgReach: 30s", "--PgReach: needs a KEY")]
    [InlineData("--Serilog:Using x", "unknown setting '--Serilog:Using'; known: MinimumLevel")]
    [InlineData("--config a.json --Config=b.json", "--Config is given twice")]
    [InlineData("--version=2", "--version takes no value")]
    [InlineData("--log-format json", "unknown option '--log-format'")]
    public void A_mistake_on_the_agents_command_line_is_one_line_with_a_hint(string arguments, string expected)
    {
        var invocation = AgentCommandLine.Read(arguments.Split(' '));

        Assert.NotNull(invocation.Problem);
        Assert.Contains(expected, invocation.Problem, StringComparison.Ordinal);
        Assert.EndsWith("; see 'PgReachExporter --help'", invocation.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', invocation.Problem);
        Assert.Empty(invocation.HostArgs);
    }

    [Fact]
    public void Every_accepted_form_reaches_the_host_as_name_equals_value()
    {
        var invocation = AgentCommandLine.Read(
        [
            "--config", "a.json", "--urls=http://127.0.0.1:9930", "--PgReach:Interval", "30s", "--pgreach:Targets:0:Uri=postgresql://h/db?sslmode=require",
            "--Serilog:MinimumLevel:Override:Npgsql", "Debug", "--web.config.file", "web.yml", "--web.listen-address", ":9931", "--AllowedHosts", "localhost",
        ]);

        Assert.Null(invocation.Problem);
        Assert.Null(invocation.Output);
        Assert.Equal(
        [
            "--config=a.json", "--urls=http://127.0.0.1:9930", "--PgReach:Interval=30s", "--pgreach:Targets:0:Uri=postgresql://h/db?sslmode=require",
            "--Serilog:MinimumLevel:Override:Npgsql=Debug", "--web.config.file=web.yml", "--web.listen-address=:9931", "--AllowedHosts=localhost",
        ], invocation.HostArgs);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("--confg x --help")]
    public void Help_wins_and_lists_every_option_with_its_default(string arguments)
    {
        var invocation = AgentCommandLine.Read(arguments.Split(' '));

        Assert.Null(invocation.Problem);
        Assert.NotNull(invocation.Output);
        foreach (var option in AgentCommandLine.Options)
        {
            Assert.Contains(option.Synopsis, invocation.Output, StringComparison.Ordinal);
        }

        Assert.Contains("(default: http://0.0.0.0:9930)", invocation.Output, StringComparison.Ordinal);
        Assert.Contains("Interval (15s)", invocation.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--confg", "--config")]
    [InlineData("--verison", "--version")]
    [InlineData("--url", "--urls")]
    [InlineData("-x", null)]
    [InlineData("--completely-else", null)]
    public void The_nearest_name_is_suggested_only_when_it_is_close(string typed, string? expected)
    {
        Assert.Equal(expected, NearestName.Find(typed, AgentCommandLine.Options.SelectMany(o => o.Aliases.Append(o.Name))));
    }

    [Fact]
    public void A_value_may_contain_an_equals_sign_and_start_with_a_dash_after_equals()
    {
        var syntax = new CommandSyntax("tool", [new CommandOption("--offset", "N", "an offset")]);

        var parsed = syntax.Parse(["--offset=-3=x"], out var problem);

        Assert.Null(problem);
        Assert.Equal("-3=x", parsed!.Value(new CommandOption("--offset", "N", "")));
    }

    [Theory]
    [InlineData("db/pg_hba.conf --formt json", "unknown option '--formt' (did you mean --format?); see 'PgReachExporter lint-hba --help'")]
    [InlineData("db/pg_hba.conf --pg-version=", "--pg-version needs a value")]
    [InlineData("db/pg_hba.conf --format Text,Json", "--format 'Text,Json' is not one of text, json, github, junit; see 'PgReachExporter lint-hba --help'")]
    public void Lint_hba_mistakes_carry_the_same_hint(string arguments, string expected)
    {
        Assert.Null(LintHbaArguments.Parse(arguments.Split(' '), out var problem));
        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgresql://h/db --jsno", "unknown option '--jsno' (did you mean --json?); see 'PgReachExporter diagnose --help'")]
    [InlineData("postgresql://h/db --timeout 1s --timeout 2s", "--timeout is given twice")]
    public void Diagnose_mistakes_carry_the_same_hint(string arguments, string expected)
    {
        Assert.Null(DiagnoseArguments.Parse(arguments.Split(' '), out var problem));
        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }
}

using PgReachExporter.Cli;

namespace PgReachExporter.Tests.Cli;

public sealed class DiagnoseArgumentsTests
{
    [Fact]
    public void A_uri_and_every_option_are_read()
    {
        var parsed = DiagnoseArguments.Parse(
            ["postgresql://app@db1:5432/orders", "--config", "a.json", "--password-file=pw", "--timeout", "750ms", "--json"], out var problem);

        Assert.Null(problem);
        Assert.Equal(new DiagnoseArguments("postgresql://app@db1:5432/orders", "a.json", "pw", TimeSpan.FromMilliseconds(750), Json: true, Help: false), parsed);
    }

    [Theory]
    [InlineData("", "missing TARGET")]
    [InlineData("a b", "give one target only")]
    [InlineData("a --timeout", "--timeout needs a value")]
    [InlineData("a --timeout 0s", "--timeout '0s' is not a positive duration")]
    [InlineData("a -x", "unknown option '-x'")]
    [InlineData("a --config=", "--config needs a value")]
    public void Mistakes_are_reported_in_words(string arguments, string expected)
    {
        var parsed = DiagnoseArguments.Parse(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries), out var problem);

        Assert.Null(parsed);
        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_needs_no_target()
    {
        Assert.True(DiagnoseArguments.Parse(["--help"], out _)!.Help);
        Assert.True(DiagnoseArguments.Parse(["-h"], out _)!.Help);
    }
}

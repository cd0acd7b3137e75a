using PgReachExporter.Configuration;

namespace PgReachExporter.Tests.Configuration;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("00:00:15", 15_000)]
    [InlineData("15s", 15_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("3", 3_000)]
    [InlineData("0.25", 250)]
    public void Accepts_timespans_units_and_plain_seconds(string text, int milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5 parsecs")]
    [InlineData("1e300")]
    public void Rejects_what_is_not_a_duration(string text) => Assert.False(DurationParser.TryParse(text, out _));
}

using PgReachExporter.Configuration;
using static PgReachExporter.Tests.Configuration.ConfigurationReading;

namespace PgReachExporter.Tests.Configuration;

/// <summary>PgReach:SeriesProfile: full (the default) or lean; anything else is an error naming the field.</summary>
public sealed class SeriesProfileSettingsTests
{
    private const string OneTarget = """ "Targets": [ { "Name": "a", "Host": "127.0.0.1" } ] """;

    [Fact]
    public void Without_the_field_the_profile_is_full() =>
        Assert.Equal(SeriesProfile.Full, Read($$"""{ "PgReach": { {{OneTarget}} } }""").SeriesProfile);

    [Theory]
    [InlineData("full")]
    [InlineData("lean")]
    public void Full_and_lean_are_read(string value) =>
        Assert.Equal(value, SeriesProfiles.Name(Read($$"""{ "PgReach": { "SeriesProfile": "{{value}}", {{OneTarget}} } }""").SeriesProfile));

    [Theory]
    [InlineData("\"slim\"", "'slim' is not a series profile (use full or lean)")]
    [InlineData("\"Lean\"", "'Lean' is not a series profile (use full or lean)")]
    [InlineData("true", "is not a series profile (use full or lean)")]
    [InlineData("[\"lean\"]", "must be a single value, not a list or a section")]
    [InlineData("\"\"", "is empty or null")]
    public void Another_value_is_an_error_naming_the_field_never_a_default(string json, string problem)
    {
        var error = ErrorOf($$"""{ "PgReach": { "SeriesProfile": {{json}}, {{OneTarget}} } }""");

        Assert.Contains("PgReach:SeriesProfile", error);
        Assert.Contains(problem, error);
    }
}

using Microsoft.Extensions.Configuration;
using PgReachExporter.Configuration;
using Serilog.Events;

namespace PgReachExporter.Tests.Configuration;

public sealed class LogLevelSettingsTests
{
    private static LogLevelSettings Read(params (string Key, string Value)[] values) =>
        LogLevelSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build(), "agent.json");

    [Fact]
    public void Nothing_configured_keeps_the_quiet_defaults()
    {
        var levels = Read();
        Assert.Equal(LogEventLevel.Information, levels.Default);
        Assert.Equal(LogEventLevel.Warning, levels.Overrides["Npgsql"]);
        Assert.Equal(LogEventLevel.Warning, levels.Overrides["Microsoft.AspNetCore"]);
    }

    [Fact]
    public void A_single_level_sets_the_default()
    {
        Assert.Equal(LogEventLevel.Debug, Read(("Serilog:MinimumLevel", "debug")).Default);
    }

    [Fact]
    public void Default_and_overrides_are_read_and_overrides_add_to_the_defaults()
    {
        var levels = Read(("Serilog:MinimumLevel:Default", "Warning"), ("Serilog:MinimumLevel:Override:Npgsql", "Information"),
            ("Serilog:MinimumLevel:Override:PgReachExporter.Scheduling", "Debug"));
        Assert.Equal(LogEventLevel.Warning, levels.Default);
        Assert.Equal(LogEventLevel.Information, levels.Overrides["Npgsql"]);
        Assert.Equal(LogEventLevel.Debug, levels.Overrides["PgReachExporter.Scheduling"]);
        Assert.Equal(LogEventLevel.Warning, levels.Overrides["Microsoft.AspNetCore"]);
    }

    [Theory]
    [InlineData("Serilog:MinimumLevel:Default", "Loud", "field 'Serilog:MinimumLevel:Default': 'Loud' is not a log level")]
    [InlineData("Serilog:MinimumLevel:Default", "3", "field 'Serilog:MinimumLevel:Default': '3' is not a log level")]
    [InlineData("Serilog:MinimumLevel:Override:Npgsql", "", "field 'Serilog:MinimumLevel:Override:Npgsql': is empty or null")]
    [InlineData("Serilog:MinimumLevel:Minimum", "Debug", "field 'Serilog:MinimumLevel:Minimum': unknown field")]
    [InlineData("Serilog:WriteTo:0:Name", "File", "field 'Serilog:WriteTo': not read by the agent")]
    public void Bad_keys_are_errors_naming_the_file_and_field(string key, string value, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => Read((key, value)));
        Assert.Contains("agent.json: " + expected, error.Message);
    }
}

public sealed class SerilogShapeTests
{
    [Theory]
    [InlineData("""{ "Serilog": "x" }""", "field 'Serilog': ")]
    [InlineData("""{ "Serilog": null }""", "field 'Serilog': ")]
    [InlineData("""{ "Serilog": { "MinimumLevel": { "Default": ["Debug"] } } }""", "field 'Serilog:MinimumLevel:Default': ")]
    [InlineData("""{ "Serilog": { "MinimumLevel": { "Override": "Debug" } } }""", "field 'Serilog:MinimumLevel:Override': ")]
    public void Serilog_values_of_the_wrong_shape_are_errors(string json, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => ConfigurationReading.ReadStartup(json));

        Assert.Contains("targets.json: " + expected, error.Message);
    }
}

using PgReachExporter.Configuration;
using static PgReachExporter.Tests.Configuration.ConfigurationReading;

namespace PgReachExporter.Tests.Configuration;

/// <summary>PgReach:Web:ConfigFile, the setting next to --web.config.file.</summary>
public sealed class WebConfigFileSettingTests
{
    private static AgentSettings Read(string web) =>
        AgentSettingsReader.Read(Json($$"""{ "PgReach": { "Targets": [ { "Name": "a", "Host": "127.0.0.1" } ], "Web": {{web}} } }"""), "targets.json", NoEnvironment);

    [Fact]
    public void The_file_is_made_absolute_against_the_directory_the_agent_started_from()
    {
        Assert.Equal(Path.GetFullPath("web-config.yml", Directory.GetCurrentDirectory()), Read("""{ "ConfigFile": "web-config.yml" }""").WebConfigFile);
        Assert.Equal("/etc/pgreach/web.yml", Read("""{ "configfile": "/etc/pgreach/web.yml" }""").WebConfigFile);
    }

    [Theory]
    [InlineData("""{ "ConfigFiel": "w.yml" }""", "field 'PgReach:Web:ConfigFiel': unknown field (known: ConfigFile)")]
    [InlineData("""{ "ConfigFile": ["w.yml"] }""", "field 'PgReach:Web:ConfigFile': must be a single value")]
    [InlineData("""{ "ConfigFile": "" }""", "field 'PgReach:Web:ConfigFile': is empty")]
    [InlineData("\"w.yml\"", "field 'PgReach:Web': must be a section")]
    public void A_wrong_shape_is_an_error(string web, string expected)
    {
        var ex = Assert.Throws<ConfigurationException>(() => Read(web));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}

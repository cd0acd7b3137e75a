using PgReachExporter.Configuration;

namespace PgReachExporter.Tests.Configuration;

/// <summary>The --config file: what is said when it cannot be read.</summary>
public sealed class ConfigurationSourcesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pgreach-sources-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string ErrorOf(string configFile)
    {
        var sources = new AgentConfigurationSources(_directory, "Production", configFile, []);
        var ex = Assert.Throws<ConfigurationException>(() => sources.ReadStartup(ConfigurationReading.NoEnvironment));
        Assert.DoesNotContain('\n', ex.Message);
        return ex.Message;
    }

    [Fact]
    public void A_directory_given_as_the_config_file_is_called_a_directory()
    {
        var message = ErrorOf(_directory);

        Assert.Contains($"{_directory}: field '--config': is a directory", message);
    }

    [Fact]
    public void A_missing_config_file_is_called_missing()
    {
        Assert.Contains("field '--config': file does not exist", ErrorOf(Path.Combine(_directory, "nope.json")));
    }

    [Fact]
    public void A_json_syntax_error_names_the_line_and_column_counting_from_one()
    {
        var file = Path.Combine(_directory, "targets.json");
        File.WriteAllText(file, "{\n  \"PgReach\": {\n    \"Interval\": x\n  }\n}\n");

        var message = ErrorOf(file);

        Assert.Contains($"{file}: field '(file)': ", message);
        Assert.Contains("line 3, column 17", message);
    }

    [Fact]
    public void A_duplicate_key_is_an_error()
    {
        var file = Path.Combine(_directory, "targets.json");
        File.WriteAllText(file, """{ "PgReach": { "Interval": "15s", "interval": "30s" } }""");

        Assert.Contains("interval", ErrorOf(file), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_duplicate_section_is_an_error_rather_than_merged()
    {
        var file = Path.Combine(_directory, "targets.json");
        File.WriteAllText(file, """{ "PgReach": { "Targets": [ { "Name": "a", "Host": "h" } ] }, "PgReach": { "Interval": "30s" } }""");

        Assert.Contains("PgReach", ErrorOf(file));
    }
}

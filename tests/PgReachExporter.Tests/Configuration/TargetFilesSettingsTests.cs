using Npgsql;
using PgReachExporter.Configuration;
using static PgReachExporter.Tests.Configuration.ConfigurationReading;

namespace PgReachExporter.Tests.Configuration;

/// <summary>PgReach:TargetFiles (Prometheus file_sd files, JSON or YAML), TargetInfoLabels and a target's Labels.</summary>
public sealed class TargetFilesSettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pgreach-sd-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private const string AppModule = """ "Modules": { "app": { "Username": "probe", "Database": "postgres", "SslMode": "Disable", "ConnectTimeout": "2s", "Allow": ["10.0.0.0/8"] } } """;

    private string WriteMain(string targetFiles, string extra)
    {
        var main = Path.Combine(_directory, "main.json");
        File.WriteAllText(main, $$"""{ "PgReach": { "Interval": "10s", {{AppModule}}, "TargetFiles": {{targetFiles}} {{extra}} } }""");
        return main;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private AgentSettings ReadMain(string targetFiles, string extra = "") =>
        new AgentConfigurationSources(_directory, "Production", WriteMain(targetFiles, extra), []).ReadSettings(NoEnvironment);

    private string ErrorOfMain(string targetFiles, string extra = "")
    {
        var ex = Assert.Throws<ConfigurationException>(() => ReadMain(targetFiles, extra));
        Assert.DoesNotContain('\n', ex.Message);
        return ex.Message;
    }

    [Fact]
    public void Json_and_yaml_files_matched_by_a_relative_glob_become_targets_with_the_modules_identity()
    {
        Write("targets/a.json", """[ { "targets": ["10.0.0.1:5432", "db1.internal"], "labels": { "__param_module": "app", "team": "payments" } } ]""");
        Write("targets/b.yml", """
            - targets: ["[fd00::1]:6432"]
              labels:
                __param_module: app
                env: prod
            """);
        Write("targets/ignored.txt", "not a target file");

        var settings = ReadMain("""["targets/*.json", "targets/*.yml"]""");

        Assert.Equal(["10.0.0.1:5432", "db1.internal:5432", "[fd00::1]:6432"], settings.Targets.Select(t => t.Name));
        var first = settings.Targets[0];
        Assert.Equal(("10.0.0.1", 5432, "probe", "postgres", SslMode.Disable, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10)),
            (first.Host, first.Port, first.Username, first.Database, first.SslMode, first.ConnectTimeout, first.Interval));
        Assert.Equal(("fd00::1", 6432), (settings.Targets[2].Host, settings.Targets[2].Port));
        Assert.Equal([Path.Combine(_directory, "targets", "*.json"), Path.Combine(_directory, "targets", "*.yml")], settings.TargetFiles.Select(f => f.Pattern));
        Assert.False(settings.UsesEnvironmentTarget);
    }

    [Fact]
    public void A_module_given_with_the_entry_applies_to_groups_that_name_none()
    {
        Write("fleet.yaml", """
            - targets: ["10.0.0.2:5432"]
            """);

        var target = Assert.Single(ReadMain("""[ { "Path": "fleet.yaml", "Module": "app" } ]""").Targets);

        Assert.Equal(("10.0.0.2:5432", "probe"), (target.Name, target.Username));
    }

    [Fact]
    public void A_group_without_a_module_is_an_error_naming_file_group_and_the_label()
    {
        var file = Write("fleet.json", """[ { "targets": ["10.0.0.1"] }, { "targets": ["10.0.0.3"], "labels": { "__param_module": "nope" } } ]""");

        var message = ErrorOfMain("""["*.json"]""");

        Assert.Contains($"{file}: field '[0].labels': names no module: add the label __param_module", message);
        Assert.Contains($"{file}: field '[1].labels.__param_module': 'nope' is not a module of PgReach:Modules (known: app)", message);
    }

    [Theory]
    [InlineData("""{ "targets": [] }""", "(file)", "must be a list of target groups")]
    [InlineData("""[ { "targets": ["10.0.0.1"], "lables": {} } ]""", "[0].lables", "unknown field (known: targets, labels)")]
    [InlineData("""[ { "labels": { "__param_module": "app" } } ]""", "[0].targets", "is required")]
    [InlineData("""[ { "targets": "10.0.0.1" } ]""", "[0].targets", "must be a list of \"HOST:PORT\" strings, not a string")]
    [InlineData("""[ { "targets": [5432] } ]""", "[0].targets[0]", "must be a \"HOST:PORT\" string, not a number")]
    [InlineData("""[ { "targets": ["10.0.0.1"], "labels": { "__param_module": "app", "tier": 1 } } ]""", "[0].labels.tier", "must be a string, not a number")]
    [InlineData("""[ { "targets": ["10.0.0.1"], "labels": { "__param_module": "app", "bad-name": "x" } } ]""", "[0].labels.bad-name", "is not a valid label name")]
    [InlineData("""[ { "targets": ["10.0.0.1"], "targets": ["10.0.0.2"] } ]""", "(file)", "is not valid JSON")]
    [InlineData("""[ { "targets": ["10.0.0.1",] } ]""", "(file)", "is not valid JSON at line 1")]
    [InlineData("""[ { "targets": ["10.0.0.1:99999"], "labels": { "__param_module": "app" } } ]""", "[0].targets[0]", "'10.0.0.1:99999' has a port that is not a whole number")]
    [InlineData("""[ { "targets": ["10.0.0.1"], "labels": { "__param_module": "app", "__param_target": "x" } } ]""", "[0].labels.__param_target", "is a /probe parameter the agent does not take")]
    public void A_bad_json_file_is_an_error_naming_file_group_and_field(string text, string field, string problem)
    {
        var file = Write("fleet.json", text);

        var message = ErrorOfMain("""["fleet.json"]""");

        Assert.Contains($"{file}: field '{field}': {problem}", message);
    }

    [Theory]
    [InlineData("targets: []", "(file)", "must be a list of target groups")]
    [InlineData("- targets: [10.0.0.1]\n  extra: 1", "[0].extra", "unknown field")]
    [InlineData("- targets: [10.0.0.1, ~]\n  labels: { __param_module: app }", "[0].targets[1]", "must be a \"HOST:PORT\" string, not null")]
    [InlineData("- targets: [10.0.0.1]\n  labels: { __param_module: app, team: [a] }", "[0].labels.team", "must be a string, not a list")]
    [InlineData("- targets: [10.0.0.1]\n  labels: { __param_module: app, team: }", "[0].labels.team", "must be a string, not null")]
    [InlineData("- targets: [10.0.0.1]\n  targets: [10.0.0.2]", "(file)", "is not valid YAML")]
    [InlineData("- targets: [10.0.0.1\n", "(file)", "is not valid YAML at line")]
    public void A_bad_yaml_file_is_an_error_naming_file_group_and_field(string text, string field, string problem)
    {
        var file = Write("fleet.yml", text);

        var message = ErrorOfMain("""["fleet.yml"]""");

        Assert.Contains($"{file}: field '{field}': {problem}", message);
    }

    [Fact]
    public void Yaml_plain_values_are_their_text_as_in_prometheus()
    {
        Write("fleet.yml", "- targets: [10.0.0.1]\n  labels: { __param_module: app, rack: 7, primary: true }\n");

        var settings = ReadMain("""["fleet.yml"]""", """, "TargetInfoLabels": ["rack", "primary"]""");

        Assert.Equal<string>(["7", "true"], settings.TargetInfo["10.0.0.1:5432"]);
    }

    [Fact]
    public void A_name_in_two_files_or_in_the_main_file_is_an_error_naming_both_places()
    {
        var a = Write("a.json", """[ { "targets": ["10.0.0.1:5432"], "labels": { "__param_module": "app" } } ]""");
        var b = Write("b.json", """[ { "targets": ["10.0.0.9"] }, { "targets": ["10.0.0.1"], "labels": { "__param_module": "app" } } ]""");

        var message = ErrorOfMain("""["*.json"]""", """, "Targets": [ { "Name": "10.0.0.9:5432", "Host": "10.0.0.9" } ]""");

        Assert.Contains($"{b}: target '10.0.0.1:5432': field '[1].targets[0]': is also a target in {a} [0]", message);
        Assert.Contains("names no module", message);
    }

    [Fact]
    public void A_discovered_name_equal_to_a_main_file_target_names_the_main_file()
    {
        var b = Write("b.json", """[ { "targets": ["10.0.0.9"], "labels": { "__param_module": "app" } } ]""");

        var message = ErrorOfMain("""["b.json"]""", """, "Targets": [ { "Name": "10.0.0.9:5432", "Host": "10.0.0.9" } ]""");

        Assert.Contains($"{b}: target '10.0.0.9:5432': field '[0].targets[0]': is also a target in {Path.Combine(_directory, "main.json")}", message);
    }

    [Theory]
    [InlineData("""["nodir/*.json"]""", "PgReach:TargetFiles:0", "does not exist (it is watched")]
    [InlineData("""["*/x.json"]""", "PgReach:TargetFiles:0", "has a wildcard in a directory")]
    [InlineData("""["*.txt"]""", "PgReach:TargetFiles:0", "must end in .json, .yml or .yaml")]
    [InlineData("""["missing.json"]""", "PgReach:TargetFiles:0", "the file does not exist")]
    [InlineData("""[ { "Path": "*.json", "Module": "nope" } ]""", "PgReach:TargetFiles:0:Module", "'nope' is not a module of PgReach:Modules")]
    [InlineData("""[ { "Module": "app" } ]""", "PgReach:TargetFiles:0:Path", "is required")]
    [InlineData("""[ { "Path": "*.json", "Modul": "app" } ]""", "PgReach:TargetFiles:0:Modul", "unknown field (known: Path, Module)")]
    [InlineData("\"*.json\"", "PgReach:TargetFiles", "must be a list of file patterns")]
    public void A_bad_target_files_entry_is_an_error_naming_the_field(string targetFiles, string field, string problem)
    {
        var message = ErrorOfMain(targetFiles);

        Assert.Contains($"field '{field}': ", message);
        Assert.Contains(problem, message);
    }

    [Fact]
    public void A_kubernetes_configmap_mount_reads_the_linked_files_and_skips_its_dot_directories()
    {
        // kubelet's layout: the data in a timestamped directory, ..data linking to it, each key a link through ..data.
        Write("..2026_12_02_08_00_00.1/fleet.yml", "- targets: [10.0.0.7]\n  labels: { __param_module: app }\n");
        File.CreateSymbolicLink(Path.Combine(_directory, "..data"), "..2026_12_02_08_00_00.1");
        File.CreateSymbolicLink(Path.Combine(_directory, "fleet.yml"), "..data/fleet.yml");

        var target = Assert.Single(ReadMain("""["*.yml"]""").Targets);

        Assert.Equal("10.0.0.7:5432", target.Name);
    }

    [Fact]
    public void A_file_matched_by_two_entries_with_different_modules_is_an_error()
    {
        var file = Write("a.yml", "- targets: [10.0.0.1]\n");

        var message = ErrorOfMain("""[ { "Path": "*.yml", "Module": "app" }, "a.yml" ]""");

        Assert.Contains($"{file}: field 'PgReach:TargetFiles': is matched by entries 0 and 1 with different modules", message);
    }

    [Fact]
    public void A_glob_that_matches_nothing_yet_is_an_empty_fleet_not_the_libpq_default()
    {
        var settings = ReadMain("""["*.yml"]""");

        Assert.Empty(settings.Targets);
        Assert.False(settings.UsesEnvironmentTarget);
    }

    [Fact]
    public void Target_info_carries_only_the_listed_labels_in_order_for_every_target()
    {
        Write("a.json", """[ { "targets": ["10.0.0.1"], "labels": { "__param_module": "app", "team": "payments", "env": "prod", "secret_ish": "x" } } ]""");

        var settings = ReadMain("""["a.json"]""", """, "TargetInfoLabels": ["env", "team"], "Targets": [ { "Name": "orders", "Host": "10.0.0.5", "Labels": { "team": "orders" } }, { "Name": "plain", "Host": "10.0.0.6" } ]""");

        Assert.Equal<string>(["env", "team"], settings.TargetInfoLabels);
        Assert.Equal<string>(["prod", "payments"], settings.TargetInfo["10.0.0.1:5432"]);
        Assert.Equal<string>(["", "orders"], settings.TargetInfo["orders"]);
        Assert.False(settings.TargetInfo.ContainsKey("plain"));
    }

    [Theory]
    [InlineData("""["target"]""", "'target' is the target's name")]
    [InlineData("""["__param_module"]""", "is not a label name")]
    [InlineData("""["9lives"]""", "is not a label name")]
    [InlineData("""["team", "team"]""", "is listed twice")]
    [InlineData("\"team\"", "must be a list of label names")]
    public void Bad_target_info_labels_are_errors(string labels, string problem)
    {
        var message = ErrorOf($$"""{ "PgReach": { "Targets": [ { "Name": "a", "Host": "db" } ], "TargetInfoLabels": {{labels}} } }""");

        Assert.Contains("PgReach:TargetInfoLabels", message);
        Assert.Contains(problem, message);
    }

    [Fact]
    public void A_main_file_target_label_with_a_bad_name_is_an_error()
    {
        var message = ErrorOf("""{ "PgReach": { "Targets": [ { "Name": "a", "Host": "db", "Labels": { "bad-name": "x" } } ] } }""");

        Assert.Contains("target 'a': field 'Labels:bad-name': is not a label name", message);
    }
}

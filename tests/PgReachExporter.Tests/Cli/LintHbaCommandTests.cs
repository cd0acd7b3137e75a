using System.Text.Json;
using System.Xml.Linq;
using PgReachExporter.Cli;
using PgReachExporter.Tests.Hba.Lint;

namespace PgReachExporter.Tests.Cli;

public class LintHbaCommandTests
{
    private const string Work = "/repo";

    private const string Clean = "local all all peer\nhost all all 127.0.0.1/32 scram-sha-256\n";

    private static async Task<(int Code, string Output, string Error)> RunAsync(IReadOnlyDictionary<string, string> files, params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await LintHbaCommand.RunAsync(args, output, error, Work, new HbaFileMap(files.ToDictionary(f => $"{Work}/{f.Key}", f => f.Value)));
        return (code, output.ToString(), error.ToString());
    }

    private static Dictionary<string, string> Files(string hba, params (string Path, string Text)[] more)
    {
        var files = new Dictionary<string, string> { ["db/pg_hba.conf"] = hba };
        foreach (var (path, text) in more)
            files[path] = text;
        return files;
    }

    [Fact]
    public async Task Clean_file_exits_0_and_says_so()
    {
        var (code, output, _) = await RunAsync(Files(Clean), "db/pg_hba.conf");

        Assert.Equal(LintHbaCommand.Clean, code);
        Assert.Contains("db/pg_hba.conf (PostgreSQL 18): 0 error(s), 0 warning(s)", output);
    }

    [Fact]
    public async Task Error_exits_1_and_warnings_only_with_fail_on_warning()
    {
        Assert.Equal(LintHbaCommand.Findings, (await RunAsync(Files("host all all 10.0.0.0/33 md5\n"), "db/pg_hba.conf")).Code);
        var risky = Files("host all all 10.0.0.0/8 trust\n");
        Assert.Equal(LintHbaCommand.Clean, (await RunAsync(risky, "db/pg_hba.conf")).Code);
        Assert.Equal(LintHbaCommand.Findings, (await RunAsync(risky, "db/pg_hba.conf", "--fail-on", "warning")).Code);
        Assert.Equal(LintHbaCommand.Findings, (await RunAsync(Files("host all all 10.0.0.0/8 md5\n"), "db/pg_hba.conf", "--fail-on=info", "--pg-version=15")).Code);
    }

    [Theory]
    [InlineData(new string[0], "missing FILE")]
    [InlineData(new[] { "db/none.conf" }, "cannot read db/none.conf")]
    [InlineData(new[] { "db/pg_hba.conf", "--pg-version", "14" }, "--pg-version '14'")]
    [InlineData(new[] { "db/pg_hba.conf", "--format", "xml" }, "--format 'xml'")]
    [InlineData(new[] { "db/pg_hba.conf", "--fail-on", "never" }, "--fail-on 'never'")]
    [InlineData(new[] { "db/pg_hba.conf", "--expect" }, "--expect needs a value")]
    [InlineData(new[] { "db/pg_hba.conf", "--expect", "none.yaml" }, "none.yaml: cannot read it")]
    [InlineData(new[] { "db/pg_hba.conf", "--strict" }, "unknown option '--strict'")]
    [InlineData(new[] { "db/pg_hba.conf", "other.conf" }, "one pg_hba.conf file only")]
    public async Task Usage_errors_exit_2_with_one_line_naming_the_problem(string[] args, string problem)
    {
        var (code, output, error) = await RunAsync(Files(Clean), args);

        Assert.Equal(LintHbaCommand.UsageError, code);
        Assert.Empty(output);
        Assert.Contains(problem, error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Help_prints_usage_with_the_default_version_and_exits_0()
    {
        var (code, output, _) = await RunAsync(Files(Clean), "--help");

        Assert.Equal(LintHbaCommand.Clean, code);
        Assert.Contains("(default: 18)", output);
    }

    [Fact]
    public async Task Json_output_is_one_object_with_findings_and_clients()
    {
        var clients = """
            [ { "name": "app", "address": "10.0.1.5", "database": "orders", "user": "app", "type": "host" },
              { "name": "ops", "address": "10.0.2.1", "database": "orders", "user": "bob" },
              { "name": "sock", "type": "local", "database": "postgres", "user": "postgres" } ]
            """;
        var hba = "local all postgres peer\nhost orders app 10.0.1.0/24 scram-sha-256\nhost orders +ops 10.0.2.0/24 scram-sha-256\nhost orders app 10.0.1.7/32 md5\n";

        var (code, output, _) = await RunAsync(Files(hba, ("clients.json", clients)), "db/pg_hba.conf", "--format", "json", "--expect", "clients.json", "--pg-version", "16");

        Assert.Equal(LintHbaCommand.Clean, code);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("db/pg_hba.conf", root.GetProperty("file").GetString());
        Assert.Equal(16, root.GetProperty("pg_version").GetInt32());
        var shadowed = root.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("kind").GetString() == "shadowed");
        Assert.Equal((4, 2, "warning"), (shadowed.GetProperty("line").GetInt32(), shadowed.GetProperty("related_line").GetInt32(), shadowed.GetProperty("severity").GetString()));
        var answers = root.GetProperty("clients").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.True(answers["app"].GetProperty("allowed").GetBoolean());
        Assert.Equal(2, answers["app"].GetProperty("line").GetInt32());
        Assert.Equal(JsonValueKind.Null, answers["ops"].GetProperty("allowed").ValueKind);
        Assert.Contains("+ops", answers["ops"].GetProperty("reason").GetString());
        Assert.Equal(1, answers["sock"].GetProperty("line").GetInt32());
    }

    [Fact]
    public async Task Yaml_clients_work_and_a_rejected_client_fails_the_run()
    {
        var clients = "clients:\n  - name: app\n    address: 10.0.1.5\n    database: orders\n    user: app\n  - name: stranger\n    address: 192.0.2.1\n    database: orders\n    user: app\n";

        var (code, output, _) = await RunAsync(Files("host orders app 10.0.1.0/24 scram-sha-256\n", ("c.yaml", clients)), "db/pg_hba.conf", "--expect", "c.yaml");

        Assert.Equal(LintHbaCommand.Findings, code);
        Assert.Contains("client app: allowed by db/pg_hba.conf:1", output);
        Assert.Contains("client stranger: REJECTED", output);
    }

    [Theory]
    [InlineData("- name: a\n  database: d\n  user: u\n", "missing address")]
    [InlineData("- name: a\n  address: 10.0.0.300\n  database: d\n  user: u\n", "not an IP address")]
    [InlineData("- name: a\n  address: 10.0.0.1\n  user: u\n", "missing database")]
    [InlineData("- name: a\n  address: 10.0.0.1\n  database: d\n  user: u\n  type: tcp\n", "type \"tcp\"")]
    [InlineData("- name: a\n  address: 10.0.0.1\n  database: d\n  user: u\n  port: 5432\n", "unknown field \"port\"")]
    [InlineData("- name: a\n  type: local\n  address: 10.0.0.1\n  database: d\n  user: u\n", "local client has no address")]
    [InlineData("- name: a\n  address: 10.0.0.1\n  database: d\n  user: u\n- name: a\n  address: 10.0.0.2\n  database: d\n  user: u\n", "used twice")]
    [InlineData("a: [1", "not valid YAML")]
    public async Task Bad_clients_file_is_a_usage_error(string yaml, string problem)
    {
        var (code, _, error) = await RunAsync(Files(Clean, ("c.yml", yaml)), "db/pg_hba.conf", "--expect", "c.yml");

        Assert.Equal(LintHbaCommand.UsageError, code);
        Assert.Contains(problem, error);
    }

    [Fact]
    public async Task Github_format_annotates_each_finding_with_file_and_line()
    {
        var (_, output, _) = await RunAsync(Files("host all all 10.0.0.0/33 md5\nhost all all 10.0.0.0/8 trust\nhost all all 10.0.0.0/8 md5\n"),
            "db/pg_hba.conf", "--format", "github", "--pg-version", "16");

        var lines = output.TrimEnd().Split('\n');
        Assert.StartsWith("::error file=db/pg_hba.conf,line=1,title=lint-hba syntax::", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("::warning file=db/pg_hba.conf,line=2,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("::notice file=db/pg_hba.conf,line=3,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Junit_format_is_xml_with_one_testcase_per_finding_and_client()
    {
        var clients = "[{\"name\": \"app\", \"address\": \"10.0.0.1\", \"database\": \"d\", \"user\": \"u\"}]";

        var (code, output, _) = await RunAsync(Files("host all all 10.0.0.0/33 md5\nhost all all 10.0.0.0/8 trust\n", ("c.json", clients)),
            "db/pg_hba.conf", "--format", "junit", "--expect", "c.json");

        Assert.Equal(LintHbaCommand.Findings, code);
        var suites = XDocument.Parse(output).Root!;
        Assert.Equal(("3", "1"), (suites.Attribute("tests")!.Value, suites.Attribute("failures")!.Value));
        var cases = suites.Descendants("testcase").ToArray();
        Assert.Equal(["lint-hba.syntax", "lint-hba.risky", "lint-hba.client"], cases.Select(c => c.Attribute("classname")!.Value));
        Assert.Equal("db/pg_hba.conf:1", cases[0].Attribute("name")!.Value);
        Assert.NotNull(cases[0].Element("failure"));
        Assert.Null(cases[1].Element("failure"));
    }

    [Fact]
    public async Task Included_files_are_read_relative_to_the_including_file()
    {
        var (code, output, _) = await RunAsync(Files("include conf.d/extra.conf\n", ("db/conf.d/extra.conf", "host all all 10.0.0.0/8 bogus\n")), "db/pg_hba.conf");

        Assert.Equal(LintHbaCommand.Findings, code);
        Assert.Contains("db/conf.d/extra.conf:1: error [syntax]", output);
    }
}

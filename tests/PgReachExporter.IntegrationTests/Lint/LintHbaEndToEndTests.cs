using System.Text.Json;

namespace PgReachExporter.IntegrationTests.Lint;

/// <summary>lint-hba through the real executable: a repository layout with an include directory, exit codes and JSON.</summary>
public sealed class LintHbaEndToEndTests : IDisposable
{
    private readonly string _repository = Directory.CreateTempSubdirectory("lint-hba-").FullName;

    public void Dispose() => Directory.Delete(_repository, recursive: true);

    private void Write(string path, string text)
    {
        var full = Path.Combine(_repository, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    [Fact]
    public async Task Clean_file_exits_0()
    {
        Write("postgres/pg_hba.conf", "local all all peer\nhost all all 127.0.0.1/32 scram-sha-256\n");

        var result = await LintHbaProcess.RunAsync(_repository, "postgres/pg_hba.conf");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("0 error(s)", result.Stdout);
    }

    [Fact]
    public async Task Errors_in_an_included_file_exit_1_and_the_json_names_file_and_line()
    {
        Write("postgres/pg_hba.conf", "local all all peer\ninclude_dir conf.d\nhost all all 10.0.0.0/8 scram-sha-256\nhost app app 10.1.0.0/16 scram-sha-256\n");
        Write("postgres/conf.d/10-apps.conf", "# apps\nhost app app 10.2.0.0/16 scram-sha-256 clientcert=verify-full\n");
        Write("clients.yaml", "- name: app\n  address: 10.1.0.9\n  database: app\n  user: app\n- name: outsider\n  address: 192.0.2.7\n  database: app\n  user: app\n");

        var result = await LintHbaProcess.RunAsync(_repository, "postgres/pg_hba.conf", "--format", "json", "--expect", "clients.yaml", "--pg-version", "16");

        Assert.True(result.ExitCode == 1, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var findings = json.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("file").GetString(), f.GetProperty("line").GetInt32(), f.GetProperty("kind").GetString(), f.GetProperty("severity").GetString()))
            .ToArray();
        Assert.Contains(("postgres/conf.d/10-apps.conf", 2, "syntax", "error"), findings);
        Assert.Contains(("postgres/pg_hba.conf", 4, "shadowed", "warning"), findings);
        var clients = json.RootElement.GetProperty("clients").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c);
        Assert.Equal(3, clients["app"].GetProperty("line").GetInt32());
        Assert.False(clients["outsider"].GetProperty("allowed").GetBoolean());
    }

    [Fact]
    public async Task The_same_include_line_is_an_error_for_15()
    {
        Write("pg_hba.conf", "include extra.conf\n");
        Write("extra.conf", "local all all peer\n");

        Assert.Equal(0, (await LintHbaProcess.RunAsync(_repository, "pg_hba.conf", "--pg-version", "16")).ExitCode);
        var old = await LintHbaProcess.RunAsync(_repository, "pg_hba.conf", "--pg-version", "15", "--format", "github");
        Assert.True(old.ExitCode == 1, old.ToString());
        Assert.StartsWith("::error file=pg_hba.conf,line=1,", old.Stdout);
    }

    [Fact]
    public async Task Missing_file_and_bad_option_exit_2_with_one_line()
    {
        var missing = await LintHbaProcess.RunAsync(_repository, "nothere.conf");
        var bad = await LintHbaProcess.RunAsync(_repository, "nothere.conf", "--pg-version", "12");
        var directory = await LintHbaProcess.RunAsync(_repository, ".");

        Assert.Equal((2, 2, 2), (missing.ExitCode, bad.ExitCode, directory.ExitCode));
        Assert.Contains("is a directory", directory.Stderr);
        Assert.Equal("pgreach lint-hba: cannot read nothere.conf: No such file or directory", missing.Stderr.Trim());
        Assert.Contains("--pg-version '12'", bad.Stderr);
    }
}

using PgReachExporter.IntegrationTests.Agent;
using System.Net;
using System.Net.Sockets;

namespace PgReachExporter.IntegrationTests.Configuration;

/// <summary>The real agent refuses bad configuration and listen addresses out loud: exit code 2, one line on stderr, no stack trace.</summary>
public sealed class BadConfigurationExitTests : IDisposable
{
    private const string GoodTargets = """{ "PgReach": { "Targets": [ { "Name": "local", "Host": "127.0.0.1", "Port": 1 } ] } }""";

    private readonly string _directory = Directory.CreateTempSubdirectory("pgreach-exit-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string ConfigFile(string json)
    {
        var file = Path.Combine(_directory, "targets.json");
        File.WriteAllText(file, json);
        return file;
    }

    private static void AssertRefusedInOneLine(AgentCommand.Result run, string expected)
    {
        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("pgreach: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "PgReach": { "Targets": [ { "Name": "a", "Host": "127.0.0.1", "Port": [26101] } ] } }""", "target 'a': field 'Port': ")]
    [InlineData("""{ "PgReach": { "Targets": [] } }""", "field 'PgReach:Targets': lists no targets")]
    [InlineData("""{ "PgReach": { "Targets": "x" } }""", "field 'PgReach:Targets': ")]
    [InlineData("""{ "PgReach": { "Targets": [ { "Name": "a", "Host": "127.0.0.1", "Interval": "1e10" } ] } }""", "target 'a': field 'Interval': ")]
    [InlineData("""{ "PgReach": { "Targets": [ { "Name": "a", "Uri": "postgresql://h:5432:5432/db" } ] } }""", "target 'a': field 'Uri': ")]
    [InlineData("{ \"PgReach\": {\n  \"Interval\": x } }", "line 2, column 15")]
    [InlineData("""{ "PgReach": { "Targets": [ { "Name": "a", "Host": "127.0.0.1" } ] }, "Urls": "http://127.0.0.1:26175x" }""", "field 'urls': ")]
    public async Task A_bad_config_file_exits_2_with_one_line(string json, string expected)
    {
        var run = await AgentStartRun.RunAsync(["--config", ConfigFile(json)], _directory);

        AssertRefusedInOneLine(run, expected);
    }

    [Fact]
    public async Task A_directory_given_as_the_config_file_exits_2_saying_so()
    {
        AssertRefusedInOneLine(await AgentStartRun.RunAsync(["--config", _directory], _directory), "is a directory");
    }

    [Theory]
    [InlineData("http://127.0.0.1:26175x")]
    [InlineData("http://127.0.0.1:notaport")]
    public async Task A_listen_address_that_does_not_parse_exits_2_with_one_line(string urls)
    {
        var run = await AgentStartRun.RunAsync(["--config", ConfigFile(GoodTargets), "--urls", urls], _directory);

        AssertRefusedInOneLine(run, "field 'urls': ");
        Assert.DoesNotContain("Now listening", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listen_address_in_use_exits_2_naming_it()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var address = $"http://127.0.0.1:{((IPEndPoint)holder.LocalEndpoint).Port}";

        var run = await AgentStartRun.RunAsync(["--config", ConfigFile(GoodTargets), "--urls", address], _directory);

        AssertRefusedInOneLine(run, address);
    }

    [Fact]
    public async Task A_listen_address_not_on_this_host_exits_2_naming_it()
    {
        // TEST-NET-1 (RFC 5737) is on no host: binding it fails at once and sends nothing.
        var run = await AgentStartRun.RunAsync(["--config", ConfigFile(GoodTargets), "--urls", "http://192.0.2.1:9930"], _directory);

        AssertRefusedInOneLine(run, "http://192.0.2.1:9930");
    }
}

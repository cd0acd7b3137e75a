using Microsoft.Extensions.Configuration;
using System.Diagnostics;
using System.Text;
using PgReachExporter.Configuration;

namespace PgReachExporter.Tests.Configuration;

/// <summary>
/// A fleet's file: reading and validating it grows with the number of targets, not with its square. The bound is
/// generous (a linear read of 10,000 targets takes a fraction of a second; the quadratic one this guards against
/// took over a minute), so it fails only on a step that grows faster than linearly, not on a slow machine.
/// </summary>
public sealed class LargeConfigurationTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>10,000 targets with every kind of nested section: URI, password file, monitoring, expected clients, expectations.</summary>
    internal static string FleetJson(int count, string passwordFile)
    {
        var json = new StringBuilder("""{ "PgReach": { "Interval": "15s", "ConnectTimeout": "3s", "Targets": [""");
        for (var i = 0; i < count; i++)
        {
            var port = 1024 + (i % 30000);
            json.Append(i == 0 ? "\n" : ",\n").Append($$"""
                { "Name": "db-{{i:D5}}", "Uri": "postgresql://app@127.0.0.2:{{port}}/orders?sslmode=prefer&connect_timeout=3",
                  "PasswordFile": "{{passwordFile}}", "Interval": "30s",
                  "Monitoring": { "Uri": "postgresql://monitor@127.0.0.2:{{port}}/postgres", "PasswordFile": "{{passwordFile}}" },
                  "ExpectedClients": [ { "Name": "app", "Address": "10.0.1.0/24", "Database": "orders", "User": "app", "Type": "host" } ],
                  "Expect": { "Port": {{port}}, "VersionMajor": 16 } }
                """);
        }

        return json.Append("] } }").ToString();
    }

    [Fact]
    public void Ten_thousand_targets_with_nested_sections_are_read_and_validated_within_a_generous_bound()
    {
        var passwordFile = Path.GetTempFileName();
        File.WriteAllText(passwordFile, "not-a-real-password\n");
        try
        {
            var json = FleetJson(10_000, passwordFile);
            var watch = Stopwatch.StartNew();

            var settings = ConfigurationReading.Read(json);

            watch.Stop();
            Assert.Equal(10_000, settings.Targets.Length);
            Assert.Equal("db-09999", settings.Targets[^1].Name);
            Assert.True(watch.Elapsed < Bound, $"reading 10,000 targets took {watch.Elapsed.TotalSeconds:0.0} s (bound {Bound.TotalSeconds:0} s): a step grows faster than linearly");
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    [Fact]
    public void A_wrong_type_in_one_of_ten_thousand_targets_is_named_within_the_bound()
    {
        var passwordFile = Path.GetTempFileName();
        File.WriteAllText(passwordFile, "not-a-real-password\n");
        try
        {
            var json = FleetJson(10_000, passwordFile).Replace("\"Port\": 1024, \"VersionMajor\": 16", "\"Port\": \"x\", \"VersionMajor\": 16", StringComparison.Ordinal);
            var watch = Stopwatch.StartNew();

            var message = ConfigurationReading.ErrorOf(json);

            watch.Stop();
            Assert.Contains("db-00000", message);
            Assert.Contains("Expect:Port", message);
            Assert.True(watch.Elapsed < Bound, $"took {watch.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }
}

/// <summary>The indexed JSON provider lists exactly the sections the framework's does, in the same order.</summary>
public sealed class IndexedJsonConfigurationTests
{
    private const string Json = """
        { "PgReach": { "Interval": "15s", "Targets": [
            { "Name": "b", "Host": "h", "Monitoring": { "Uri": "postgresql://x@y/z" }, "ExpectedClients": [ { "Name": "c" }, { "Name": "d" } ] },
            { "name": "a", "HOST": "h2", "Expect": { "Port": 5432 } } ],
          "Modules": { "m": { "Username": "u" } } },
          "Serilog": { "MinimumLevel": { "Default": "Warning" } }, "Urls": "http://127.0.0.1:0", "10": "x", "9": "y", "": "" }
        """;

    private static IConfigurationRoot Build(Func<IConfigurationBuilder, string, IConfigurationBuilder> add, params string[] args)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, Json);
            return add(new ConfigurationBuilder(), file).AddCommandLine(args).Build();
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static List<string> Walk(IConfiguration configuration) =>
        [.. configuration.AsEnumerable().Select(pair => $"{pair.Key}={pair.Value}")];

    [Fact]
    public void Every_section_and_value_is_the_same_as_with_the_framework_provider()
    {
        string[] args = ["--PgReach:Targets:2:Name", "c", "--pgreach:targets:0:Port", "6432", "--Other", "1"];
        var framework = Build((builder, file) => builder.AddJsonFile(file, optional: false, reloadOnChange: false), args);
        var indexed = Build((builder, file) => builder.AddIndexedJsonFile(file, optional: false), args);

        Assert.Equal(Walk(framework), Walk(indexed));
        Assert.Equal(
            framework.GetSection("PgReach:Targets").GetChildren().Select(c => c.Key),
            indexed.GetSection("PgReach:Targets").GetChildren().Select(c => c.Key));
        Assert.Equal(["0", "1", "2"], indexed.GetSection("PgReach:Targets").GetChildren().Select(c => c.Key));
    }
}

/// <summary>One mistake repeated across a fleet's file: the message lists the first problems and counts the rest.</summary>
public sealed class ConfigurationExceptionMessageTests
{
    [Fact]
    public void Past_twenty_problems_the_message_counts_the_rest_and_their_targets()
    {
        var errors = Enumerable.Range(0, 2_000).Select(i => new ConfigurationError("fleet.json", $"db-{i / 2:D4}", i % 2 == 0 ? "Port" : "Host", "is wrong")).ToList();

        var ex = new ConfigurationException(errors);

        Assert.StartsWith("invalid configuration: fleet.json: target 'db-0000': field 'Port': is wrong; ", ex.Message);
        Assert.Contains("target 'db-0009': field 'Host'", ex.Message);
        Assert.DoesNotContain("db-0010", ex.Message);
        Assert.EndsWith("; and 1980 more problems in 990 more targets", ex.Message);
        Assert.Equal(2_000, ex.Errors.Count);
    }

    [Fact]
    public void Twenty_problems_are_all_listed()
    {
        var errors = Enumerable.Range(0, 20).Select(i => new ConfigurationError("a.json", null, $"F{i}", "is wrong")).ToList();

        Assert.EndsWith("field 'F19': is wrong", new ConfigurationException(errors).Message);
    }
}

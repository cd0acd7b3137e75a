using Microsoft.Extensions.Configuration;
using PgReachExporter.Configuration;
using PgReachExporter.HostSignals;

namespace PgReachExporter.Tests.Configuration;

/// <summary>The target fields of the host's view: LogPath, LogFormat, LocalListener, ListenerPid.</summary>
public sealed class HostSignalSettingsTests
{
    private static readonly LibpqEnvironment NoEnvironment = new(new Dictionary<string, string?>());

    private static TargetDefinition ReadTarget(string fields) =>
        AgentSettingsReader.Read(Json($$"""{ "PgReach": { "Targets": [ { "Name": "db", "Host": "127.0.0.1", {{fields}} } ] } }"""), "targets.json", NoEnvironment)
            .Targets.Single();

    private static string ErrorOf(string fields)
    {
        var ex = Assert.Throws<ConfigurationException>(() => ReadTarget(fields));
        return ex.Message;
    }

    private static IConfiguration Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();

    [Fact]
    public void Target_without_host_fields_reads_no_log_and_decides_the_socket_table_automatically()
    {
        var target = ReadTarget("\"Port\": 5432");

        Assert.Null(target.LogPath);
        Assert.Null(target.LocalListener);
        Assert.Null(target.ListenerPid);
    }

    [Theory]
    [InlineData("/var/log/postgresql/postgresql-15-main.log", "stderr")]
    [InlineData("/var/lib/postgresql/15/main/log/postgresql-*.csv", "csvlog")]
    [InlineData("/pgdata/log/postgresql.json", "jsonlog")]
    [InlineData("/pgdata/log/", "stderr")]
    public void Log_format_is_inferred_from_the_extension(string path, string expected)
    {
        var target = ReadTarget($"\"LogPath\": \"{path}\"");

        Assert.Equal((path, expected), (target.LogPath, target.LogFormat.ToName()));
    }

    [Theory]
    [InlineData("stderr", "stderr")]
    [InlineData("csvlog", "csvlog")]
    [InlineData("JSONLOG", "jsonlog")]
    public void Explicit_log_format_wins_over_the_extension(string name, string expected)
    {
        var target = ReadTarget($"\"LogPath\": \"/pgdata/log/postgresql.log\", \"LogFormat\": \"{name}\"");

        Assert.Equal(expected, target.LogFormat.ToName());
    }

    [Fact]
    public void Unknown_log_format_names_the_target_field_and_the_choices()
    {
        var message = ErrorOf("\"LogPath\": \"/pgdata/log/\", \"LogFormat\": \"json\"");

        Assert.Contains("target 'db': field 'LogFormat': 'json' is not a server log format; expected stderr, csvlog or jsonlog", message);
    }

    [Fact]
    public void Log_format_without_log_path_is_rejected()
    {
        Assert.Contains("target 'db': field 'LogFormat': is set but LogPath is not", ErrorOf("\"LogFormat\": \"csvlog\""));
    }

    [Fact]
    public void Wildcard_in_the_directory_part_of_log_path_is_rejected()
    {
        var message = ErrorOf("\"LogPath\": \"/var/log/postgresql-*/postgresql.log\"");

        Assert.Contains("target 'db': field 'LogPath':", message);
        Assert.Contains("wildcard in its directory part", message);
    }

    [Fact]
    public void Relative_log_path_is_rejected()
    {
        Assert.Contains("target 'db': field 'LogPath': 'log/postgresql.log' must be an absolute path", ErrorOf("\"LogPath\": \"log/postgresql.log\""));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Local_listener_is_a_boolean(string text, bool expected)
    {
        Assert.Equal(expected, ReadTarget($"\"LocalListener\": {text}").LocalListener);
    }

    [Fact]
    public void Local_listener_that_is_not_a_boolean_is_rejected()
    {
        Assert.Contains("target 'db': field 'LocalListener': must be true or false, got 'yes'", ErrorOf("\"LocalListener\": \"yes\""));
    }

    [Fact]
    public void Listener_pid_reads_another_namespace()
    {
        Assert.Equal(4242, ReadTarget("\"ListenerPid\": 4242").ListenerPid);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("\"postmaster\"")]
    public void Listener_pid_must_be_a_positive_process_id(string value)
    {
        Assert.Contains("target 'db': field 'ListenerPid': must be a positive process id", ErrorOf($"\"ListenerPid\": {value}"));
    }

    [Fact]
    public void Listener_pid_with_the_socket_table_switched_off_is_a_contradiction()
    {
        Assert.Contains("field 'ListenerPid': is set but LocalListener is false", ErrorOf("\"ListenerPid\": 42, \"LocalListener\": false"));
    }

    [Fact]
    public void Changing_a_host_field_changes_the_target_definition()
    {
        Assert.NotEqual(ReadTarget("\"LogPath\": \"/a/postgresql.log\""), ReadTarget("\"LogPath\": \"/b/postgresql.log\""));
        Assert.Equal(ReadTarget("\"LogPath\": \"/a/postgresql.log\""), ReadTarget("\"LogPath\": \"/a/postgresql.log\""));
    }
}

using Npgsql;
using PgReachExporter.Cli;
using PgReachExporter.Configuration;

namespace PgReachExporter.Tests.Cli;

public sealed class DiagnoseTargetResolverTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("pgreach-resolver-");

    public void Dispose() => _directory.Delete(recursive: true);

    private static LibpqEnvironment Environment(params (string Name, string Value)[] variables) =>
        new(variables.ToDictionary(v => v.Name, v => (string?)v.Value));

    private TargetDefinition Resolve(string[] args, LibpqEnvironment? environment = null) =>
        DiagnoseTargetResolver.Resolve(DiagnoseArguments.Parse(args, out _)!, environment ?? Environment(), _directory.FullName);

    [Fact]
    public void A_uri_gives_the_target_with_libpq_defaults_from_the_environment()
    {
        var target = Resolve(["postgresql://db1/orders?sslmode=require"], Environment(("PGUSER", "app"), ("PGPORT", "6432"), ("PGPASSWORD", "pw1")));

        Assert.Equal(("db1", 6432, "app", "orders", SslMode.Require), (target.Host, target.Port, target.Username, target.Database, target.SslMode));
        Assert.Equal("pw1", target.Password.Read());
        Assert.Equal(AgentSettings.DefaultConnectTimeout, target.ConnectTimeout);
        Assert.True(target.Interval > target.ConnectTimeout);
    }

    [Fact]
    public void The_password_file_wins_over_the_uri_which_wins_over_PGPASSWORD()
    {
        var file = Path.Combine(_directory.FullName, "pw");
        File.WriteAllText(file, "from-file\n");

        Assert.Equal("from-uri", Resolve(["postgresql://app:from-uri@db1/orders"], Environment(("PGPASSWORD", "from-env"))).Password.Read());
        Assert.Equal("from-file", Resolve(["postgresql://app:from-uri@db1/orders", "--password-file", file]).Password.Read());
    }

    [Fact]
    public void The_timeout_option_overrides_the_uris_connect_timeout()
    {
        Assert.Equal(TimeSpan.FromSeconds(7), Resolve(["postgresql://app@db1/orders?connect_timeout=7"]).ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), Resolve(["postgresql://app@db1/orders?connect_timeout=7", "--timeout", "2s"]).ConnectTimeout);
    }

    [Fact]
    public void A_configured_target_is_found_by_name()
    {
        var config = Path.Combine(_directory.FullName, "pgreach.json");
        File.WriteAllText(config, """{ "PgReach": { "Targets": [ { "Name": "orders", "Host": "db1", "Port": 5433, "Username": "app", "Database": "orders" } ] } }""");

        var target = Resolve(["orders", "--config", config]);

        Assert.Equal(("orders", "db1", 5433), (target.Name, target.Host, target.Port));
    }

    [Fact]
    public void An_unknown_name_lists_the_configured_targets()
    {
        var config = Path.Combine(_directory.FullName, "pgreach.json");
        File.WriteAllText(config, """{ "PgReach": { "Targets": [ { "Name": "orders", "Host": "db1" } ] } }""");

        var error = Assert.Throws<ConfigurationException>(() => Resolve(["billing", "--config", config]));

        Assert.Contains("is neither a postgresql:// URI nor a target in", error.Message, StringComparison.Ordinal);
        Assert.Contains("(targets: orders)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_uri_is_reported_without_its_password()
    {
        var error = Assert.Throws<ConfigurationException>(() => Resolve(["postgresql://app:Hush-123@db1:99999/orders"]));

        Assert.Contains("port '99999'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Hush-123", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_password_file_is_a_configuration_error()
    {
        var error = Assert.Throws<ConfigurationException>(() => Resolve(["postgresql://app@db1/orders", "--password-file", "missing"]));

        Assert.Contains("--password-file", error.Message, StringComparison.Ordinal);
    }
}

public sealed class DiagnosePasswordWarningTests
{
    private static string? WarningFor(params string[] args) => DiagnoseTargetResolver.PasswordWarning(DiagnoseArguments.Parse(args, out _)!);

    [Fact]
    public void A_password_in_a_command_line_uri_is_warned_about_without_repeating_it()
    {
        var warning = WarningFor("postgresql://app:Hunter2-secret@db1/orders");

        Assert.NotNull(warning);
        Assert.Contains("PGPASSWORD", warning);
        Assert.Contains("--password-file", warning);
        Assert.DoesNotContain("Hunter2-secret", warning);
    }

    [Fact]
    public void A_password_in_the_monitoring_uri_is_warned_about_too()
    {
        var warning = WarningFor("postgresql://app@db1/orders", "--monitoring", "postgresql://monitor:Mon-secret-7@db1/postgres");

        Assert.NotNull(warning);
        Assert.DoesNotContain("Mon-secret-7", warning);
    }

    [Theory]
    [InlineData("postgresql://app@db1/orders")]
    [InlineData("orders")]
    public void No_password_on_the_command_line_means_no_warning(string target)
    {
        Assert.Null(WarningFor(target));
    }

    [Fact]
    public void A_uri_host_that_cannot_resolve_is_refused_as_the_agent_refuses_it()
    {
        using var directory = new TempDirectory();
        var ex = Assert.Throws<ConfigurationException>(() => DiagnoseTargetResolver.Resolve(
            DiagnoseArguments.Parse(["postgresql://app@/orders?host=a%20b"], out _)!, new LibpqEnvironment(new Dictionary<string, string?>()), directory.Path));

        Assert.Contains("field 'TARGET': ", ex.Message);
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("pgreach-warning-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}

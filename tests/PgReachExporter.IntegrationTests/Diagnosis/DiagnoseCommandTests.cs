using System.Net;
using System.Text.Json;
using PgReachExporter.IntegrationTests.Infrastructure;

namespace PgReachExporter.IntegrationTests.Diagnosis;

/// <summary>`PgReachExporter diagnose` run as a process against live good and broken targets.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class DiagnoseCommandTests(ClusterFixture fixture)
{
    private const string Password = "Pw-diag-51d0c7aa";
    private const string WrongPassword = "Wrong-diag-90e3b1";

    private async Task<(IPostgresServer Server, string Role)> ServerWithRoleAsync()
    {
        var server = await fixture.DefaultServerAsync();
        var role = $"diag_{Guid.NewGuid():N}"[..20];
        await server.CreateRoleAsync(role, Password);
        return (server, role);
    }

    [Fact]
    public async Task A_healthy_target_given_as_a_uri_with_PGPASSWORD_is_reachable_and_exits_0()
    {
        var (server, role) = await ServerWithRoleAsync();

        var run = await DiagnoseProcess.RunAsync([$"postgresql://{role}@{server.Host}:{server.Port}/postgres"],
            new Dictionary<string, string> { ["PGPASSWORD"] = Password });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"verdict: Reachable: TCP and login to {server.Host}:{server.Port} succeed", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@$"tcp\s+{Regex(server.Host)}:{server.Port}\s+open", run.Stdout);
        Assert.Matches(@$"login\s+{role}@postgres\s+ok", run.Stdout);
        Assert.Matches(@"transport\s+ok", run.Stdout);
        Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_target_is_found_by_name_with_config()
    {
        var (server, role) = await ServerWithRoleAsync();
        var directory = Directory.CreateTempSubdirectory("pgreach-diagnose-");
        try
        {
            var config = Path.Combine(directory.FullName, "pgreach.json");
            await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
            {
                PgReach = new { Targets = new[] { new { Name = "orders-db", Host = server.Host, Port = server.Port, Database = "postgres", Username = role, Password } } },
            }));

            var run = await DiagnoseProcess.RunAsync(["orders-db", "--config", config]);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("verdict: Reachable", run.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_wrong_password_from_a_password_file_is_password_failed_and_exits_1()
    {
        var (server, role) = await ServerWithRoleAsync();
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, WrongPassword + "\n");

            var run = await DiagnoseProcess.RunAsync(
                [$"postgresql://{role}@{server.Host}:{server.Port}/postgres", "--password-file", file],
                new Dictionary<string, string> { ["PGPASSWORD"] = Password });

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains($"verdict: Not reachable: The password of user {role} is refused", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("password_failed (auth, critical)", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("next step: Check the configured password", run.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(WrongPassword, run.Stdout + run.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_refused_port_is_listener_down_in_the_transport_layer_and_exits_1()
    {
        var port = FreePort.Allocate(IPAddress.Parse("127.0.0.2"));

        var run = await DiagnoseProcess.RunAsync([$"postgresql://app:{Password}@127.0.0.2:{port}/orders", "--timeout", "2s"]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"verdict: Not reachable: Nothing listens on port {port}: connections are refused", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"transport\s+FAILED", run.Stdout);
        Assert.Contains("1. listener_down (transport, critical)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"   - tcp 127.0.0.2:{port} refused in", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silent_listener_is_server_unresponsive_and_the_run_ends_with_the_timeout()
    {
        await using var silent = SilentListener.Start();

        var run = await DiagnoseProcess.RunAsync([$"postgresql://app@127.0.0.1:{silent.Port}/orders", "--timeout", "1s"]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("(connect timeout 1s)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("server_unresponsive (server, critical)", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"transport\s+ok", run.Stdout);
    }

    [Fact]
    public async Task Another_protocol_on_the_port_is_not_postgres()
    {
        await using var ssh = ForeignProtocolListener.Start(ForeignProtocol.Ssh);

        var run = await DiagnoseProcess.RunAsync([$"postgresql://app@127.0.0.1:{ssh.Port}/orders", "--timeout", "2s"]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("not_postgres (transport, critical)", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_has_the_api_fields()
    {
        var (server, role) = await ServerWithRoleAsync();

        var run = await DiagnoseProcess.RunAsync([$"postgresql://{role}@{server.Host}:{server.Port}/postgres", "--json"],
            new Dictionary<string, string> { ["PGPASSWORD"] = Password });

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal("ok", root.GetProperty("state").GetString());
        Assert.True(root.GetProperty("reachable").GetBoolean());
        Assert.Equal(server.Port, root.GetProperty("port").GetInt32());
        Assert.Contains(root.GetProperty("probes").EnumerateArray(), p => p.GetProperty("step").GetString() == "login" && p.GetProperty("result").GetString() == "ok");
    }

    [Fact]
    public async Task A_server_bound_to_127_0_0_1_and_dialled_at_127_0_0_2_is_listen_localhost_only_from_the_socket_table()
    {
        await using var cluster = await fixture.NewClusterAsync();

        var run = await DiagnoseProcess.RunAsync([$"postgresql://app:{Password}@127.0.0.2:{cluster.Port}/postgres", "--timeout", "2s"]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("1. listen_localhost_only (transport, critical)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"socket table: 127.0.0.1:{cluster.Port}", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("listener_down", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_target_with_local_listener_is_diagnosed_from_the_same_evidence_as_the_agent()
    {
        await using var cluster = await fixture.NewClusterAsync();
        var directory = Directory.CreateTempSubdirectory("pgreach-diagnose-");
        try
        {
            var config = Path.Combine(directory.FullName, "pgreach.json");
            await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
            {
                PgReach = new
                {
                    Targets = new[]
                    {
                        new { Name = "local-only", Host = "127.0.0.2", Port = cluster.Port, Database = "postgres", Username = "app", Password, LocalListener = true },
                    },
                },
            }));

            var run = await DiagnoseProcess.RunAsync(["local-only", "--config", config, "--timeout", "2s"]);

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains("listen_localhost_only (transport, critical)", run.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Diagnose_with_log_and_monitoring_flags_reads_the_start_up_lines_and_the_server_view()
    {
        await using var cluster = await fixture.NewClusterAsync();
        await cluster.ExecuteAsync("ALTER SYSTEM SET listen_addresses = '127.0.0.1,192.0.2.1'");
        await cluster.RestartAsync();

        var run = await DiagnoseProcess.RunAsync([
            $"postgresql://app:{Password}@127.0.0.1:{cluster.Port}/postgres", "--timeout", "2s",
            "--log", cluster.LogFilePath,
            "--monitoring", $"postgresql://{PgReachExporter.IntegrationTests.Infrastructure.PostgresCluster.Superuser}@/postgres?host={cluster.SocketDirectory}&port={cluster.Port}",
        ]);

        Assert.Contains("bind_failure (transport, warning)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("could not bind ipv4 address 192.0.2.1: address not available", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("listen_addresses = '127.0.0.1,192.0.2.1'", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diagnose_says_before_the_restart_that_a_pending_listen_addresses_change_would_unbind_the_probed_address()
    {
        await using var cluster = await fixture.NewClusterAsync();
        await cluster.CreateRoleAsync("app", Password);
        await cluster.ExecuteAsync("ALTER SYSTEM SET listen_addresses = '127.0.0.2'");
        await cluster.ReloadAsync();

        var run = await DiagnoseProcess.RunAsync([
            $"postgresql://app:{Password}@127.0.0.1:{cluster.Port}/postgres", "--timeout", "2s",
            "--monitoring", $"postgresql://{PgReachExporter.IntegrationTests.Infrastructure.PostgresCluster.Superuser}@/postgres?host={cluster.SocketDirectory}&port={cluster.Port}",
        ]);

        // Reachable now (exit 0), and told what the restart would do, the same finding the agent's page and API show.
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("restart_would_unbind (config, critical)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"the probed address 127.0.0.1:{cluster.Port} would have no listener", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"after a restart: would bind 127.0.0.2:{cluster.Port} (listen_addresses = '127.0.0.2' (", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "missing TARGET")]
    [InlineData("--bogus postgresql://app@127.0.0.1/orders", "unknown option '--bogus'")]
    [InlineData("postgresql://app@127.0.0.1/orders --timeout soon", "--timeout 'soon' is not a positive duration")]
    [InlineData("postgresql://app:Pw-usage-77aa@127.0.0.1:notaport/orders", "is not a valid libpq URI: it has port 'notaport'")]
    [InlineData("no-such-target", "is neither a postgresql:// URI nor a target")]
    public async Task Usage_errors_exit_2_with_a_message_that_never_repeats_a_password(string arguments, string message)
    {
        var run = await DiagnoseProcess.RunAsync(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
        Assert.DoesNotContain("Pw-usage-77aa", run.Stderr, StringComparison.Ordinal);
    }

    private static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);
}

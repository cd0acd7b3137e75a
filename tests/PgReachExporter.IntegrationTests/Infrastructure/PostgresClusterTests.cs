using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;
using PgReachExporter.Configuration;

namespace PgReachExporter.IntegrationTests.Infrastructure;

[Collection(PostgreSqlCollection.Name)]
public sealed class PostgresClusterTests(ClusterFixture fixture)
{
    private static int _lastRole;

    public static TheoryData<int> AvailableMajors()
    {
        var majors = new TheoryData<int>();
        foreach (var binaries in PostgresBinaries.All())
        {
            majors.Add(binaries.Major);
        }

        return majors;
    }

    [Fact]
    public async Task Default_server_accepts_a_scram_password_login_over_tcp()
    {
        var server = await fixture.DefaultServerAsync();
        var role = NewRoleName();
        const string password = "it's a secret";
        await server.CreateRoleAsync(role, password);

        var stored = await server.ScalarAsync<string>($"SELECT rolpassword FROM pg_authid WHERE rolname = '{role}'");
        Assert.StartsWith("SCRAM-SHA-256$", stored);

        await using var connection = new NpgsqlConnection(server.ConnectionString(role, password));
        await connection.OpenAsync();
        await using var whoAmI = new NpgsqlCommand("SELECT current_user", connection);
        Assert.Equal(role, await whoAmI.ExecuteScalarAsync() as string);

        var wrong = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var rejected = new NpgsqlConnection(server.ConnectionString(role, "not the password"));
            await rejected.OpenAsync();
        });
        Assert.Equal(PostgresErrorCodes.InvalidPassword, wrong.SqlState);
    }

    [Theory]
    [MemberData(nameof(AvailableMajors))]
    public async Task Cluster_of_each_available_major_starts_and_reports_that_version(int major)
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { Major = major });

        var versionNumber = await cluster.ScalarAsync<string>("SHOW server_version_num");

        Assert.Equal(major, int.Parse(versionNumber!, System.Globalization.CultureInfo.InvariantCulture) / 10000);
        Assert.Equal(major, cluster.Major);
    }

    [Fact]
    public async Task Server_listening_on_127_0_0_1_is_refused_at_127_0_0_2()
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { ListenAddresses = "127.0.0.1" });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        using (var reachable = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await reachable.ConnectAsync(new IPEndPoint(IPAddress.Loopback, cluster.Port), timeout.Token);
        }

        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(
            () => other.ConnectAsync(new IPEndPoint(IPAddress.Parse("127.0.0.2"), cluster.Port), timeout.Token).AsTask());
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task Cluster_listening_on_ipv6_loopback_accepts_logins_there_and_refuses_ipv4()
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { ListenAddresses = "::1" });
        await cluster.CreateRoleAsync("v6", "v6-password");

        Assert.Equal("::1", cluster.Host);
        await OpenAndCloseAsync(cluster.ConnectionString("v6", "v6-password"));
        using var ipv4 = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(() => ipv4.ConnectAsync(IPAddress.Loopback, cluster.Port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task Cluster_that_cannot_start_fails_with_the_server_log_and_leaves_nothing_behind()
    {
        var before = Directory.GetDirectories(Path.GetTempPath(), "pgreach-it-*").SelectMany(Directory.GetDirectories).ToHashSet();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.NewClusterAsync(
            new ClusterOptions { ExtraConfig = new Dictionary<string, string> { ["shared_buffers"] = "not-a-size" } }));

        Assert.Contains("shared_buffers", failure.Message);
        var after = Directory.GetDirectories(Path.GetTempPath(), "pgreach-it-*").SelectMany(Directory.GetDirectories);
        Assert.DoesNotContain(after, d => !before.Contains(d) && Path.GetFileName(d).StartsWith('c'));
    }

    [Fact]
    public async Task Jsonlog_cluster_writes_json_lines_to_its_log_file()
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { LogFormat = "jsonlog" });
        const string marker = "pgreach-fixture-json-marker";

        await cluster.ExecuteAsync($"DO $$ BEGIN RAISE LOG '{marker}'; END $$");
        var log = await cluster.WaitForLogAsync(marker);

        Assert.EndsWith(".json", cluster.LogFilePath);
        var line = log.Split('\n').Single(l => l.Contains(marker, StringComparison.Ordinal) && l.StartsWith('{'));
        using var entry = JsonDocument.Parse(line);
        Assert.Equal("LOG", entry.RootElement.GetProperty("error_severity").GetString());
        Assert.Equal(marker, entry.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Csvlog_cluster_writes_csv_lines_to_its_log_file()
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { LogFormat = "csvlog" });
        const string marker = "pgreach-fixture-csv-marker";

        await cluster.ExecuteAsync($"DO $$ BEGIN RAISE LOG '{marker}'; END $$");
        await cluster.WaitForLogAsync(marker);

        Assert.EndsWith(".csv", cluster.LogFilePath);
        Assert.Contains(File.ReadLines(cluster.LogFilePath), l => l.Contains($",LOG,00000,\"{marker}\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cluster_whose_port_is_taken_does_not_start_and_logs_could_not_bind()
    {
        await using var occupant = SilentListener.Start(IPAddress.Loopback);

        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { Port = occupant.Port, WaitForReady = false });

        Assert.False(cluster.IsRunning);
        Assert.Contains("could not bind IPv4 address \"127.0.0.1\"", cluster.ReadLog());
    }

    [Fact]
    public async Task Rewritten_pg_hba_conf_takes_effect_on_reload()
    {
        await using var cluster = await fixture.NewClusterAsync();
        await cluster.CreateRoleAsync("app", "app-password");
        await OpenAndCloseAsync(cluster.ConnectionString("app", "app-password"));
        var mtimeBefore = File.GetLastWriteTimeUtc(cluster.HbaFilePath);

        await cluster.WriteHbaAsync(["host all app 127.0.0.1/32 reject", .. ClusterOptions.DefaultHbaLines]);
        await cluster.ReloadAsync();

        Assert.True(File.GetLastWriteTimeUtc(cluster.HbaFilePath) > mtimeBefore);
        var rejected = await Assert.ThrowsAsync<PostgresException>(() => OpenAndCloseAsync(cluster.ConnectionString("app", "app-password")));
        Assert.Equal(PostgresErrorCodes.InvalidAuthorizationSpecification, rejected.SqlState);
    }

    [Fact]
    public async Task Restarted_cluster_serves_again_on_the_same_port()
    {
        await using var cluster = await fixture.NewClusterAsync();
        var port = cluster.Port;
        var pidBefore = cluster.ProcessId;

        await cluster.RestartAsync();

        Assert.Equal(port, cluster.Port);
        Assert.NotEqual(pidBefore, cluster.ProcessId);
        Assert.Equal(1, await cluster.ScalarAsync<int>("SELECT 1"));
    }

    [Fact]
    public async Task Disposing_a_cluster_stops_its_server_and_removes_its_directory()
    {
        var cluster = await PostgresCluster.StartAsync(new ClusterOptions());
        var pid = cluster.ProcessId;
        Assert.True(cluster.IsRunning);
        Assert.True(Directory.Exists(cluster.DataDirectory));

        await cluster.DisposeAsync();

        Assert.False(cluster.IsRunning);
        Assert.False(Posix.IsAlive(pid!.Value));
        Assert.False(Directory.Exists(cluster.ClusterDirectory));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(IPAddress.Loopback, cluster.Port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    private static string NewRoleName() => $"fixture_role_{Interlocked.Increment(ref _lastRole)}_{Environment.ProcessId}";

    private static async Task OpenAndCloseAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
    }
}

using System.Net;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;

namespace PgReachExporter.Tests.HostSignals.Sockets;

public sealed class ListeningSocketTableTests : IDisposable
{
    private readonly string procRoot = Directory.CreateTempSubdirectory("pgreach-proc-").FullName;

    public ListeningSocketTableTests()
    {
        string recorded = Path.Combine(AppContext.BaseDirectory, "HostSignals", "TestData", "proc-net");
        Directory.CreateDirectory(Path.Combine(procRoot, "net"));
        File.Copy(Path.Combine(recorded, "tcp"), Path.Combine(procRoot, "net", "tcp"));
        File.Copy(Path.Combine(recorded, "tcp6"), Path.Combine(procRoot, "net", "tcp6"));
    }

    [Theory]
    [InlineData(37083, "127.0.0.1", "IPv4")]
    [InlineData(40705, "0.0.0.0", "IPv4")]
    [InlineData(33449, "127.0.0.2", "IPv4")]
    [InlineData(48693, "::1", "IPv6")]
    [InlineData(40951, "::", "IPv6")]
    [InlineData(56249, "127.0.0.1", "IPv4Mapped")]
    public void Each_recorded_listener_is_found_with_its_address_and_family(int port, string address, string family)
    {
        ListenerScan scan = new ListeningSocketTable(procRoot).Scan(port);

        ListeningSocket listener = Assert.Single(scan.Listeners);
        Assert.Equal((address, Enum.Parse<ListenerFamily>(family)), (listener.AddressLabel, listener.Family));
        Assert.True(scan.Present && scan.Complete);
    }

    [Fact]
    public void Connections_and_time_wait_rows_on_the_port_are_not_listeners()
    {
        ListenerScan scan = new ListeningSocketTable(procRoot).Scan(33449);

        Assert.Equal(380178, Assert.Single(scan.Listeners).Inode);
    }

    [Fact]
    public void Port_nobody_listens_on_is_absent_and_proven_so()
    {
        ListenerScan scan = new ListeningSocketTable(procRoot).Scan(5432);

        Assert.False(scan.Present);
        Assert.True(scan.Complete);
    }

    [Fact]
    public void Missing_tcp6_means_ipv6_is_off_and_is_no_error()
    {
        File.Delete(Path.Combine(procRoot, "net", "tcp6"));

        ListenerScan scan = new ListeningSocketTable(procRoot).Scan(40705);

        Assert.Single(scan.Listeners);
        Assert.Empty(scan.Errors);
    }

    [Fact]
    public void Table_of_another_process_s_namespace_is_read_from_its_pid_directory()
    {
        Directory.CreateDirectory(Path.Combine(procRoot, "4242", "net"));
        File.WriteAllText(
            Path.Combine(procRoot, "4242", "net", "tcp"),
            "  sl  local_address rem_address   st\n   0: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 777 1\n");

        ListenerScan scan = new ListeningSocketTable(procRoot, pid: 4242).Scan(5432);

        Assert.Equal(new ListeningSocket(IPAddress.Loopback, 5432, ListenerFamily.IPv4, 777, 101), Assert.Single(scan.Listeners));
    }

    [Fact]
    public void Unreadable_table_is_reported_not_thrown()
    {
        File.Delete(Path.Combine(procRoot, "net", "tcp"));
        Directory.CreateDirectory(Path.Combine(procRoot, "net", "tcp"));

        ListenerScan scan = new ListeningSocketTable(procRoot).Scan(37083);

        Assert.False(scan.Complete);
        Assert.Contains(Path.Combine(procRoot, "net", "tcp"), Assert.Single(scan.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Owner_is_found_through_fd_links_and_named_from_comm()
    {
        string fd = Path.Combine(procRoot, "812", "fd");
        Directory.CreateDirectory(fd);
        File.CreateSymbolicLink(Path.Combine(fd, "3"), "socket:[380173]");
        File.CreateSymbolicLink(Path.Combine(fd, "4"), "/var/log/postgresql/postgresql.log");
        File.WriteAllText(Path.Combine(procRoot, "812", "comm"), "postgres\n");
        Directory.CreateDirectory(Path.Combine(procRoot, "900", "fd"));
        File.CreateSymbolicLink(Path.Combine(procRoot, "900", "fd", "7"), "socket:[380174]");
        File.WriteAllText(Path.Combine(procRoot, "900", "comm"), "nc\n");

        var inspector = new LocalListenerInspector(new ListeningSocketTable(procRoot), new SocketOwnerResolver(procRoot));

        Assert.Equal(new SocketOwner(812, "postgres", IsPostgres: true), Assert.Single(inspector.Inspect(37083).Listeners).Owner);
        Assert.Equal(new SocketOwner(900, "nc", IsPostgres: false), Assert.Single(inspector.Inspect(40705).Listeners).Owner);
        Assert.Null(Assert.Single(inspector.Inspect(48693).Listeners).Owner);
    }

    [Fact]
    public void Remembered_owner_is_checked_again_and_a_new_holder_is_found()
    {
        Directory.CreateDirectory(Path.Combine(procRoot, "812", "fd"));
        Directory.CreateDirectory(Path.Combine(procRoot, "900", "fd"));
        File.WriteAllText(Path.Combine(procRoot, "812", "comm"), "postgres\n");
        File.WriteAllText(Path.Combine(procRoot, "900", "comm"), "pgbouncer\n");
        File.CreateSymbolicLink(Path.Combine(procRoot, "812", "fd", "3"), "socket:[380173]");
        var resolver = new SocketOwnerResolver(procRoot);
        Assert.Equal(812, resolver.Resolve([380173])[380173].Pid);

        File.Delete(Path.Combine(procRoot, "812", "fd", "3"));
        File.CreateSymbolicLink(Path.Combine(procRoot, "900", "fd", "5"), "socket:[380173]");

        Assert.Equal(new SocketOwner(900, "pgbouncer", IsPostgres: false), resolver.Resolve([380173])[380173]);
    }

    public void Dispose() => Directory.Delete(procRoot, recursive: true);
}

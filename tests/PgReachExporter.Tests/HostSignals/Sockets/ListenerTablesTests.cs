using Microsoft.Extensions.Time.Testing;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;

namespace PgReachExporter.Tests.HostSignals.Sockets;

/// <summary>The shared per-namespace table: one read per cycle for every target, owners looked up once per socket.</summary>
public sealed class ListenerTablesTests : IDisposable
{
    private readonly string procRoot = Directory.CreateTempSubdirectory("pgreach-proc-").FullName;
    private readonly FakeTimeProvider time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    public ListenerTablesTests()
    {
        string recorded = Path.Combine(AppContext.BaseDirectory, "HostSignals", "TestData", "proc-net");
        Directory.CreateDirectory(Path.Combine(procRoot, "net"));
        File.Copy(Path.Combine(recorded, "tcp"), Path.Combine(procRoot, "net", "tcp"));
        File.Copy(Path.Combine(recorded, "tcp6"), Path.Combine(procRoot, "net", "tcp6"));

        // 380173 is 127.0.0.1:37083 and 380176 is [::]:40951, both held by a postgres; 380174 (0.0.0.0:40705) by nc.
        Owner(812, "postgres", 380173, 380176);
        Owner(900, "nc", 380174);
    }

    public void Dispose() => Directory.Delete(procRoot, recursive: true);

    [Fact]
    public void Listener_on_the_port_comes_with_its_owner()
    {
        var tables = new ListenerTables(procRoot, time: time);

        ListenerObservation observed = tables.Inspect(37083, pid: null, time.GetUtcNow());

        ObservedListener only = Assert.Single(observed.Listeners);
        Assert.Equal(("127.0.0.1", "postgres"), (only.Socket.AddressLabel, only.Owner?.ProcessName));
        Assert.True(observed.Complete);
    }

    [Fact]
    public void Nothing_on_the_port_names_postgres_listening_on_other_ports()
    {
        var tables = new ListenerTables(procRoot, time: time);

        ListenerObservation observed = tables.Inspect(5432, pid: null, time.GetUtcNow());

        Assert.False(observed.Present);
        Assert.Equal([("127.0.0.1", 37083), ("::", 40951)], observed.PostgresElsewhere.Select(l => (l.Socket.AddressLabel, l.Socket.Port)).Order());
    }

    [Fact]
    public void Table_read_after_a_cycle_started_serves_that_cycle_and_a_later_cycle_reads_again()
    {
        var tables = new ListenerTables(procRoot, time: time);
        DateTimeOffset cycleStart = time.GetUtcNow();
        Assert.True(tables.Inspect(37083, null, cycleStart).Present);

        File.WriteAllText(Path.Combine(procRoot, "net", "tcp"), "  sl  local_address rem_address   st\n");
        bool sharedRead = tables.Inspect(37083, null, cycleStart).Present;
        time.Advance(TimeSpan.FromSeconds(1));
        bool nextCycle = tables.Inspect(37083, null, time.GetUtcNow()).Present;

        Assert.True(sharedRead);
        Assert.False(nextCycle);
    }

    [Fact]
    public void Owner_is_looked_up_once_per_socket()
    {
        var tables = new ListenerTables(procRoot, time: time);
        Assert.Equal("postgres", Assert.Single(tables.Inspect(37083, null, time.GetUtcNow()).Listeners).Owner?.ProcessName);

        Directory.Delete(Path.Combine(procRoot, "812"), recursive: true);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("postgres", Assert.Single(tables.Inspect(37083, null, time.GetUtcNow()).Listeners).Owner?.ProcessName);
    }

    [Fact]
    public void Unknown_owner_is_looked_up_again_after_the_retry_interval()
    {
        var tables = new ListenerTables(procRoot, time: time);
        Assert.Null(Assert.Single(tables.Inspect(48693, null, time.GetUtcNow()).Listeners).Owner);

        Owner(1000, "postgres", 380175);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(Assert.Single(tables.Inspect(48693, null, time.GetUtcNow()).Listeners).Owner);
        time.Advance(ListenerTables.UnknownOwnerRetry);

        Assert.Equal("postgres", Assert.Single(tables.Inspect(48693, null, time.GetUtcNow()).Listeners).Owner?.ProcessName);
    }

    [Fact]
    public void Namespace_of_a_process_that_is_gone_is_an_error_not_an_empty_table()
    {
        var tables = new ListenerTables(procRoot, time: time);

        ListenerObservation observed = tables.Inspect(37083, pid: 4242, time.GetUtcNow());

        Assert.False(observed.Present);
        Assert.False(observed.Complete);
        Assert.Contains("4242", Assert.Single(observed.Errors), StringComparison.Ordinal);
    }

    private void Owner(int pid, string name, params long[] inodes)
    {
        string fd = Path.Combine(procRoot, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "fd");
        Directory.CreateDirectory(fd);
        File.WriteAllText(Path.Combine(procRoot, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "comm"), name + "\n");
        for (int i = 0; i < inodes.Length; i++)
        {
            File.CreateSymbolicLink(Path.Combine(fd, (i + 3).ToString(System.Globalization.CultureInfo.InvariantCulture)), $"socket:[{inodes[i]}]");
        }
    }
}

using System.Net;
using Microsoft.Extensions.Time.Testing;
using PgReachExporter.Configuration;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;
using PgReachExporter.Probes;

namespace PgReachExporter.Tests.HostSignals.Sockets;

/// <summary>When a target's socket table is read: set explicitly, implied by ListenerPid, or decided by where the host resolves.</summary>
public sealed class ListenerTableRuleTests
{
    private static readonly IPAddress InterfaceAddress = IPAddress.Parse("10.20.30.40");

    private static readonly TargetDefinition Target = new()
    {
        Name = "db", Host = "db.internal", Port = 5432, Database = "postgres", Username = "app",
        ConnectTimeout = TimeSpan.FromSeconds(1), Interval = TimeSpan.FromSeconds(5),
    };

    private readonly FakeTimeProvider _time = new();
    private int _listings;

    private ListenerTableRule Rule() => new(_time, () =>
    {
        _listings++;
        return [InterfaceAddress];
    });

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("127.0.0.2")]
    [InlineData("10.20.30.40")]
    [InlineData("127.0.0.1,::1")]
    public void Host_resolving_only_to_this_machine_is_read(string addresses)
    {
        Assert.True(Rule().Reads(Target, Resolved(addresses)));
    }

    [Theory]
    [InlineData("10.20.30.41")]
    [InlineData("127.0.0.1,10.20.30.41")]
    public void Host_resolving_to_any_other_machine_is_not_read(string addresses)
    {
        Assert.False(Rule().Reads(Target, Resolved(addresses)));
    }

    [Fact]
    public void Host_that_did_not_resolve_and_a_unix_socket_are_not_read()
    {
        Assert.False(Rule().Reads(Target, new DnsObservation(DnsLookupResult.NotFound, [], TimeSpan.Zero, "not found")));
        Assert.False(Rule().Reads(Target with { Host = "/var/run/postgresql" }, Resolved("127.0.0.1")));
    }

    [Fact]
    public void Local_listener_setting_wins_over_the_addresses()
    {
        Assert.True(Rule().Reads(Target with { LocalListener = true }, Resolved("10.20.30.41")));
        Assert.False(Rule().Reads(Target with { LocalListener = false }, Resolved("127.0.0.1")));
        Assert.True(Rule().Reads(Target with { ListenerPid = 4242 }, Resolved("10.20.30.41")));
    }

    [Fact]
    public void Interface_addresses_are_listed_again_only_after_a_while()
    {
        var rule = Rule();
        rule.Reads(Target, Resolved("10.20.30.40"));
        rule.Reads(Target, Resolved("10.20.30.40"));
        _time.Advance(TimeSpan.FromMinutes(1));
        rule.Reads(Target, Resolved("10.20.30.40"));

        Assert.Equal(2, _listings);
    }

    private static DnsObservation Resolved(string addresses) =>
        new(DnsLookupResult.Ok, [.. addresses.Split(',').Select(IPAddress.Parse)], TimeSpan.Zero, null);
}

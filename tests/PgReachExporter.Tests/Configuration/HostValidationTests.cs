using static PgReachExporter.Tests.Configuration.ConfigurationReading;

namespace PgReachExporter.Tests.Configuration;

/// <summary>Hosts and URIs that could only ever fail as a DNS error are refused when read.</summary>
public sealed class HostValidationTests
{
    [Theory]
    [InlineData("postgresql://h:5432:5432/db")]
    [InlineData("postgresql://%ZZ/db")]
    [InlineData("postgresql://[zz::1]/db")]
    [InlineData("postgresql://user@@h/db")]
    [InlineData("postgresql://")]
    [InlineData("postgresql://%00/")]
    [InlineData("postgresql://db host/x")]
    [InlineData("postgresql:///x")]
    [InlineData("postgresql://h/x?host=a%20b")]
    public void Uris_that_name_no_usable_host_are_rejected(string uri)
    {
        var message = ErrorOf($$"""{ "PgReach": { "Targets": [ { "Name": "a", "Uri": "{{uri}}" } ] } }""");

        Assert.Contains("target 'a': field 'Uri': ", message);
    }

    [Theory]
    [InlineData("db host")]
    [InlineData("db\\thost")]
    [InlineData("[::1]")]
    [InlineData("zz::1")]
    [InlineData("a..b")]
    [InlineData("-")]
    [InlineData("relative/socket")]
    public void Hosts_that_are_neither_names_addresses_nor_socket_directories_are_rejected(string host)
    {
        Assert.Contains("target 'a': field 'Host': ", ErrorOf(Target($"\"Host\": \"{host}\"")));
    }

    [Fact]
    public void A_host_name_longer_than_dns_allows_is_rejected()
    {
        var host = string.Join('.', Enumerable.Repeat(new string('a', 60), 5));

        Assert.Contains("field 'Host': ", ErrorOf(Target($"\"Host\": \"{host}\"")));
    }

    [Fact]
    public void A_socket_directory_too_long_for_a_socket_path_is_rejected()
    {
        Assert.Contains("field 'Host': ", ErrorOf(Target($"\"Host\": \"/{new string('d', 200)}\"")));
    }

    [Theory]
    [InlineData("db1.internal")]
    [InlineData("db_1.example.com.")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("/var/run/postgresql")]
    [InlineData("localhost")]
    public void Names_addresses_and_socket_directories_are_accepted(string host)
    {
        Assert.Equal(host, Read(Target($"\"Host\": \"{host}\"")).Targets[0].Host);
    }

    [Theory]
    [InlineData("postgresql://app@[::1]:6000/db", "::1", 6000)]
    [InlineData("postgresql://app@/db?host=/var/run/postgresql", "/var/run/postgresql", 5432)]
    [InlineData("postgresql://app%40corp@db.internal/db", "db.internal", 5432)]
    public void Well_formed_uris_are_accepted(string uri, string host, int port)
    {
        var target = Read($$"""{ "PgReach": { "Targets": [ { "Name": "a", "Uri": "{{uri}}" } ] } }""").Targets[0];

        Assert.Equal((host, port), (target.Host, target.Port));
    }
}

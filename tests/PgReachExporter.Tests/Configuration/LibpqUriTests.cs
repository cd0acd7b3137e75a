using Npgsql;
using PgReachExporter.Configuration;

namespace PgReachExporter.Tests.Configuration;

public sealed class LibpqUriTests
{
    [Fact]
    public void Full_uri_gives_every_part()
    {
        var uri = LibpqUri.TryParse("postgresql://app:s%40cret@db1.internal:6543/orders?sslmode=require&connect_timeout=3", out var problem);

        Assert.Null(problem);
        Assert.NotNull(uri);
        Assert.Equal("app", uri.Username);
        Assert.Equal("s@cret", uri.Password);
        Assert.Equal("db1.internal", uri.Host);
        Assert.Equal(6543, uri.Port);
        Assert.Equal("orders", uri.Database);
        Assert.Equal(SslMode.Require, uri.SslMode);
        Assert.Equal(TimeSpan.FromSeconds(3), uri.ConnectTimeout);
    }

    [Fact]
    public void Postgres_scheme_and_missing_parts_are_accepted()
    {
        var uri = LibpqUri.TryParse("postgres://db2", out var problem);

        Assert.Null(problem);
        Assert.Equal("db2", uri!.Host);
        Assert.Null(uri.Port);
        Assert.Null(uri.Username);
        Assert.Null(uri.Database);
    }

    [Fact]
    public void Bracketed_ipv6_host_with_port()
    {
        var uri = LibpqUri.TryParse("postgresql://app@[::1]:5433/db", out _);

        Assert.Equal("::1", uri!.Host);
        Assert.Equal(5433, uri.Port);
    }

    [Fact]
    public void Unix_socket_directory_through_host_parameter()
    {
        var uri = LibpqUri.TryParse("postgresql://monitor@/postgres?host=/var/run/postgresql", out var problem);

        Assert.Null(problem);
        Assert.Equal("/var/run/postgresql", uri!.Host);
        Assert.Equal("monitor", uri.Username);
        Assert.Equal("postgres", uri.Database);
    }

    [Theory]
    [InlineData("mysql://db/x", "must start with postgresql://")]
    [InlineData("postgresql://db:99999/x", "not a number from 1 to 65535")]
    [InlineData("postgresql://db:abc/x", "not a number from 1 to 65535")]
    [InlineData("postgresql://h1,h2/x", "several hosts")]
    [InlineData("postgresql://db/x?sslmode=sometimes", "sslmode 'sometimes'")]
    [InlineData("postgresql://db/x?connect_timeout=-1", "connect_timeout")]
    [InlineData("postgresql://db/x?target_session_attrs=any", "unsupported parameter 'target_session_attrs'")]
    [InlineData("postgresql://[::1/x", "closing ']'")]
    public void Malformed_uris_say_what_is_wrong(string text, string expected)
    {
        var uri = LibpqUri.TryParse(text, out var problem);

        Assert.Null(uri);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Problem_text_never_repeats_the_password()
    {
        LibpqUri.TryParse("postgresql://app:hunter2@db:99999/x", out var problem);

        Assert.DoesNotContain("hunter2", problem);
    }
}

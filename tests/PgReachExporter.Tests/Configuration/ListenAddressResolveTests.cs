using PgReachExporter.Configuration;

namespace PgReachExporter.Tests.Configuration;

/// <summary>--web.listen-address next to --urls: the scheme follows from whether the web configuration turns TLS on.</summary>
public sealed class ListenAddressResolveTests
{
    [Theory]
    [InlineData(null, null, false, "http://0.0.0.0:9930")]
    [InlineData(null, null, true, "https://0.0.0.0:9930")]
    [InlineData(null, "127.0.0.1:9100", false, "http://127.0.0.1:9100")]
    [InlineData(null, "127.0.0.1:9100", true, "https://127.0.0.1:9100")]
    [InlineData(null, "127.0.0.1:9100,[::1]:9100", true, "https://127.0.0.1:9100;https://[::1]:9100")]
    [InlineData("http://127.0.0.1:0", null, false, "http://127.0.0.1:0")]
    [InlineData("https://127.0.0.1:0", null, true, "https://127.0.0.1:0")]
    public void The_addresses_to_listen_on(string? urls, string? listen, bool tls, string expected)
    {
        Assert.Equal(expected, ListenAddresses.Resolve(urls, listen, tls));
    }

    [Theory]
    [InlineData("http://127.0.0.1:0", "127.0.0.1:1", false, "use one of them")]
    [InlineData("http://127.0.0.1:0", null, true, "is plain http, but the web configuration file turns TLS on")]
    [InlineData("https://127.0.0.1:0", null, false, "needs tls_server_config")]
    [InlineData(null, "127.0.0.1:9100x", true, "--web.listen-address: field 'urls': 'https://127.0.0.1:9100x' has port")]
    [InlineData(null, ":9100", false, "is not a listen address")]
    public void Mismatches_and_mistakes_are_refused(string? urls, string? listen, bool tls, string expected)
    {
        var ex = Assert.Throws<ConfigurationException>(() => ListenAddresses.Resolve(urls, listen, tls));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}

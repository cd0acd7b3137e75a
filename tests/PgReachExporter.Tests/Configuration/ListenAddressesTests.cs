using PgReachExporter.Configuration;

namespace PgReachExporter.Tests.Configuration;

/// <summary>--urls values Kestrel would misread (it binds http://[::]:80 for "http://127.0.0.1:26175x") are refused.</summary>
public sealed class ListenAddressesTests
{
    [Theory]
    [InlineData("http://127.0.0.1:26175x")]
    [InlineData("http://127.0.0.1:notaport")]
    [InlineData("http://127.0.0.1:")]
    [InlineData("http://127.0.0.1")]
    [InlineData("http://127.0.0.1:70000")]
    [InlineData("127.0.0.1:9930")]
    [InlineData("ftp://127.0.0.1:9930")]
    [InlineData("http://127.0.0.l:9930")]
    [InlineData("http://127.0.0.1:9930/metrics")]
    [InlineData("http://127.0.0.1:9930;http://[::1]:99x")]
    [InlineData("http://[zz::1]:9930")]
    public void Addresses_that_do_not_parse_are_refused(string urls)
    {
        var ex = Assert.Throws<ConfigurationException>(() => ListenAddresses.Validate(urls, "--urls"));

        Assert.Contains("field 'urls': ", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("http://0.0.0.0:9930")]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://[::1]:9930/")]
    [InlineData("http://localhost:9930")]
    [InlineData("http://*:9930")]
    [InlineData("http://+:9930")]
    [InlineData("https://[::]:9443")]
    [InlineData("http://127.0.0.1:9930; http://[::1]:9931")]
    public void Addresses_kestrel_reads_as_written_are_accepted(string urls)
    {
        ListenAddresses.Validate(urls, "--urls");
    }
}

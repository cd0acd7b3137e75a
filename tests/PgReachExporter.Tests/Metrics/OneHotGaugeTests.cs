using System.Text;
using PgReachExporter.Classification;
using PgReachExporter.Metrics;
using PgReachExporter.Observations;
using Prometheus;

namespace PgReachExporter.Tests.Metrics;

public sealed class OneHotGaugeTests
{
    private static OneHotGauge<TcpConnectResult> Family() => new("test_tcp_result", "Result: 1 for the current one.",
        ["target", "address"], "result", TcpConnectResults.All, TcpConnectResults.Label);

    [Fact]
    public async Task Writes_the_same_lines_as_a_prometheus_net_gauge_holding_every_value()
    {
        var family = Family();
        family.Set(TcpConnectResult.Refused, "orders", "127.0.0.2");
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var gauge = Prometheus.Metrics.WithCustomRegistry(registry).CreateGauge("test_tcp_result", "Result: 1 for the current one.", ["target", "address", "result"]);
        foreach (var result in TcpConnectResults.All)
        {
            gauge.WithLabels("orders", "127.0.0.2", result.Label()).Set(result == TcpConnectResult.Refused ? 1 : 0);
        }

        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);

        Assert.Equal(Encoding.UTF8.GetString(stream.ToArray()), await MetricsUnderTest.WriteFamilyAsync(family));
    }

    [Fact]
    public async Task Setting_again_moves_the_one_and_removing_drops_every_line_of_the_label_set()
    {
        var family = Family();
        family.Set(TcpConnectResult.Open, "orders", "127.0.0.1");
        family.Set(TcpConnectResult.Timeout, "orders", "127.0.0.1");
        family.Set(TcpConnectResult.Open, "billing", "127.0.0.1");

        var text = await MetricsUnderTest.WriteFamilyAsync(family);
        Assert.Contains("test_tcp_result{target=\"orders\",address=\"127.0.0.1\",result=\"timeout\"} 1\n", text);
        Assert.Contains("test_tcp_result{target=\"orders\",address=\"127.0.0.1\",result=\"open\"} 0\n", text);
        Assert.Equal(2 * TcpConnectResults.All.Length, text.Split('\n').Count(l => l.StartsWith("test_tcp_result{", StringComparison.Ordinal)));
        Assert.Equal(TcpConnectResult.Timeout, family.Get("orders", "127.0.0.1"));

        family.RemoveWhere(labels => labels[0] == "orders");

        text = await MetricsUnderTest.WriteFamilyAsync(family);
        Assert.DoesNotContain("orders", text);
        Assert.Contains("test_tcp_result{target=\"billing\",address=\"127.0.0.1\",result=\"open\"} 1\n", text);
        Assert.Null(family.Get("orders", "127.0.0.1"));
    }

    [Fact]
    public async Task Label_values_are_escaped()
    {
        var family = Family();
        family.Set(TcpConnectResult.Open, "a\"b\\c\nd", "::1");

        Assert.Contains("test_tcp_result{target=\"a\\\"b\\\\c\\nd\",address=\"::1\",result=\"open\"} 1\n", await MetricsUnderTest.WriteFamilyAsync(family));
    }

    [Fact]
    public void A_wrong_number_of_label_values_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Family().Set(TcpConnectResult.Open, "orders"));
        Assert.Contains("test_tcp_result takes 2 leading label values", error.Message);
    }

    [Fact]
    public async Task Output_larger_than_the_buffer_arrives_whole_and_in_order_per_label_set()
    {
        var family = new OneHotGauge<LoginResult>("test_login_result", "Login.", ["target"], "result", LoginResults.All, LoginResults.Label);
        const int Targets = 3_000; // 3,000 x 20 lines of about 60 bytes: several times the 64 KiB buffer
        for (var i = 0; i < Targets; i++)
        {
            family.Set(LoginResults.All[i % LoginResults.All.Length], $"target-{i:D5}-{new string('x', i % 50)}");
        }

        var lines = (await MetricsUnderTest.WriteFamilyAsync(family)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(2 + (Targets * LoginResults.All.Length), lines.Length);
        Assert.All(lines.Skip(2), line => Assert.Matches("^test_login_result\\{target=\"target-\\d{5}-x*\",result=\"[a-z_]+\"\\} [01]$", line));
        Assert.Equal(Targets, lines.Count(line => line.EndsWith("} 1", StringComparison.Ordinal)));
        Assert.Equal(Targets, lines.Where(l => l.EndsWith("} 1", StringComparison.Ordinal)).Select(l => l.Split('"')[1]).Distinct().Count());
    }

    [Fact]
    public async Task A_label_set_longer_than_the_buffer_is_written_whole()
    {
        var family = new OneHotGauge<LoginResult>("test_login_result", "Login.", ["target"], "result", LoginResults.All, LoginResults.Label);
        var name = new string('n', 100_000);
        family.Set(LoginResult.Ok, name);

        var text = await MetricsUnderTest.WriteFamilyAsync(family);

        Assert.Contains($"test_login_result{{target=\"{name}\",result=\"ok\"}} 1\n", text);
    }

    [Fact]
    public async Task Help_is_escaped_per_format()
    {
        var family = new OneHotGauge<LoginResult>("test_login_result", "Say \"ok\" \\ or\nnot.", ["target"], "result", LoginResults.All, LoginResults.Label);

        Assert.StartsWith("# HELP test_login_result Say \"ok\" \\\\ or\\nnot.\n# TYPE test_login_result gauge\n", await MetricsUnderTest.WriteFamilyAsync(family));
        Assert.StartsWith("# HELP test_login_result Say \\\"ok\\\" \\\\ or\\nnot.\n", await MetricsUnderTest.WriteFamilyAsync(family, ExpositionFormat.OpenMetricsText));
    }
}

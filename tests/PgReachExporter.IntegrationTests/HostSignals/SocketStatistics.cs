using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using PgReachExporter.IntegrationTests.Infrastructure;

namespace PgReachExporter.IntegrationTests.HostSignals;

/// <summary>What `ss -tlnp` (iproute2) prints for the listening sockets on one port, as (address, family, process).</summary>
internal static partial class SocketStatistics
{
    public static async Task<HashSet<(string Address, string Family, string Process)>> ListenersAsync(int port, int? namespaceOfPid = null)
    {
        string[] ss = ["ss", "-H", "-t", "-l", "-n", "-p", $"sport = :{port.ToString(CultureInfo.InvariantCulture)}"];
        string[] command = namespaceOfPid is { } pid ? ["nsenter", $"--net=/proc/{pid.ToString(CultureInfo.InvariantCulture)}/ns/net", .. ss] : ss;
        var result = await OsCommand.RunCheckedAsync(command[0], command[1..], TimeSpan.FromSeconds(10));
        return [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse)];
    }

    // LISTEN 0      200    127.0.0.1:41915 0.0.0.0:* users:(("postgres",pid=9041,fd=6))
    private static (string Address, string Family, string Process) Parse(string line)
    {
        var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var local = columns[3];
        var host = local[..local.LastIndexOf(':')].Trim('[', ']');
        var address = host == "*" ? IPAddress.IPv6Any : IPAddress.Parse(host);
        var family = address.IsIPv4MappedToIPv6 ? "ipv4_mapped" : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "ipv4" : "ipv6";
        var process = ProcessName().Match(line) is { Success: true } match ? match.Groups["name"].Value : "unknown";
        return ((address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString(), family, process);
    }

    [GeneratedRegex(@"users:\(\(""(?<name>[^""]+)""")]
    private static partial Regex ProcessName();
}

using System.Globalization;
using PgReachExporter.Classification;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;
using PgReachExporter.Probes;

namespace PgReachExporter.Diagnosis;

/// <summary>Short facts for findings, written the same way everywhere ("tcp 127.0.0.2:5432 refused in 0.3 ms").</summary>
internal static class EvidenceText
{
    public static string Endpoint(string address, int port) => address.Contains(':') ? $"[{address}]:{port}" : $"{address}:{port}";

    public static string Tcp(TcpObservation tcp, int port)
    {
        var where = tcp.Family == AddressFamilies.Unix ? $"unix socket {tcp.Address}" : $"tcp {Endpoint(tcp.Address, port)}";
        return tcp.Result switch
        {
            TcpConnectResult.Open => $"{where} open in {Duration(tcp.Duration)}",
            TcpConnectResult.Refused when tcp.Problem == "no socket file" => $"{where} does not exist",
            TcpConnectResult.Refused => $"{where} refused in {Duration(tcp.Duration)}",
            TcpConnectResult.Timeout => $"{where} no answer within {Duration(tcp.Duration)}",
            _ => $"{where} {tcp.Result.Label()} ({tcp.Problem ?? "no detail"}) in {Duration(tcp.Duration)}",
        };
    }

    public static string Dns(DnsObservation dns, string host) => dns.Result switch
    {
        DnsLookupResult.Ok => $"dns {host} -> {string.Join(", ", dns.Addresses)} in {Duration(dns.Duration)}",
        DnsLookupResult.NotFound => $"dns {host}: no such host ({dns.Problem ?? "no addresses"})",
        DnsLookupResult.Timeout => $"dns {host}: no answer within {Duration(dns.Duration)}",
        _ => $"dns {host}: lookup failed ({dns.Problem ?? "no detail"})",
    };

    public static string Login(LoginObservation login, TargetDefinition target)
    {
        var who = $"login as {target.Username} to {target.Database}";
        if (login.Succeeded)
        {
            return login.ServerVersion is { } version
                ? $"{who} ok in {Duration(login.Duration)} (PostgreSQL {version.Major}.{Math.Max(0, version.Minor)})"
                : $"{who} ok in {Duration(login.Duration)}";
        }

        if (login.Skipped)
        {
            // "failed after 0.0 ms" would claim an attempt that was never made.
            var transport = login.Result == LoginResult.Timeout ? "timed out" : "refused";
            return $"{who} not attempted: every address {transport} its TCP connect in this cycle (reported as {login.Result.Label()})";
        }

        var problem = login.Problem is null ? "" : $": {login.Problem}";
        return $"{who} failed after {Duration(login.Duration)}, {login.Result.Label()}{problem}";
    }

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan duration) => duration.TotalMilliseconds switch
    {
        < 10 => $"{duration.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)} ms",
        < 1000 => $"{duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms",
        _ => $"{duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s",
    };
}

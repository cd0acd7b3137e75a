using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes;

/// <summary>Resolves a host to all its addresses (A and AAAA) within the caller's deadline.</summary>
internal sealed class DnsProbe(TimeProvider time)
{
    public async Task<DnsObservation> ResolveAsync(string host, TimeSpan timeout, CancellationToken stopping)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return new(DnsLookupResult.Ok, [literal], TimeSpan.Zero, null);
        }

        var started = time.GetTimestamp();
        using var deadline = Deadline.After(timeout, time, stopping);
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, AddressFamily.Unspecified, deadline.Token).ConfigureAwait(false);
            var distinct = addresses.Distinct().OrderBy(a => a.AddressFamily).ToImmutableArray();
            return distinct.IsEmpty
                ? new(DnsLookupResult.NotFound, [], time.GetElapsedTime(started), "no addresses")
                : new(DnsLookupResult.Ok, distinct, time.GetElapsedTime(started), null);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return new(DnsLookupResult.Timeout, [], time.GetElapsedTime(started), $"no answer within {timeout.TotalSeconds:0.###}s");
        }
        catch (SocketException ex)
        {
            var result = ex.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData ? DnsLookupResult.NotFound : DnsLookupResult.Error;
            return new(result, [], time.GetElapsedTime(started), ex.SocketErrorCode.ToString());
        }
        catch (Exception ex) when (ex is ArgumentException)
        {
            return new(DnsLookupResult.Error, [], time.GetElapsedTime(started), "invalid host name");
        }
    }
}

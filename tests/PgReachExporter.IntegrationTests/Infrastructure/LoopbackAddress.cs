using System.Net;

namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>Guards the network rule: test listeners and probes stay on loopback.</summary>
internal static class LoopbackAddress
{
    public static void Require(IPAddress address)
    {
        if (!IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"{address} is not a loopback address; tests only use 127.0.0.0/8 and ::1.", nameof(address));
        }
    }
}

using System.Net;

namespace PgReachExporter.Lab;

/// <summary>Guards the network rule: lab and test listeners stay on loopback.</summary>
internal static class LoopbackAddress
{
    public static void Require(IPAddress address)
    {
        if (!IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"{address} is not a loopback address; the lab and the tests only use 127.0.0.0/8 and ::1.", nameof(address));
        }
    }
}

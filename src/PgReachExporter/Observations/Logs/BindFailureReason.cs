using System.Net.Sockets;
using PgReachExporter.Observations;

namespace PgReachExporter.Observations;

/// <summary>Why a bind failed, from the error text PostgreSQL appends.</summary>
internal enum BindFailureReason
{
    /// <summary>EADDRINUSE: another process (often another postmaster) holds the address and port.</summary>
    AddressInUse,

    /// <summary>EADDRNOTAVAIL: the address is not one of this machine's (or IPv6 is off).</summary>
    AddressNotAvailable,

    /// <summary>Any other error (socket() or listen() failed, permission, ...).</summary>
    Other,
}

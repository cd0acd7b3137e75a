using System.Collections.Immutable;
using System.Globalization;

namespace PgReachExporter.Observations;

/// <summary>The process that holds a socket.</summary>
/// <param name="ProcessName">Its /proc/PID/comm (at most 15 characters).</param>
/// <param name="IsPostgres">True when the name is that of a PostgreSQL server process.</param>
internal sealed record SocketOwner(int Pid, string ProcessName, bool IsPostgres);

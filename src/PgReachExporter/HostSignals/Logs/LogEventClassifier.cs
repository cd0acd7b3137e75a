using System.Globalization;
using System.Net.Sockets;
using PgReachExporter.Observations;
using M = PgReachExporter.HostSignals.PostgresLogMessages;

namespace PgReachExporter.HostSignals;

/// <summary>
/// Pure mapping from a log record to at most one <see cref="LogEvent"/>. English message texts decide
/// first (they are the only key in stderr logs); where the text is not recognised, a SQLSTATE that names
/// exactly one event (28P01, 53300) still decides, so those two survive a translated lc_messages.
/// </summary>
internal static class LogEventClassifier
{
    public static LogEventMatch? Classify(LogRecord record)
    {
        string message = record.Message;
        if (message.Length == 0)
        {
            return null;
        }

        LogEventMatch? byText = message[0] switch
        {
            'l' => ClassifyListening(message),
            'c' => ClassifyCouldNot(message) ?? ClassifyConfigFile(message),
            'n' => message.StartsWith(M.NoHbaEntryPrefix, StringComparison.Ordinal) ? new LogEventMatch(LogEvent.NoHbaEntry)
                : message == M.NoListenSockets ? new LogEventMatch(LogEvent.NoListenSocket)
                : null,
            'p' => message.StartsWith(M.HbaRejectPrefix, StringComparison.Ordinal) ? new LogEventMatch(LogEvent.HbaReject)
                : message.StartsWith(M.PasswordFailedPrefix, StringComparison.Ordinal) ? new LogEventMatch(LogEvent.PasswordFailed)
                : null,
            's' or 'r' or 't' => IsTooManyClients(message) ? new LogEventMatch(LogEvent.TooManyClients) : null,
            _ => null,
        };

        return byText
            ?? ClassifyNotReloaded(message)
            ?? ClassifyBySqlState(record.SqlState);
    }

    /// <summary>Tells whether the record marks a postmaster start, readiness or shutdown.</summary>
    public static PostmasterPhase Phase(LogRecord record)
    {
        string message = record.Message;
        if (message.StartsWith(M.StartingPrefix, StringComparison.Ordinal))
        {
            return PostmasterPhase.Starting;
        }

        if (message.StartsWith(M.ReadyPrefix, StringComparison.Ordinal))
        {
            return PostmasterPhase.Ready;
        }

        return message == M.ShutDown ? PostmasterPhase.ShutDown : PostmasterPhase.None;
    }

    private static LogEventMatch? ClassifyBySqlState(string? sqlState) => sqlState switch
    {
        PostgresSqlStates.InvalidPassword => new LogEventMatch(LogEvent.PasswordFailed),
        PostgresSqlStates.TooManyConnections => new LogEventMatch(LogEvent.TooManyClients),
        _ => null,
    };

    private static LogEventMatch? ClassifyListening(string message)
    {
        // listening on IPv4 address "127.0.0.1", port 5432
        if (!message.StartsWith(M.ListeningPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        ReadOnlySpan<char> rest = message.AsSpan(M.ListeningPrefix.Length);
        if (!TryReadFamily(ref rest, out AddressFamily family) || family == AddressFamily.Unix
            || !TryReadQuotedAddress(ref rest, out string address)
            || !rest.StartsWith(", port ", StringComparison.Ordinal)
            || !int.TryParse(rest[7..], NumberStyles.None, CultureInfo.InvariantCulture, out int port))
        {
            return null;
        }

        return new LogEventMatch(LogEvent.Listening, family, address, port);
    }

    private static LogEventMatch? ClassifyCouldNot(string message)
    {
        if (message is M.NoTcpSockets or M.NoUnixSockets)
        {
            return new LogEventMatch(LogEvent.NoListenSocket);
        }

        ReadOnlySpan<char> rest;
        if (message.StartsWith(M.CouldNotBindPrefix, StringComparison.Ordinal))
        {
            rest = message.AsSpan(M.CouldNotBindPrefix.Length);
        }
        else if (message.StartsWith(M.CouldNotListenPrefix, StringComparison.Ordinal))
        {
            rest = message.AsSpan(M.CouldNotListenPrefix.Length);
        }
        else if (message.StartsWith(M.CouldNotCreateSocketPrefix, StringComparison.Ordinal))
        {
            // could not create IPv6 socket for address "::1": Address family not supported by protocol
            rest = message.AsSpan(M.CouldNotCreateSocketPrefix.Length);
        }
        else
        {
            return null;
        }

        if (!TryReadFamily(ref rest, out AddressFamily family))
        {
            return null;
        }

        if (rest.StartsWith("socket for ", StringComparison.Ordinal))
        {
            rest = rest["socket for ".Length..];
        }

        string? address = TryReadQuotedAddress(ref rest, out string quoted) ? quoted : null;
        int colon = rest.IndexOf(": ", StringComparison.Ordinal);
        ReadOnlySpan<char> error = colon >= 0 ? rest[(colon + 2)..] : [];
        return new LogEventMatch(LogEvent.CouldNotBind, family, address, BindFailure: ReasonOf(error));
    }

    private static LogEventMatch? ClassifyConfigFile(string message) =>
        message.StartsWith(M.ConfigFileErrorsPrefix, StringComparison.Ordinal)
        && message.Contains(M.ConfigFileErrorsMarker, StringComparison.Ordinal)
            ? new LogEventMatch(LogEvent.ConfigFileErrors)
            : null;

    private static LogEventMatch? ClassifyNotReloaded(string message) =>
        message.EndsWith(M.NotReloadedSuffix, StringComparison.Ordinal) && message.Length > M.NotReloadedSuffix.Length
            ? new LogEventMatch(LogEvent.HbaNotReloaded)
            : null;

    private static bool IsTooManyClients(string message) =>
        message == M.TooManyClients
        || message.StartsWith(M.ReservedSlotsPrefix, StringComparison.Ordinal)
        || message.StartsWith(M.TooManyForRolePrefix, StringComparison.Ordinal)
        || message.StartsWith(M.TooManyForDatabasePrefix, StringComparison.Ordinal);

    private static BindFailureReason ReasonOf(ReadOnlySpan<char> error)
    {
        if (error.StartsWith(M.AddressInUse, StringComparison.Ordinal) || error.StartsWith(M.WindowsAddressInUse, StringComparison.Ordinal))
        {
            return BindFailureReason.AddressInUse;
        }

        return error.StartsWith(M.CannotAssignAddress, StringComparison.Ordinal) || error.StartsWith(M.AddressNotAvailable, StringComparison.Ordinal)
            ? BindFailureReason.AddressNotAvailable
            : BindFailureReason.Other;
    }

    private static bool TryReadFamily(ref ReadOnlySpan<char> rest, out AddressFamily family)
    {
        family = AddressFamily.Unknown;
        if (rest.StartsWith("IPv4 ", StringComparison.Ordinal))
        {
            family = AddressFamily.InterNetwork;
        }
        else if (rest.StartsWith("IPv6 ", StringComparison.Ordinal))
        {
            family = AddressFamily.InterNetworkV6;
        }
        else if (rest.StartsWith("Unix ", StringComparison.Ordinal))
        {
            family = AddressFamily.Unix;
        }
        else
        {
            return false;
        }

        rest = rest[5..];
        return true;
    }

    private static bool TryReadQuotedAddress(ref ReadOnlySpan<char> rest, out string address)
    {
        // address "127.0.0.1"   (the word before the quote is "address" in all these messages)
        address = string.Empty;
        int open = rest.IndexOf('"');
        if (open < 0)
        {
            return false;
        }

        int close = rest[(open + 1)..].IndexOf('"');
        if (close < 0)
        {
            return false;
        }

        address = rest.Slice(open + 1, close).ToString();
        rest = rest[(open + 1 + close + 1)..];
        return true;
    }
}

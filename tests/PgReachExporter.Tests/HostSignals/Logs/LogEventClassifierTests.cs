using System.Net.Sockets;
using PgReachExporter.Configuration;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;

namespace PgReachExporter.Tests.HostSignals.Logs;

public sealed class LogEventClassifierTests
{
    // One line per event and format, as PostgreSQL 16-18 write them (see TestData for whole files).
    public static TheoryData<string, string, string> EventLines() => new()
    {
        { nameof(LogEvent.PasswordFailed), nameof(LogFormat.Stderr), "2026-11-29 11:18:20.456 UTC [8921] alice@postgres FATAL:  password authentication failed for user \"alice\"" },
        { nameof(LogEvent.PasswordFailed), nameof(LogFormat.Csv), "2026-11-29 11:18:20.456 UTC,\"alice\",\"postgres\",8921,\"127.0.0.1:40916\",6b0c09fc.22d9,1,\"authentication\",2026-11-29 11:18:20 UTC,3/3,0,FATAL,28P01,\"password authentication failed for user \"\"alice\"\"\",\"Connection matched file \"\"/etc/postgresql/16/main/pg_hba.conf\"\" line 3: \"\"host all all 127.0.0.1/32 scram-sha-256\"\"\",,,,,,,,\"\",\"client backend\",,0" },
        { nameof(LogEvent.PasswordFailed), nameof(LogFormat.Json), "{\"timestamp\":\"2026-11-29 11:18:20.456 UTC\",\"user\":\"alice\",\"dbname\":\"postgres\",\"pid\":8921,\"error_severity\":\"FATAL\",\"state_code\":\"28P01\",\"message\":\"password authentication failed for user \\\"alice\\\"\",\"backend_type\":\"client backend\",\"query_id\":0}" },
        { nameof(LogEvent.HbaReject), nameof(LogFormat.Stderr), "2026-11-29 11:18:20.464 UTC [8923] baduser@postgres FATAL:  pg_hba.conf rejects connection for host \"127.0.0.1\", user \"baduser\", database \"postgres\", no encryption" },
        { nameof(LogEvent.HbaReject), nameof(LogFormat.Csv), "2026-11-29 11:18:20.464 UTC,\"baduser\",\"postgres\",8923,\"127.0.0.1:40928\",6b0c09fc.22db,1,\"authentication\",2026-11-29 11:18:20 UTC,3/4,0,FATAL,28000,\"pg_hba.conf rejects connection for host \"\"127.0.0.1\"\", user \"\"baduser\"\", database \"\"postgres\"\", no encryption\",,,,,,,,,\"\",\"client backend\",,0" },
        { nameof(LogEvent.HbaReject), nameof(LogFormat.Json), "{\"timestamp\":\"2026-11-29 11:18:20.464 UTC\",\"error_severity\":\"FATAL\",\"state_code\":\"28000\",\"message\":\"pg_hba.conf rejects replication connection for host \\\"10.1.2.3\\\", user \\\"repl\\\", SSL encryption\"}" },
        { nameof(LogEvent.NoHbaEntry), nameof(LogFormat.Stderr), "2026-11-29 11:18:20.472 UTC [8925] alice@appdb FATAL:  no pg_hba.conf entry for host \"::1\", user \"alice\", database \"appdb\", no encryption" },
        { nameof(LogEvent.NoHbaEntry), nameof(LogFormat.Csv), "2026-11-29 11:18:20.472 UTC,\"alice\",\"appdb\",8925,\"::1:55666\",6b0c09fc.22dd,1,\"authentication\",2026-11-29 11:18:20 UTC,3/5,0,FATAL,28000,\"no pg_hba.conf entry for host \"\"::1\"\", user \"\"alice\"\", database \"\"appdb\"\", no encryption\",,,,,,,,,\"\",\"client backend\",,0" },
        { nameof(LogEvent.NoHbaEntry), nameof(LogFormat.Json), "{\"timestamp\":\"2026-11-29 11:18:20.472 UTC\",\"error_severity\":\"FATAL\",\"state_code\":\"28000\",\"message\":\"no pg_hba.conf entry for replication connection from host \\\"10.1.2.3\\\", user \\\"repl\\\", GSS encryption\"}" },
        { nameof(LogEvent.TooManyClients), nameof(LogFormat.Stderr), "2026-11-29 11:18:24.013 UTC [8962] postgres@postgres FATAL:  sorry, too many clients already" },
        { nameof(LogEvent.TooManyClients), nameof(LogFormat.Stderr), "2026-11-29 11:18:22.501 UTC [8956] alice@postgres FATAL:  remaining connection slots are reserved for roles with the SUPERUSER attribute" },
        { nameof(LogEvent.TooManyClients), nameof(LogFormat.Stderr), "2026-11-29 11:18:22.501 UTC [8956] alice@postgres FATAL:  too many connections for role \"alice\"" },
        { nameof(LogEvent.TooManyClients), nameof(LogFormat.Csv), "2026-11-29 11:18:24.013 UTC,\"postgres\",\"postgres\",8962,\"[local]\",6b0c09e3.20db,1,\"initializing\",2026-11-29 11:18:24 UTC,,0,FATAL,53300,\"sorry, too many clients already\",,,,,,,,,\"\",\"client backend\",,0" },
        { nameof(LogEvent.TooManyClients), nameof(LogFormat.Json), "{\"timestamp\":\"2026-11-29 11:18:24.013 UTC\",\"error_severity\":\"FATAL\",\"state_code\":\"53300\",\"message\":\"too many connections for database \\\"appdb\\\"\"}" },
        { nameof(LogEvent.HbaNotReloaded), nameof(LogFormat.Stderr), "2026-11-29 11:17:38.684 UTC [8079] LOG:  pg_hba.conf was not reloaded" },
        { nameof(LogEvent.HbaNotReloaded), nameof(LogFormat.Csv), "2026-11-29 11:18:26.530 UTC,,,8909,,6b0c09fc.22cd,8,,2026-11-29 11:18:20 UTC,,0,LOG,00000,\"/etc/postgresql/16/main/pg_hba.conf was not reloaded\",,,,,,,,,\"\",\"postmaster\",,0" },
        { nameof(LogEvent.HbaNotReloaded), nameof(LogFormat.Json), "{\"timestamp\":\"2026-11-29 11:18:26.530 UTC\",\"error_severity\":\"LOG\",\"message\":\"/var/lib/postgresql/data/pg_ident.conf was not reloaded\",\"backend_type\":\"postmaster\"}" },
        { nameof(LogEvent.ConfigFileErrors), nameof(LogFormat.Stderr), "2026-11-29 11:18:27.541 UTC [8909] LOG:  configuration file \"/etc/postgresql/16/main/postgresql.conf\" contains errors; unaffected changes were applied" },
        { nameof(LogEvent.ConfigFileErrors), nameof(LogFormat.Csv), "2026-11-29 11:18:28.553 UTC,,,8909,,6b0c09fc.22cd,14,,2026-11-29 11:18:20 UTC,,0,LOG,F0000,\"configuration file \"\"/etc/postgresql/16/main/postgresql.conf\"\" contains errors; no changes were applied\",,,,,,,,,\"\",\"postmaster\",,0" },
        { nameof(LogEvent.ConfigFileErrors), nameof(LogFormat.Json), "{\"timestamp\":\"2026-11-29 11:18:28.553 UTC\",\"error_severity\":\"FATAL\",\"state_code\":\"F0000\",\"message\":\"configuration file \\\"/var/lib/postgresql/data/postgresql.conf\\\" contains errors\"}" },
        { nameof(LogEvent.NoListenSocket), nameof(LogFormat.Stderr), "2026-11-29 11:18:31.274 UTC [9041] FATAL:  could not create any TCP/IP sockets" },
        { nameof(LogEvent.NoListenSocket), nameof(LogFormat.Csv), "2026-11-29 11:18:31.274 UTC,,,9041,,6b0c0a07.2351,8,,2026-11-29 11:18:31 UTC,,0,FATAL,XX000,\"could not create any TCP/IP sockets\",,,,,,,,,\"\",\"postmaster\",,0" },
        { nameof(LogEvent.NoListenSocket), nameof(LogFormat.Json), "{\"timestamp\":\"2026-11-29 11:18:31.274 UTC\",\"error_severity\":\"FATAL\",\"state_code\":\"XX000\",\"message\":\"no socket created for listening\"}" },
        { nameof(LogEvent.CouldNotBind), nameof(LogFormat.Stderr), "2026-11-29 11:18:31.273 UTC [9041] LOG:  could not bind IPv4 address \"127.0.0.1\": Address already in use" },
        { nameof(LogEvent.CouldNotBind), nameof(LogFormat.Csv), "2026-11-29 11:18:31.517 UTC,,,9106,,6b0c0a07.2392,2,,2026-11-29 11:18:31 UTC,,0,LOG,XX000,\"could not bind IPv6 address \"\"2001:db8::1\"\": Cannot assign requested address\",,,,,,,,,\"\",\"postmaster\",,0" },
        { nameof(LogEvent.CouldNotBind), nameof(LogFormat.Json), "{\"timestamp\":\"2026-11-29 11:18:31.274 UTC\",\"error_severity\":\"LOG\",\"state_code\":\"XX000\",\"message\":\"could not bind IPv6 address \\\"::\\\": Address not available\",\"hint\":\"Is another postmaster already running on port 5432? If not, wait a few seconds and retry.\"}" },
        { nameof(LogEvent.Listening), nameof(LogFormat.Stderr), "2026-11-29 11:18:31.960 UTC [9128] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432" },
        { nameof(LogEvent.Listening), nameof(LogFormat.Csv), "2026-11-29 11:18:31.964 UTC,,,9128,,6b0c0a07.23a8,3,,2026-11-29 11:18:31 UTC,,0,LOG,00000,\"listening on IPv6 address \"\"::\"\", port 5432\",,,,,,,,,\"\",\"postmaster\",,0" },
        { nameof(LogEvent.Listening), nameof(LogFormat.Json), "{\"timestamp\":\"2026-11-29 11:18:31.964 UTC\",\"error_severity\":\"LOG\",\"message\":\"listening on IPv6 address \\\"fe80::1%eth0\\\", port 5432\",\"backend_type\":\"postmaster\"}" },
    };

    [Theory]
    [MemberData(nameof(EventLines))]
    public void Each_event_is_recognised_in_each_format(string expected, string format, string line)
    {
        LogRecord record = Assert.Single(RecordedLogs.Parse(Enum.Parse<LogFormat>(format), [line]));

        Assert.Equal(Enum.Parse<LogEvent>(expected), LogEventClassifier.Classify(record)?.Event);
    }

    [Theory]
    [InlineData("could not bind IPv4 address \"127.0.0.1\": Address already in use", AddressFamily.InterNetwork, "127.0.0.1", nameof(BindFailureReason.AddressInUse))]
    [InlineData("could not bind IPv6 address \"::1\": Address already in use", AddressFamily.InterNetworkV6, "::1", nameof(BindFailureReason.AddressInUse))]
    [InlineData("could not bind IPv4 address \"192.0.2.1\": Cannot assign requested address", AddressFamily.InterNetwork, "192.0.2.1", nameof(BindFailureReason.AddressNotAvailable))]
    [InlineData("could not bind IPv6 address \"::\": Address not available", AddressFamily.InterNetworkV6, "::", nameof(BindFailureReason.AddressNotAvailable))]
    [InlineData("could not create IPv6 socket for address \"::1\": Address family not supported by protocol", AddressFamily.InterNetworkV6, "::1", nameof(BindFailureReason.Other))]
    [InlineData("could not listen on IPv4 address \"0.0.0.0\": Permission denied", AddressFamily.InterNetwork, "0.0.0.0", nameof(BindFailureReason.Other))]
    [InlineData("could not bind Unix address \"/run/postgresql/.s.PGSQL.5432\": Address already in use", AddressFamily.Unix, "/run/postgresql/.s.PGSQL.5432", nameof(BindFailureReason.AddressInUse))]
    [InlineData("could not bind IPv4 socket: Address already in use", AddressFamily.InterNetwork, null, nameof(BindFailureReason.AddressInUse))]
    public void Bind_failure_names_family_address_and_reason(string message, AddressFamily family, string? address, string reason)
    {
        LogEventMatch? match = LogEventClassifier.Classify(new LogRecord(null, "LOG", null, message));

        Assert.Equal(new LogEventMatch(LogEvent.CouldNotBind, family, address, null, Enum.Parse<BindFailureReason>(reason)), match);
    }

    [Theory]
    [InlineData("listening on IPv4 address \"127.0.0.1\", port 5432", AddressFamily.InterNetwork, "127.0.0.1", 5432)]
    [InlineData("listening on IPv6 address \"::\", port 6543", AddressFamily.InterNetworkV6, "::", 6543)]
    public void Listening_line_names_family_address_and_port(string message, AddressFamily family, string address, int port)
    {
        LogEventMatch? match = LogEventClassifier.Classify(new LogRecord(null, "LOG", "00000", message));

        Assert.Equal(new LogEventMatch(LogEvent.Listening, family, address, port), match);
    }

    [Theory]
    [InlineData("listening on Unix socket \"/tmp/.s.PGSQL.5432\"")]
    [InlineData("could not create listen socket for \"127.0.0.1\"")]
    [InlineData("could not create lock file \"/tmp/.s.PGSQL.5432.lock\": Permission denied")]
    [InlineData("invalid CIDR mask in address \"10.0.0.0/33\"")]
    [InlineData("received SIGHUP, reloading configuration files")]
    [InlineData("database system is ready to accept connections")]
    [InlineData("connection authorized: user=alice database=postgres")]
    [InlineData("was not reloaded")]
    [InlineData("")]
    public void Other_messages_are_no_event(string message)
    {
        Assert.Null(LogEventClassifier.Classify(new LogRecord(null, "LOG", "00000", message)));
    }

    [Fact]
    public void Per_address_warning_after_a_bind_failure_is_not_counted_twice()
    {
        string[] lines = RecordedLogs.Lines("pg18", "bind.csv");

        int events = RecordedLogs.Parse(LogFormat.Csv, lines)
            .Count(r => LogEventClassifier.Classify(r)?.Event == LogEvent.CouldNotBind);

        Assert.Equal(5, events);
    }

    // German texts from PostgreSQL 15's catalogue (lc_messages = 'de_DE.UTF-8'); the SQLSTATE is the same.
    [Theory]
    [InlineData(nameof(LogFormat.Csv), "2026-11-29 11:18:20.456 UTC,\"alice\",\"postgres\",8921,\"127.0.0.1:40916\",6b0c09fc.22d9,1,\"authentication\",2026-11-29 11:18:20 UTC,3/3,0,FATAL,28P01,\"Passwort-Authentifizierung für Benutzer »alice« fehlgeschlagen\",,,,,,,,,\"\",\"client backend\",,0", nameof(LogEvent.PasswordFailed))]
    [InlineData(nameof(LogFormat.Json), "{\"timestamp\":\"2026-11-29 11:18:24.013 UTC\",\"error_severity\":\"FATAL\",\"state_code\":\"53300\",\"message\":\"tut mir leid, schon zu viele Verbindungen\"}", nameof(LogEvent.TooManyClients))]
    [InlineData(nameof(LogFormat.Json), "{\"timestamp\":\"2026-11-29 11:18:24.013 UTC\",\"error_severity\":\"FATAL\",\"state_code\":\"53300\",\"message\":\"die verbleibenden Verbindungen sind für Superuser auf Nicht-Replikationsverbindungen reserviert\"}", nameof(LogEvent.TooManyClients))]
    public void Translated_messages_with_a_telling_sqlstate_are_still_recognised(string format, string line, string expected)
    {
        LogRecord record = Assert.Single(RecordedLogs.Parse(Enum.Parse<LogFormat>(format), [line]));

        Assert.Equal(Enum.Parse<LogEvent>(expected), LogEventClassifier.Classify(record)?.Event);
    }

    [Theory]
    [InlineData("28000", "kein pg_hba.conf-Eintrag für Host »::1«, Benutzer »alice«, Datenbank »appdb«, keine Verschlüsselung")]
    [InlineData("XX000", "konnte IPv4-Adresse »127.0.0.1« nicht binden: Die Adresse wird bereits verwendet")]
    [InlineData("F0000", "Konfigurationsdatei »/etc/postgresql/15/main/postgresql.conf« enthält Fehler; nicht betroffene Änderungen wurden durchgeführt")]
    public void Translated_messages_with_a_shared_sqlstate_are_no_event(string sqlState, string message)
    {
        Assert.Null(LogEventClassifier.Classify(new LogRecord(null, "FATAL", sqlState, message)));
    }

    [Theory]
    [InlineData("starting PostgreSQL 18.4 on x86_64-pc-linux-gnu, compiled by gcc 12.2.0, 64-bit", nameof(PostmasterPhase.Starting))]
    [InlineData("database system is ready to accept connections", nameof(PostmasterPhase.Ready))]
    [InlineData("database system is ready to accept read-only connections", nameof(PostmasterPhase.Ready))]
    [InlineData("database system is shut down", nameof(PostmasterPhase.ShutDown))]
    [InlineData("database system was shut down at 2026-11-29 11:18:19 UTC", nameof(PostmasterPhase.None))]
    public void Postmaster_phase_lines_are_recognised(string message, string expected)
    {
        Assert.Equal(Enum.Parse<PostmasterPhase>(expected), LogEventClassifier.Phase(new LogRecord(null, "LOG", null, message)));
    }
}

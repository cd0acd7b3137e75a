using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace PgReachExporter.Configuration;

/// <summary>The server-side parts of a target: Monitoring, ExpectedClients and Expect.</summary>
internal static partial class AgentSettingsReader
{
    private const string MonitoringField = "Monitoring";
    private const string ExpectedClientsField = "ExpectedClients";
    private const string ExpectField = "Expect";
    private const int MaxExpectedClients = 100;

    private static readonly HashSet<string> MonitoringFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "Uri", "Host", "Port", "Database", "Username", "Password", "PasswordFile", "SslMode", "ConnectTimeout", "StatementTimeout", "ReadServerLog",
    };

    private static readonly HashSet<string> ExpectedClientFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "Name", "Address", "Database", "User", "Type",
    };

    private static readonly HashSet<string> ExpectFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "Port", "VersionMajor", "SystemIdentifier",
    };

    /// <summary>What a monitoring connection inherits from its target when it does not say otherwise.</summary>
    private sealed record MonitoringDefaults(string Host, int Port, SslMode SslMode, TimeSpan ConnectTimeout, TimeSpan Interval);

    private static MonitoringDefinition? ReadMonitoring(
        SectionFields target, MonitoringDefaults defaults, string source, string label, List<ConfigurationError> errors)
    {
        var section = target.Raw(MonitoringField);
        if (section is null)
        {
            return null;
        }

        var before = errors.Count;
        void Fail(string field, string problem) => errors.Add(new(source, label, field.Length == 0 ? MonitoringField : $"{MonitoringField}:{field}", problem));
        var fields = new SectionFields(section, Fail);

        // "Monitoring": "postgresql://..." is short for "Monitoring": { "Uri": "postgresql://..." }.
        string? shorthand = null;
        if (section.Value is not null)
        {
            shorthand = target.Scalar(MonitoringField);
            if (shorthand is null)
            {
                return null;
            }
        }
        else if (fields.Count == 0)
        {
            Fail("", "is empty; give a Uri or a Username (or leave Monitoring out)");
            return null;
        }

        foreach (var key in fields.Keys.Where(k => !MonitoringFields.Contains(k)))
        {
            Fail(key, $"unknown field (known: {string.Join(", ", MonitoringFields.Order())})");
        }

        var fromUri = ReadUri(shorthand ?? fields.Scalar("Uri"), fields, Fail);
        if (fromUri.SslRootCert is not null || fromUri.SslCert is not null || fromUri.SslKey is not null
            || fromUri.SslMinProtocolVersion is not null || fromUri.SslMaxProtocolVersion is not null)
        {
            // Not silently ignored: the monitoring connection does not take TLS files or version limits (yet).
            Fail("Uri", "sslrootcert, sslcert, sslkey, ssl_min_protocol_version and ssl_max_protocol_version are not supported for the monitoring connection; use a Unix socket or sslmode require");
        }

        var username = fromUri.Username ?? ReadIdentifier(fields, "Username", Fail);
        if (username is null && !fields.Has("Username"))
        {
            Fail("Username", "is required: the monitoring connection has its own role (see docs/monitoring-role.md)");
        }

        var hostField = fields.Scalar("Host");
        if (hostField is not null && HostName.Problem(hostField) is { } hostProblem)
        {
            Fail("Host", hostProblem);
        }

        var host = NullIfBlank(fromUri.Host) ?? hostField ?? defaults.Host;
        var port = fromUri.Port ?? ReadPort(fields.Scalar("Port"), Fail) ?? defaults.Port;
        var database = fromUri.Database ?? ReadIdentifier(fields, "Database", Fail) ?? MonitoringDefinition.DefaultDatabase;
        ValidateIdentifier(fromUri.Username, "Uri", "user name", Fail);
        ValidateIdentifier(fromUri.Database, "Uri", "database", Fail);
        var sslMode = fromUri.SslMode ?? ReadSslMode(fields.Scalar("SslMode"), Fail) ?? defaults.SslMode;
        var password = ReadPassword(fields, fromUri.Password, Fail);
        var timeout = fromUri.ConnectTimeout ?? ReadDuration(fields, "ConnectTimeout", DurationBounds.Timeout, Fail) ?? defaults.ConnectTimeout;
        var statementTimeout = ReadDuration(fields, "StatementTimeout", DurationBounds.Timeout, Fail)
            ?? TimeSpan.FromTicks(Math.Min(MonitoringDefinition.DefaultStatementTimeout.Ticks, defaults.Interval.Ticks / 2));
        var readLog = ReadBool(fields, "ReadServerLog", Fail) ?? false;
        if (timeout >= defaults.Interval)
        {
            Fail("ConnectTimeout", $"{DurationParser.Format(timeout)} must be shorter than the interval {DurationParser.Format(defaults.Interval)}");
        }

        if (statementTimeout >= defaults.Interval)
        {
            Fail("StatementTimeout", $"{DurationParser.Format(statementTimeout)} must be shorter than the interval {DurationParser.Format(defaults.Interval)}, or checks would overlap");
        }

        return errors.Count > before
            ? null
            : new MonitoringDefinition
            {
                Host = host, Port = port, Database = database, Username = username!, Password = password, SslMode = sslMode,
                ConnectTimeout = timeout, StatementTimeout = statementTimeout, ReadServerLog = readLog,
            };
    }

    private static ValueList<ExpectedClientDefinition> ReadExpectedClients(SectionFields target, Action<string, string> fail)
    {
        var section = target.Section(ExpectedClientsField, "a list of clients ({ \"Name\", \"Address\", \"Database\", \"User\", \"Type\" })");
        if (section is null)
        {
            return ValueList<ExpectedClientDefinition>.Empty;
        }

        var clients = new List<ExpectedClientDefinition>();
        var children = section.GetChildren().ToList();
        if (children.Count > MaxExpectedClients)
        {
            fail(ExpectedClientsField, $"lists {children.Count} clients; at most {MaxExpectedClients} per target (each one is a series)");
            return ValueList<ExpectedClientDefinition>.Empty;
        }

        foreach (var child in children)
        {
            var field = $"{ExpectedClientsField}:{child.Key}";
            if (child.Value is not null)
            {
                fail(field, "must be a client ({ \"Name\", \"Address\", \"Database\", \"User\", \"Type\" }), not a single value or null");
            }
            else if (ReadExpectedClient(child, (name, problem) => fail($"{field}:{name}", problem)) is { } client)
            {
                clients.Add(client);
            }
        }

        foreach (var duplicate in clients.GroupBy(c => c.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            fail($"{ExpectedClientsField}", $"client name {ConfigurationError.Quote(duplicate.Key)} is used {duplicate.Count()} times; names must be unique within a target");
        }

        return new ValueList<ExpectedClientDefinition>(clients);
    }

    private static ExpectedClientDefinition? ReadExpectedClient(IConfigurationSection section, Action<string, string> fail)
    {
        var failed = false;
        void Fail(string field, string problem)
        {
            failed = true;
            fail(field, problem);
        }

        var fields = new SectionFields(section, Fail);
        foreach (var key in fields.Keys.Where(k => !ExpectedClientFields.Contains(k)))
        {
            Fail(key, $"unknown field (known: {string.Join(", ", ExpectedClientFields.Order())})");
        }

        var name = fields.Scalar("Name")?.Trim();
        if (name is null && !fields.Has("Name"))
        {
            Fail("Name", "is required (it becomes the 'client' label)");
        }
        else if (name is not null && name.Length > 128)
        {
            Fail("Name", "must be at most 128 printable characters (it becomes the 'client' label)");
        }

        var typeText = fields.Scalar("Type");
        var type = typeText?.Trim().ToLowerInvariant() ?? ExpectedClientDefinition.DefaultType;
        if (!ExpectedClientDefinition.Types.Contains(type))
        {
            Fail("Type", $"{ConfigurationError.Quote(typeText)} is not a connection type; expected one of {string.Join(", ", ExpectedClientDefinition.Types)}");
        }

        var address = fields.Scalar("Address")?.Trim();
        if (type == "local" && fields.Has("Address"))
        {
            Fail("Address", "must not be set for a local (Unix socket) client");
        }
        else if (type != "local" && address is null && !fields.Has("Address"))
        {
            Fail("Address", $"is required for a {type} client: an IP address or a CIDR such as 10.0.1.0/24");
        }
        else if (address is not null && !IsAddressOrCidr(address))
        {
            Fail("Address", $"{ConfigurationError.Quote(address)} is neither an IP address nor a CIDR (examples: 10.0.1.5, 10.0.1.0/24, ::1, fd00::/64)");
        }

        var database = ReadIdentifier(fields, "Database", Fail);
        if (database is null && !fields.Has("Database"))
        {
            Fail("Database", "is required: the database the client asks for");
        }

        var user = ReadIdentifier(fields, "User", Fail);
        if (user is null && !fields.Has("User"))
        {
            Fail("User", "is required: the role the client logs in as");
        }

        return failed ? null : new ExpectedClientDefinition(name!, address, database!, user!, type);
    }

    private static ExpectedIdentity ReadExpect(SectionFields target, Action<string, string> fail)
    {
        var section = target.Section(ExpectField, "a section ({ \"Port\", \"VersionMajor\", \"SystemIdentifier\" })");
        if (section is null)
        {
            return ExpectedIdentity.None;
        }

        void Fail(string field, string problem) => fail($"{ExpectField}:{field}", problem);
        var fields = new SectionFields(section, Fail);
        foreach (var key in fields.Keys.Where(k => !ExpectFields.Contains(k)))
        {
            Fail(key, $"unknown field (known: {string.Join(", ", ExpectFields.Order())})");
        }

        var port = ReadPort(fields.Scalar("Port"), Fail);
        int? major = null;
        if (fields.Scalar("VersionMajor") is { } majorText)
        {
            if (int.TryParse(majorText, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 10 and <= 99)
            {
                major = value;
            }
            else
            {
                Fail("VersionMajor", $"must be a major version such as 16, got {ConfigurationError.Quote(majorText)}");
            }
        }

        var identifier = fields.Scalar("SystemIdentifier")?.Trim();
        if (identifier is not null && (identifier.Length > 20 || !identifier.All(char.IsAsciiDigit) || !ulong.TryParse(identifier, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            Fail("SystemIdentifier", $"must be the decimal digits of pg_control_system().system_identifier, got {ConfigurationError.Quote(identifier)}");
            identifier = null;
        }

        return new ExpectedIdentity { Port = port, VersionMajor = major, SystemIdentifier = identifier };
    }

    /// <summary>An IP address, or one with a prefix length (host bits may be set: the client is anywhere in the subnet).</summary>
    internal static bool IsAddressOrCidr(string text)
    {
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || addressText.Contains('%'))
        {
            return false;
        }

        // IPAddress also takes shorthand such as "10.1" (10.0.0.1); pg_hba.conf does not, so neither do we.
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && addressText.Count(c => c == '.') != 3)
        {
            return false;
        }

        if (slash < 0)
        {
            return true;
        }

        var maxBits = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        return int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var bits) && bits <= maxBits;
    }
}

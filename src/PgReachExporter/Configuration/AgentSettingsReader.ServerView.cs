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
        IConfigurationSection section, MonitoringDefaults defaults, string source, string label, List<ConfigurationError> errors)
    {
        // "Monitoring": "postgresql://..." is short for "Monitoring": { "Uri": "postgresql://..." }.
        var shorthand = section.Value;
        if (!section.Exists())
        {
            return null;
        }

        var before = errors.Count;
        void Fail(string field, string problem) => errors.Add(new(source, label, $"{MonitoringField}:{field}", problem));

        foreach (var child in section.GetChildren().Where(c => !MonitoringFields.Contains(c.Key)))
        {
            Fail(child.Key, $"unknown field (known: {string.Join(", ", MonitoringFields.Order())})");
        }

        var fromUri = ReadUri(shorthand ?? section["Uri"], section, Fail);

        var username = fromUri.Username ?? NullIfBlank(section["Username"]);
        if (username is null)
        {
            Fail("Username", "is required: the monitoring connection has its own role (see docs/monitoring-role.md)");
        }

        var host = NullIfBlank(fromUri.Host) ?? NullIfBlank(section["Host"]) ?? defaults.Host;
        var port = fromUri.Port ?? ReadPort(section["Port"], Fail) ?? defaults.Port;
        var database = fromUri.Database ?? NullIfBlank(section["Database"]) ?? MonitoringDefinition.DefaultDatabase;
        var sslMode = fromUri.SslMode ?? ReadSslMode(section["SslMode"], Fail) ?? defaults.SslMode;
        var password = ReadPassword(section, fromUri.Password, Fail);
        var prefix = $"{MonitoringField}:";
        var timeout = fromUri.ConnectTimeout ?? ReadDuration(section, "ConnectTimeout", source, label, errors, prefix) ?? defaults.ConnectTimeout;
        var statementTimeout = ReadDuration(section, "StatementTimeout", source, label, errors, prefix)
            ?? TimeSpan.FromTicks(Math.Min(MonitoringDefinition.DefaultStatementTimeout.Ticks, defaults.Interval.Ticks / 2));
        var readLog = ReadBool(section["ReadServerLog"], "ReadServerLog", Fail) ?? false;
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

    private static ValueList<ExpectedClientDefinition> ReadExpectedClients(IConfigurationSection section, Action<string, string> fail)
    {
        if (section.Value is not null)
        {
            fail(ExpectedClientsField, "must be a list of clients ({ \"Name\", \"Address\", \"Database\", \"User\", \"Type\" })");
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
            if (ReadExpectedClient(child, (field, problem) => fail($"{ExpectedClientsField}:{child.Key}:{field}", problem)) is { } client)
            {
                clients.Add(client);
            }
        }

        foreach (var duplicate in clients.GroupBy(c => c.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            fail($"{ExpectedClientsField}", $"client name '{duplicate.Key}' is used {duplicate.Count()} times; names must be unique within a target");
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

        foreach (var child in section.GetChildren().Where(c => !ExpectedClientFields.Contains(c.Key)))
        {
            Fail(child.Key, $"unknown field (known: {string.Join(", ", ExpectedClientFields.Order())})");
        }

        var name = NullIfBlank(section["Name"]);
        if (name is null)
        {
            Fail("Name", "is required (it becomes the 'client' label)");
        }
        else if (name.Length > 128 || name.Any(char.IsControl))
        {
            Fail("Name", "must be at most 128 printable characters (it becomes the 'client' label)");
        }

        var type = NullIfBlank(section["Type"])?.ToLowerInvariant() ?? ExpectedClientDefinition.DefaultType;
        if (!ExpectedClientDefinition.Types.Contains(type))
        {
            Fail("Type", $"'{section["Type"]}' is not a connection type; expected one of {string.Join(", ", ExpectedClientDefinition.Types)}");
        }

        var address = NullIfBlank(section["Address"]);
        if (type == "local" && address is not null)
        {
            Fail("Address", "must not be set for a local (Unix socket) client");
        }
        else if (type != "local" && address is null)
        {
            Fail("Address", $"is required for a {type} client: an IP address or a CIDR such as 10.0.1.0/24");
        }
        else if (address is not null && !IsAddressOrCidr(address))
        {
            Fail("Address", $"'{address}' is neither an IP address nor a CIDR (examples: 10.0.1.5, 10.0.1.0/24, ::1, fd00::/64)");
        }

        var database = NullIfBlank(section["Database"]);
        if (database is null)
        {
            Fail("Database", "is required: the database the client asks for");
        }

        var user = NullIfBlank(section["User"]);
        if (user is null)
        {
            Fail("User", "is required: the role the client logs in as");
        }

        return failed ? null : new ExpectedClientDefinition(name!, address, database!, user!, type);
    }

    private static ExpectedIdentity ReadExpect(IConfigurationSection section, Action<string, string> fail)
    {
        if (!section.Exists())
        {
            return ExpectedIdentity.None;
        }

        void Fail(string field, string problem) => fail($"{ExpectField}:{field}", problem);
        foreach (var child in section.GetChildren().Where(c => !ExpectFields.Contains(c.Key)))
        {
            Fail(child.Key, $"unknown field (known: {string.Join(", ", ExpectFields.Order())})");
        }

        var port = ReadPort(section["Port"], Fail);
        int? major = null;
        if (section["VersionMajor"] is { } majorText)
        {
            if (int.TryParse(majorText, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 10 and <= 99)
            {
                major = value;
            }
            else
            {
                Fail("VersionMajor", $"must be a major version such as 16, got '{majorText}'");
            }
        }

        var identifier = NullIfBlank(section["SystemIdentifier"]);
        if (identifier is not null && (identifier.Length > 20 || !identifier.All(char.IsAsciiDigit) || !ulong.TryParse(identifier, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            Fail("SystemIdentifier", $"must be the decimal digits of pg_control_system().system_identifier, got '{identifier}'");
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

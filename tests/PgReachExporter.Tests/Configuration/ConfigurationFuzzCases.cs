using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace PgReachExporter.Tests.Configuration;

/// <summary>What one valid target was generated with; a read configuration must carry exactly these values.</summary>
internal sealed record FuzzTarget(string Name, string Host, int Port, string Database, string Username, string Password,
    SslMode SslMode, TimeSpan Interval, TimeSpan ConnectTimeout);

/// <summary>A generated configuration: valid (then <see cref="Targets"/> is what it says) or broken in <see cref="BrokenField"/>.</summary>
internal sealed record FuzzCase(string Json, IReadOnlyList<FuzzTarget> Targets, string? BrokenField, string Description);

/// <summary>
/// A seeded generator of configurations: valid targets written in the spellings users use, and single faults on top
/// (wrong shapes, nulls, huge and tiny numbers, durations out of bounds, control characters, long strings, odd URIs,
/// duplicate keys). Seeded so that a failure can be replayed from its case number.
/// </summary>
internal static class ConfigurationFuzzCases
{
    private static readonly (string Text, TimeSpan Value)[] Intervals =
    [
        ("\"100ms\"", TimeSpan.FromMilliseconds(100)), ("\"15s\"", TimeSpan.FromSeconds(15)), ("\"00:00:30\"", TimeSpan.FromSeconds(30)),
        ("\"2m\"", TimeSpan.FromMinutes(2)), ("60", TimeSpan.FromMinutes(1)), ("\"24h\"", TimeSpan.FromHours(24)), ("\"1.5\"", TimeSpan.FromSeconds(1.5)),
    ];

    private static readonly (string Text, TimeSpan Value)[] Timeouts =
    [
        ("\"10ms\"", TimeSpan.FromMilliseconds(10)), ("\"50ms\"", TimeSpan.FromMilliseconds(50)), ("\"1s\"", TimeSpan.FromSeconds(1)),
        ("3", TimeSpan.FromSeconds(3)), ("\"00:00:05\"", TimeSpan.FromSeconds(5)), ("\"23h\"", TimeSpan.FromHours(23)),
    ];

    private static readonly string[] Hosts = ["db1.internal", "127.0.0.1", "::1", "/var/run/postgresql", "localhost", "pg-2.example.com.", "db_3"];

    private static readonly (string Text, SslMode Value)[] SslModes =
    [
        ("Prefer", SslMode.Prefer), ("require", SslMode.Require), ("verify-full", SslMode.VerifyFull), ("Disable", SslMode.Disable), ("VerifyCA", SslMode.VerifyCA),
    ];

    private static readonly string[] WrongShapes = ["[]", "{}", "null", "[\"x\"]", "{ \"Value\": \"x\" }", "\"\"", "[[1]]"];

    private static readonly string[] BadPorts = ["0", "-1", "65536", "1e10", "1e400", "5432.5", "\"abc\"", "\"5432 \"", "99999999999999999999", "\"0x1538\""];

    private static readonly string[] BadDurations =
        ["\"-5s\"", "0", "\"1e10\"", "1e10", "\"1e-9\"", "\"Infinity\"", "\"NaN\"", "\"25h\"", "\"soon\"", "\"10675199.02:48:05\"", "-1", "\"5 parsecs\""];

    private static readonly string[] BadHosts =
        ["a b", "db\u0000x", "db\nx", "db\tx", "[::1]", "h:5432", "zz::1", "a..b", "-x", "relative/dir", "%ZZ", "é\u0301"];

    private static readonly string[] BadUris =
    [
        "postgresql://h:5432:5432/db", "postgresql://%ZZ/db", "postgresql://[zz::1]/db", "postgresql://user@@h/db", "postgresql://",
        "postgresql://%00/", "postgresql:///db", "mysql://h/db", "postgresql://h:0/db", "postgresql://h/db?sslmode=sometimes",
        "postgresql://h/db?connect_timeout=-1", "postgresql://h/db?nosuch=1", "postgresql://a,b/db", "postgresql://h/db%0A",
        "postgresql://h/db?host=a%20b", "postgresql://[::1/db",
    ];

    public static FuzzCase Generate(Random random, int index)
    {
        var count = random.Next(1, 4);
        var targets = Enumerable.Range(0, count).Select(i => ValidTarget(random, index, i)).ToList();
        var fields = targets.Select(t => Fields(random, t)).ToList();
        if (random.Next(4) == 0)
        {
            return new FuzzCase(Json(fields), targets, null, "valid");
        }

        var victim = random.Next(count);
        var (field, broken, description) = Break(random, fields[victim], targets[victim]);
        fields[victim] = broken;
        return new FuzzCase(Json(fields), targets, field, description);
    }

    private static FuzzTarget ValidTarget(Random random, int index, int i)
    {
        var interval = Pick(random, Intervals);
        var timeouts = Timeouts.Where(t => t.Value < interval.Value).ToArray();
        var timeout = Pick(random, timeouts);
        var ssl = Pick(random, SslModes);
        return new FuzzTarget($"t{index}-{i}", Pick(random, Hosts), random.Next(1, 65536), $"db{random.Next(100)}", $"role{random.Next(100)}",
            $"pw-{index}-{i}-{random.Next():x}", ssl.Value, interval.Value, timeout.Value);
    }

    /// <summary>The target's fields as JSON members, in one of the spellings that mean the same.</summary>
    private static List<(string Key, string Value)> Fields(Random random, FuzzTarget target)
    {
        string Key(string name) => random.Next(5) == 0 ? name.ToLowerInvariant() : name;
        var port = random.Next(2) == 0 ? target.Port.ToString(CultureInfo.InvariantCulture) : $"\"{target.Port}\"";
        return
        [
            (Key("Name"), Text(target.Name)), (Key("Host"), Text(target.Host)), (Key("Port"), port), (Key("Database"), Text(target.Database)),
            (Key("Username"), Text(target.Username)), (Key("Password"), Text(target.Password)),
            (Key("SslMode"), Text(SslModes.First(s => s.Value == target.SslMode).Text)),
            (Key("Interval"), Intervals.First(d => d.Value == target.Interval).Text), (Key("ConnectTimeout"), Timeouts.First(d => d.Value == target.ConnectTimeout).Text),
        ];
    }

    private static (string Field, List<(string Key, string Value)> Fields, string Description) Break(
        Random random, List<(string Key, string Value)> fields, FuzzTarget target)
    {
        var result = fields.ToList();
        int At(string name) => result.FindIndex(f => f.Key.Equals(name, StringComparison.OrdinalIgnoreCase));
        void Set(string name, string value) => result[At(name)] = (result[At(name)].Key, value);
        switch (random.Next(10))
        {
            case 0:
            {
                var name = Pick(random, fields.Select(f => f.Key).ToArray());
                var shape = Pick(random, WrongShapes);
                Set(name, shape);
                return (Canonical(name), result, $"{name} as {shape}");
            }
            case 1:
            {
                var port = Pick(random, BadPorts);
                Set("Port", port);
                return ("Port", result, $"Port {port}");
            }
            case 2:
            {
                var name = random.Next(2) == 0 ? "Interval" : "ConnectTimeout";
                var duration = Pick(random, BadDurations);
                Set(name, duration);
                return (name, result, $"{name} {duration}");
            }
            case 3:
            {
                var host = Pick(random, BadHosts);
                Set("Host", Text(host));
                return ("Host", result, $"Host {Text(host)}");
            }
            case 4:
            {
                var name = Pick(random, new[] { "Name", "Database", "Username", "Host" });
                var control = (char)Pick(random, new[] { 0, 1, 9, 10, 13, 27, 127 });
                Set(name, Text($"x{control}y"));
                return (Canonical(name), result, $"{name} with U+{(int)control:X4}");
            }
            case 5:
            {
                var name = Pick(random, new[] { "Name", "Host", "Database", "Username" });
                var length = Pick(random, new[] { 129, 254, 1_000, 100_000 });
                Set(name, Text(new string('a', name == "Host" ? length : Math.Max(length, 129))));
                return (Canonical(name), result, $"{name} of {length} characters");
            }
            case 6:
            {
                var uri = Pick(random, BadUris);
                foreach (var name in new[] { "Host", "Port", "Database", "Username", "SslMode", "ConnectTimeout" })
                {
                    result.RemoveAt(At(name));
                }

                result.Add(("Uri", Text(uri)));
                return ("Uri", result, $"Uri {uri}");
            }
            case 7:
            {
                var (key, value) = Pick(random, fields.ToArray());
                result.Add((key, value));
                return (key, result, $"{key} given twice");
            }
            case 8:
            {
                result.Add(("Prot", "5432"));
                return ("Prot", result, "unknown field Prot");
            }
            default:
            {
                var mode = Pick(random, new[] { "\"sometimes\"", "\"\"", "[\"Require\"]", "1" });
                Set("SslMode", mode);
                return ("SslMode", result, $"SslMode {mode}");
            }
        }
    }

    private static string Canonical(string name) =>
        new[] { "Name", "Host", "Port", "Database", "Username", "Password", "SslMode", "Interval", "ConnectTimeout" }
            .First(n => n.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static string Json(List<List<(string Key, string Value)>> targets)
    {
        var text = new StringBuilder("{ \"PgReach\": { \"Targets\": [");
        text.AppendJoin(", ", targets.Select(t => "{ " + string.Join(", ", t.Select(f => $"{Text(f.Key)}: {f.Value}")) + " }"));
        return text.Append("] } }").ToString();
    }

    private static string Text(string value) => JsonSerializer.Serialize(value);

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];
}

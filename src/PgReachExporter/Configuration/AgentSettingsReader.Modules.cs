using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace PgReachExporter.Configuration;

/// <summary>The /probe sections: PgReach:Modules (identities and allowlists) and PgReach:Probe (timeout offset, concurrency).</summary>
internal static partial class AgentSettingsReader
{
    public const string ModulesField = "Modules";
    public const string ProbeField = "Probe";

    private static readonly HashSet<string> ModuleFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "Username", "Database", "Password", "PasswordFile", "SslMode", "ConnectTimeout", "Allow",
    };

    private static readonly HashSet<string> ProbeFields = new(StringComparer.OrdinalIgnoreCase) { "TimeoutOffset", "MaxConcurrent" };

    private const int MaxModuleNameLength = 64;

    private static ImmutableDictionary<string, ProbeModule> ReadModules(SectionFields agent, TimeSpan defaultTimeout, string source, List<ConfigurationError> errors)
    {
        var section = agent.Section(ModulesField, "a section of modules ({ \"app\": { \"Username\": ..., \"Allow\": [ ... ] } })");
        if (section is null)
        {
            return ImmutableDictionary<string, ProbeModule>.Empty;
        }

        var modules = ImmutableDictionary.CreateBuilder<string, ProbeModule>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (ReadModule(child, defaultTimeout, source, errors) is { } module)
            {
                modules[module.Name] = module;
            }
        }

        return modules.ToImmutable();
    }

    private static ProbeModule? ReadModule(IConfigurationSection section, TimeSpan defaultTimeout, string source, List<ConfigurationError> errors)
    {
        var before = errors.Count;
        var name = section.Key;
        var at = $"{SectionName}:{ModulesField}:{name}";
        void Fail(string field, string problem) => errors.Add(new(source, null, field.Length == 0 ? at : $"{at}:{field}", problem));
        if (name.Length > MaxModuleNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            Fail("", $"the module name {ConfigurationError.Quote(name)} must be 1 to {MaxModuleNameLength} letters, digits, '_', '-' or '.' (it is the module= of a /probe request)");
            return null;
        }

        if (section.Value is not null)
        {
            Fail("", "must be a module ({ \"Username\": ..., \"Allow\": [ ... ] }), not a single value");
            return null;
        }

        var fields = new SectionFields(section, Fail);
        foreach (var key in fields.Keys.Where(k => !ModuleFields.Contains(k)))
        {
            Fail(key, $"unknown field (known: {string.Join(", ", ModuleFields.Order())})");
        }

        var username = ReadIdentifier(fields, "Username", Fail) ?? Environment.UserName;
        var database = ReadIdentifier(fields, "Database", Fail) ?? username;
        var sslMode = ReadSslMode(fields.Scalar("SslMode"), Fail) ?? SslMode.Prefer;
        var password = ReadPassword(fields, null, Fail);
        var timeout = ReadDuration(fields, "ConnectTimeout", DurationBounds.Timeout, Fail) ?? defaultTimeout;
        var allow = ReadAllowlist(fields, Fail);
        return errors.Count > before || allow is null
            ? null
            : new ProbeModule
            {
                Name = name, Username = username, Database = database, Password = password, SslMode = sslMode,
                ConnectTimeout = timeout, Allow = allow,
            };
    }

    private static ProbeAllowlist? ReadAllowlist(SectionFields fields, Action<string, string> fail)
    {
        const string Expected = "a list of CIDRs and host-name patterns ([\"10.0.0.0/8\", \"*.db.internal\"])";
        if (!fields.Has("Allow"))
        {
            fail("Allow", $"is required: {Expected}; a module without one could probe anything");
            return null;
        }

        var list = fields.Section("Allow", Expected);
        if (list is null)
        {
            return null;
        }

        var entries = new List<string>();
        foreach (var item in list.GetChildren())
        {
            if (item.Value is null || string.IsNullOrWhiteSpace(item.Value))
            {
                fail($"Allow:{item.Key}", "must be a CIDR or a host-name pattern, not a list, a section or an empty value");
                return null;
            }

            entries.Add(item.Value);
        }

        if (entries.Count == 0)
        {
            fail("Allow", $"is empty; give {Expected}");
            return null;
        }

        var allowlist = ProbeAllowlist.TryParse(entries, out var problem);
        if (allowlist is null)
        {
            fail("Allow", problem!);
        }

        return allowlist;
    }

    private static ProbeSettings ReadProbeSettings(SectionFields agent, string source, List<ConfigurationError> errors)
    {
        void Fail(string field, string problem) => errors.Add(new(source, null, $"{SectionName}:{ProbeField}:{field}", problem));
        var section = agent.Section(ProbeField, "a section ({ \"TimeoutOffset\": \"500ms\", \"MaxConcurrent\": 16 })");
        if (section is null)
        {
            return ProbeSettings.Default;
        }

        var fields = new SectionFields(section, Fail);
        foreach (var key in fields.Keys.Where(k => !ProbeFields.Contains(k)))
        {
            Fail(key, $"unknown field (known: {string.Join(", ", ProbeFields.Order())})");
        }

        var offset = ReadDuration(fields, "TimeoutOffset", new DurationBounds(TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1)), Fail);
        int? limit = null;
        if (fields.Scalar("MaxConcurrent") is { } text)
        {
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= ProbeSettings.MaxConcurrentLimit)
            {
                limit = value;
            }
            else
            {
                Fail("MaxConcurrent", $"must be a whole number from 1 to {ProbeSettings.MaxConcurrentLimit}, got {ConfigurationError.Quote(text)}");
            }
        }

        return new ProbeSettings
        {
            TimeoutOffset = offset ?? ProbeSettings.DefaultTimeoutOffset,
            MaxConcurrent = limit ?? ProbeSettings.DefaultMaxConcurrent,
        };
    }
}

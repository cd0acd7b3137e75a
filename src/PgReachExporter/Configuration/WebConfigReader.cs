using System.Collections.Immutable;
using System.Globalization;
using System.Net.Security;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PgReachExporter.Configuration;

/// <summary>
/// Reads a web configuration file in the exporter toolkit's format, as strictly as the toolkit's yaml.UnmarshalStrict:
/// an unknown key, a value of the wrong type or a value outside its set is an error naming the file and the field
/// (tls_server_config.min_version). As in the toolkit, a field left empty is the same as a field left out. The node model
/// is used, not the reflection-based deserializer, so the native build stays reflection-free.
/// </summary>
internal static partial class WebConfigReader
{
    /// <summary>The headers the toolkit lets a file set, with the values it accepts (none listed: any value).</summary>
    public static readonly ImmutableSortedDictionary<string, ImmutableArray<string>> ConfigurableHeaders =
        new Dictionary<string, ImmutableArray<string>>
        {
            ["Strict-Transport-Security"] = [],
            ["X-Content-Type-Options"] = ["nosniff"],
            ["X-Frame-Options"] = ["deny", "sameorigin"],
            ["X-XSS-Protection"] = [],
            ["Content-Security-Policy"] = [],
        }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    private static readonly string[] TopFields = ["tls_server_config", "http_server_config", "basic_auth_users", "rate_limit"];

    private static readonly string[] TlsFields =
    [
        "cert", "key", "client_ca", "cert_file", "key_file", "client_auth_type", "client_ca_file", "client_allowed_sans",
        "min_version", "max_version", "cipher_suites", "prefer_server_cipher_suites", "curve_preferences",
    ];

    private static readonly string[] HttpFields = ["http2", "headers"];
    private static readonly string[] RateLimitFields = ["interval", "burst"];

    /// <summary>Reads and checks <paramref name="file"/> (absolute); throws a <see cref="ConfigurationException"/> listing every problem.</summary>
    public static WebConfigDocument Read(string file)
    {
        string text;
        try
        {
            if (Directory.Exists(file))
            {
                throw Error(file, "--web.config.file", "is a directory; give the YAML file in it");
            }

            text = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Error(file, "--web.config.file", ex is FileNotFoundException or DirectoryNotFoundException ? "file does not exist" : $"cannot be read: {ex.Message}");
        }

        return Parse(text, file);
    }

    /// <summary>Parses the file's text; <paramref name="file"/> names it in errors and anchors relative paths.</summary>
    public static WebConfigDocument Parse(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            var problem = (ex.InnerException as YamlException ?? ex).Message;
            throw Error(file, "(file)", $"is not valid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {problem}");
        }

        var errors = new List<ConfigurationError>();
        var reader = new Fields(file, errors);
        var root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        if (stream.Documents.Count > 1)
        {
            errors.Add(new(file, null, "(file)", "holds more than one YAML document"));
        }

        var top = reader.Mapping(root, "", TopFields);
        var tls = ReadTls(reader, reader.Child(top, "tls_server_config"), Path.GetDirectoryName(file)!);
        var http = ReadHttp(reader, reader.Child(top, "http_server_config"));
        var users = ReadUsers(reader, reader.Child(top, "basic_auth_users"));
        var rateLimit = ReadRateLimit(reader, reader.Child(top, "rate_limit"));
        return errors.Count > 0 ? throw new ConfigurationException(errors) : new WebConfigDocument(file, tls, http, users, rateLimit);
    }

    private static TlsServerConfig? ReadTls(Fields reader, (YamlNode? Node, string Path) section, string directory)
    {
        var map = reader.Mapping(section.Node, section.Path, TlsFields);
        if (map is null)
        {
            return null;
        }

        string? Text(string field, bool secret = false) => reader.String(reader.Child(map, field, section.Path), secret);
        PemSource? Pem(string fileField, string inlineField, bool secret)
        {
            var path = Text(fileField);
            var inline = Text(inlineField, secret);
            if (path is not null && inline is not null)
            {
                reader.Fail($"{section.Path}.{inlineField}", $"and {fileField} are both given; use one of them");
            }

            return path is not null ? new PemSource(Path.GetFullPath(path, directory), null) : inline is not null ? new PemSource(null, inline) : null;
        }

        var certificate = Pem("cert_file", "cert", secret: false);
        var key = Pem("key_file", "key", secret: true);
        var clientCa = Pem("client_ca_file", "client_ca", secret: false);
        var authText = Text("client_auth_type");
        var clientAuth = ClientAuthType.NoClientCert;
        if (authText is not null)
        {
            // RequireClientCert: the toolkit's older name for RequireAnyClientCert, still accepted there.
            if (authText == "RequireClientCert")
            {
                clientAuth = ClientAuthType.RequireAnyClientCert;
            }
            else if (Enum.GetNames<ClientAuthType>().Contains(authText, StringComparer.Ordinal))
            {
                clientAuth = Enum.Parse<ClientAuthType>(authText);
            }
            else
            {
                reader.Fail($"{section.Path}.client_auth_type",
                    $"{ConfigurationError.Quote(authText)} is not a client auth type (use {string.Join(", ", Enum.GetNames<ClientAuthType>())})");
                clientAuth = ClientAuthType.NoClientCert;
            }
        }

        var sans = reader.StringList(reader.Child(map, "client_allowed_sans", section.Path));
        var min = Version("min_version") ?? TlsVersion.Tls12;
        var max = Version("max_version") ?? TlsVersion.Tls13;
        TlsVersion? Version(string field)
        {
            var name = Text(field);
            if (name is null)
            {
                return null;
            }

            var version = TlsVersions.Parse(name);
            if (version is null)
            {
                reader.Fail($"{section.Path}.{field}", $"{ConfigurationError.Quote(name)} is not a TLS version (use {string.Join(", ", TlsVersions.Names)})");
            }

            return version;
        }

        var suites = new List<TlsCipherSuite>();
        foreach (var name in reader.StringList(reader.Child(map, "cipher_suites", section.Path)))
        {
            if (WebCipherSuites.Parse(name) is { } suite)
            {
                suites.Add(suite);
            }
            else
            {
                reader.Fail($"{section.Path}.cipher_suites", $"{ConfigurationError.Quote(name)} is not a cipher suite Go's crypto/tls offers (e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
            }
        }

        var curves = reader.StringList(reader.Child(map, "curve_preferences", section.Path));
        foreach (var curve in curves.Where(c => !WebCipherSuites.Curves.Contains(c)))
        {
            reader.Fail($"{section.Path}.curve_preferences", $"{ConfigurationError.Quote(curve)} is not a curve (use {string.Join(", ", WebCipherSuites.Curves)})");
        }

        var prefer = reader.Bool(reader.Child(map, "prefer_server_cipher_suites", section.Path)) ?? true;
        var enabled = certificate is not null || key is not null || clientCa is not null || authText is not null;
        if (!enabled)
        {
            // The toolkit's rule: TLS is on when a certificate, key, client CA or client auth type is given.
            return null;
        }

        if (certificate is null)
        {
            reader.Fail($"{section.Path}.cert_file", "is required for TLS (or give the certificate inline as cert)");
        }

        if (key is null)
        {
            reader.Fail($"{section.Path}.key_file", "is required for TLS (or give the key inline as key)");
        }

        if (min > max)
        {
            reader.Fail($"{section.Path}.min_version", $"{TlsVersions.Name(min)} is above max_version {TlsVersions.Name(max)}");
        }

        if (clientCa is not null && clientAuth == ClientAuthType.NoClientCert)
        {
            reader.Fail($"{section.Path}.client_auth_type", "is NoClientCert (or left out) but a client CA is given; set the policy that should use it (RequireAndVerifyClientCert)");
        }

        if (clientCa is null && clientAuth is ClientAuthType.VerifyClientCertIfGiven or ClientAuthType.RequireAndVerifyClientCert)
        {
            // Go would verify against the system's roots; a client certificate is verified against the configured CA only.
            reader.Fail($"{section.Path}.client_ca_file", $"is required with client_auth_type {clientAuth}: client certificates are verified against it, never against the system's CAs");
        }

        if (sans.Length > 0 && clientAuth is not (ClientAuthType.RequireAnyClientCert or ClientAuthType.RequireAndVerifyClientCert))
        {
            reader.Fail($"{section.Path}.client_allowed_sans", "requires client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert (the other policies let a client connect without a certificate)");
        }

        return certificate is null || key is null
            ? null
            : new TlsServerConfig(certificate, key, clientAuth, clientCa, sans, min, max, [.. suites], prefer, curves);
    }

    private static HttpServerConfig ReadHttp(Fields reader, (YamlNode? Node, string Path) section)
    {
        var map = reader.Mapping(section.Node, section.Path, HttpFields);
        if (map is null)
        {
            return HttpServerConfig.Default;
        }

        var http2 = reader.Bool(reader.Child(map, "http2", section.Path)) ?? true;
        var headers = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var headersPath = $"{section.Path}.headers";
        var headerMap = reader.Mapping(reader.Child(map, "headers", section.Path).Node, headersPath, null);
        foreach (var (keyNode, valueNode) in headerMap?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            var name = ((YamlScalarNode)keyNode).Value ?? "";
            var value = reader.String((valueNode, $"{headersPath}.{name}"));
            if (!ConfigurableHeaders.TryGetValue(name, out var allowed))
            {
                reader.Fail($"{headersPath}.{name}", $"cannot be configured (the toolkit allows {string.Join(", ", ConfigurableHeaders.Keys)})");
            }
            else if (value is not null && allowed.Length > 0 && !allowed.Contains(value))
            {
                reader.Fail($"{headersPath}.{name}", $"{ConfigurationError.Quote(value)} is not allowed (use {string.Join(" or ", allowed)})");
            }
            else if (value is not null)
            {
                headers[name] = value;
            }
        }

        return new HttpServerConfig(http2, headers.ToImmutable());
    }

    private static ImmutableSortedDictionary<string, string> ReadUsers(Fields reader, (YamlNode? Node, string Path) section)
    {
        var users = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var map = reader.Mapping(section.Node, section.Path, null);
        foreach (var (keyNode, valueNode) in map?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            var user = ((YamlScalarNode)keyNode).Value ?? "";
            var path = $"{section.Path}.{user}";
            var hash = reader.String((valueNode, path), secret: true);
            if (user.Length == 0 || user.Contains(':') || user.Any(char.IsControl))
            {
                reader.Fail(path, "is not a user name basic auth can carry (empty, or with ':' or a control character)");
            }
            else if (hash is null)
            {
                reader.Fail(path, "has no password hash; give a bcrypt hash (htpasswd -nBC 10 \"\" | tr -d ':\\n')");
            }
            else if (BcryptHash().Match(hash) is not { Success: true } match
                     || int.Parse(match.Groups["cost"].Value, CultureInfo.InvariantCulture) is < 4 or > 31)
            {
                reader.Fail(path, "is not a bcrypt hash ($2a$, $2b$ or $2y$, a cost from 04 to 31, 53 characters of salt and hash); the value is not shown");
            }
            else
            {
                users[user] = hash;
            }
        }

        return users.ToImmutable();
    }

    private static RateLimitConfig? ReadRateLimit(Fields reader, (YamlNode? Node, string Path) section)
    {
        var map = reader.Mapping(section.Node, section.Path, RateLimitFields);
        if (map is null)
        {
            return null;
        }

        var intervalText = reader.String(reader.Child(map, "interval", section.Path));
        var burst = reader.Int(reader.Child(map, "burst", section.Path));
        TimeSpan? interval = null;
        if (intervalText is not null)
        {
            interval = GoDuration.Parse(intervalText);
            if (interval is null || interval < TimeSpan.Zero)
            {
                reader.Fail($"{section.Path}.interval", $"{ConfigurationError.Quote(intervalText)} is not a duration (Go's form: 100ms, 1s, 1m30s; 0 turns the limit off)");
            }
        }

        if (interval is not { } every || every == TimeSpan.Zero)
        {
            // interval 0 (or none): the toolkit's way to turn the limiter off.
            return null;
        }

        if (burst is not > 0)
        {
            reader.Fail($"{section.Path}.burst", burst is null ? "is required with an interval: how many requests may come at once" : "must be at least 1: 0 would refuse every request");
            return null;
        }

        return new RateLimitConfig(every, burst.Value);
    }

    private static ConfigurationException Error(string file, string field, string problem) => new([new(file, null, field, problem)]);

    [GeneratedRegex(@"^\$2[aby]?\$(?<cost>\d\d)\$[./A-Za-z0-9]{53}$")]
    private static partial Regex BcryptHash();

    /// <summary>Typed access to the nodes, reporting each problem once with its path.</summary>
    private sealed class Fields(string file, List<ConfigurationError> errors)
    {
        public void Fail(string path, string problem) => errors.Add(new(file, null, path.Length == 0 ? "(file)" : path, problem));

        /// <summary>The node under <paramref name="field"/> of a mapping (null when absent), with its path.</summary>
        public (YamlNode? Node, string Path) Child(YamlMappingNode? map, string field, string parent = "")
        {
            var path = parent.Length == 0 ? field : $"{parent}.{field}";
            return map is not null && map.Children.TryGetValue(new YamlScalarNode(field), out var node) ? (node, path) : (null, path);
        }

        /// <summary>A mapping, or null when the node is absent or an empty value; unknown keys (when <paramref name="known"/> is given) are errors.</summary>
        public YamlMappingNode? Mapping(YamlNode? node, string path, string[]? known)
        {
            if (node is null || IsNull(node))
            {
                return null;
            }

            if (node is not YamlMappingNode map)
            {
                Fail(path, $"must be a mapping of fields ({(known is null ? "name: value" : string.Join(", ", known))}), not {Kind(node)}");
                return null;
            }

            foreach (var key in map.Children.Keys)
            {
                if (key is not YamlScalarNode { Value: { } name })
                {
                    Fail(path, "has a key that is not a plain name");
                    return null;
                }

                if (known is not null && !known.Contains(name, StringComparer.Ordinal))
                {
                    Fail(path.Length == 0 ? name : $"{path}.{name}", $"unknown field (known: {string.Join(", ", known)})");
                }
            }

            return map;
        }

        /// <summary>A string; null when absent or empty. Lists and mappings are errors; a secret is never echoed.</summary>
        public string? String((YamlNode? Node, string Path) field, bool secret = false)
        {
            if (field.Node is null || IsNull(field.Node))
            {
                return null;
            }

            if (field.Node is not YamlScalarNode { Value: { } value })
            {
                Fail(field.Path, $"must be a single value, not {Kind(field.Node)}");
                return null;
            }

            if (value.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
            {
                Fail(field.Path, secret ? "contains control characters" : $"{ConfigurationError.Quote(value)} contains control characters");
                return null;
            }

            return value.Length == 0 ? null : value;
        }

        public ImmutableArray<string> StringList((YamlNode? Node, string Path) field)
        {
            if (field.Node is null || IsNull(field.Node))
            {
                return [];
            }

            if (field.Node is not YamlSequenceNode list)
            {
                Fail(field.Path, $"must be a list, not {Kind(field.Node)}");
                return [];
            }

            var values = ImmutableArray.CreateBuilder<string>();
            for (var i = 0; i < list.Children.Count; i++)
            {
                if (String((list.Children[i], $"{field.Path}[{i}]")) is { } value)
                {
                    values.Add(value);
                }
            }

            return values.ToImmutable();
        }

        /// <summary>true or false, unquoted (a quoted "true" is a string, as in the toolkit).</summary>
        public bool? Bool((YamlNode? Node, string Path) field)
        {
            if (field.Node is null || IsNull(field.Node))
            {
                return null;
            }

            if (field.Node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } value })
            {
                switch (value)
                {
                    case "true" or "True" or "TRUE":
                        return true;
                    case "false" or "False" or "FALSE":
                        return false;
                }
            }

            Fail(field.Path, $"must be true or false, not {Kind(field.Node)}");
            return null;
        }

        /// <summary>A whole number, unquoted.</summary>
        public int? Int((YamlNode? Node, string Path) field)
        {
            if (field.Node is null || IsNull(field.Node))
            {
                return null;
            }

            if (field.Node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } value }
                && int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                return number;
            }

            Fail(field.Path, $"must be a whole number, not {Kind(field.Node)}");
            return null;
        }

        private static bool IsNull(YamlNode node) =>
            node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

        private static string Kind(YamlNode node) => node switch
        {
            YamlMappingNode => "a mapping",
            YamlSequenceNode => "a list",
            YamlScalarNode { Style: ScalarStyle.Plain, Value: var v } => $"the value {ConfigurationError.Quote(v)}",
            YamlScalarNode => "a quoted string",
            _ => "this kind of value",
        };
    }
}

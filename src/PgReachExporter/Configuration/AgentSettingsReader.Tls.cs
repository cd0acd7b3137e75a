namespace PgReachExporter.Configuration;

/// <summary>
/// The target fields of the TLS layer: libpq's sslrootcert, sslcert, sslkey, ssl_min_protocol_version and
/// ssl_max_protocol_version, and the TLS probe's switches.
/// </summary>
internal static partial class AgentSettingsReader
{
    private static readonly DurationBounds ExpiryWarningBounds = new(TimeSpan.FromHours(1), TimeSpan.FromDays(365));

    private static TlsDefinition ReadTls(SectionFields fields, LibpqUri fromUri, Action<string, string> fail)
    {
        var rootCert = ReadTlsFile(fields, "SslRootCert", fromUri.SslRootCert, "sslrootcert", fail, allowSystem: true);
        var cert = ReadTlsFile(fields, "SslCert", fromUri.SslCert, "sslcert", fail, allowSystem: false);
        var key = ReadTlsFile(fields, "SslKey", fromUri.SslKey, "sslkey", fail, allowSystem: false);
        if ((cert is null) != (key is null))
        {
            fail(cert is null ? "SslCert" : "SslKey", "a client certificate needs both SslCert and SslKey; set both or neither");
        }

        var min = ReadProtocolVersion(fields, "SslMinProtocolVersion", fromUri.SslMinProtocolVersion, "ssl_min_protocol_version", fail);
        var max = ReadProtocolVersion(fields, "SslMaxProtocolVersion", fromUri.SslMaxProtocolVersion, "ssl_max_protocol_version", fail);
        var low = min ?? TlsProtocolVersions.DefaultMinimum;
        if (max is { } high && high < low)
        {
            // libpq refuses the same range: "invalid SSL protocol version range".
            var shown = fields.Scalar("SslMaxProtocolVersion") is null ? "Uri" : "SslMaxProtocolVersion";
            fail(shown, $"ssl_max_protocol_version {TlsProtocolVersions.Name(high)} is older than ssl_min_protocol_version {TlsProtocolVersions.Name(low)}{(min is null ? " (libpq's default)" : "")}: no version is left");
        }

        return new TlsDefinition
        {
            RootCert = rootCert,
            Cert = cert,
            Key = key,
            MinProtocol = min ?? TlsProtocolVersions.DefaultMinimum,
            MaxProtocol = max,
            Probe = ReadBool(fields, "TlsProbe", fail),
            DirectHandshake = ReadBool(fields, "TlsDirectHandshake", fail) ?? false,
            ExpiryWarning = ReadDuration(fields, "TlsExpiryWarning", ExpiryWarningBounds, fail) ?? TlsDefinition.DefaultExpiryWarning,
        };
    }

    private static string? ReadTlsFile(SectionFields fields, string field, string? fromUri, string uriName, Action<string, string> fail, bool allowSystem)
    {
        var text = fields.Scalar(field)?.Trim();
        if (text is not null && fromUri is not null)
        {
            fail(field, $"is also given by the Uri's {uriName}; set it in one place only");
            return null;
        }

        var path = text ?? fromUri;
        var shownField = text is null && fromUri is not null ? "Uri" : field;
        if (path is null || (allowSystem && path == TlsDefinition.SystemRoots))
        {
            return path;
        }

        if (path.Length == 0)
        {
            fail(shownField, $"{uriName} is empty; give a file path or leave it out");
            return null;
        }

        if (!File.Exists(path))
        {
            fail(shownField, $"{uriName} {ConfigurationError.Quote(path)} does not exist or is not a regular file");
            return null;
        }

        return Path.GetFullPath(path);
    }

    private static TlsProtocolVersion? ReadProtocolVersion(SectionFields fields, string field, TlsProtocolVersion? fromUri, string uriName, Action<string, string> fail)
    {
        var text = fields.Scalar(field)?.Trim();
        if (text is null)
        {
            return fromUri;
        }

        if (fromUri is not null)
        {
            fail(field, $"is also given by the Uri's {uriName}; set it in one place only");
            return null;
        }

        if (TlsProtocolVersions.TryParse(text, out var version))
        {
            return version;
        }

        fail(field, $"{ConfigurationError.Quote(text)} is not a TLS version; expected one of {TlsProtocolVersions.Expected} (libpq's {uriName})");
        return null;
    }
}

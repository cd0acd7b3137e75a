namespace PgReachExporter.Hba.Lint;

/// <summary>
/// The name=value options after the method, checked as parse_hba_auth_opt() and the end of parse_hba_line() check
/// them: which method each option belongs to, the values the server reads itself, and the options a method needs.
/// </summary>
/// <remarks>One instance per line: options are read in order, so an earlier option's effect (ldapurl) is seen by later checks.</remarks>
internal sealed class HbaAuthOptions(HbaDialect dialect, string method, HbaConnectionType type)
{
    private const string MapMethods = "ident, peer, gssapi, sspi, and cert";
    private const string MapMethodsWithOAuth = "ident, peer, gssapi, sspi, cert, and oauth";
    private readonly HashSet<string> _set = new(StringComparer.Ordinal);
    private readonly List<string> _notes = [];
    private int _radiusServers = -1, _radiusSecrets = -1, _radiusPorts = -1, _radiusIdentifiers = -1;

    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Reads one option; null when the server accepts it, else why it rejects the line.</summary>
    public string? Read(string name, string value)
    {
        switch (name)
        {
            case "map":
                if (method is not ("ident" or "peer" or "gss" or "sspi" or "cert") && !(dialect.HasOAuth && method == "oauth"))
                    return OnlyFor(name, dialect.HasOAuth ? MapMethodsWithOAuth : MapMethods);
                break;
            case "clientcert":
                if (type != HbaConnectionType.HostSsl)
                    return "clientcert is only allowed on hostssl lines";
                if (value == "verify-ca" && method == "cert")
                    return "clientcert must be verify-full with cert authentication";
                if (value is not ("verify-full" or "verify-ca"))
                    return $"clientcert must be verify-full or verify-ca, not \"{value}\"";
                break;
            case "clientname":
                if (type != HbaConnectionType.HostSsl)
                    return "clientname is only allowed on hostssl lines";
                if (value is not ("CN" or "DN"))
                    return $"clientname must be CN or DN, not \"{value}\"";
                break;
            case "pamservice" or "pam_use_hostname":
                return Require("pam", name);
            case "ldapurl":
                return Require("ldap", name) ?? ReadLdapUrl(value);
            case "ldapport":
                return Require("ldap", name) ?? (CAtoi(value) == 0 ? $"LDAP port \"{value}\" is not a number above 0" : null);
            case "ldaptls" or "ldapscheme" or "ldapserver" or "ldapbinddn" or "ldapbindpasswd" or "ldapsearchattribute"
                or "ldapsearchfilter" or "ldapbasedn" or "ldapprefix" or "ldapsuffix":
                return Require("ldap", name);
            case "krb_realm" or "include_realm":
                if (method is not ("gss" or "sspi"))
                    return OnlyFor(name, "gssapi and sspi");
                break;
            case "compat_realm" or "upn_username":
                if (method != "sspi")
                    return OnlyFor(name, "sspi");
                break;
            case "radiusservers":
                return Require("radius", name) ?? ReadRadiusServers(value);
            case "radiusports":
                return Require("radius", name) ?? ReadRadiusPorts(value);
            case "radiussecrets":
                return Require("radius", name) ?? ReadList(value, "RADIUS secrets", out _radiusSecrets);
            case "radiusidentifiers":
                return Require("radius", name) ?? ReadList(value, "RADIUS identifiers", out _radiusIdentifiers);
            case "issuer" or "scope" or "validator" or "delegate_ident_mapping" when dialect.HasOAuth:
                return Require("oauth", name);
            default:
                return $"unknown authentication option \"{name}\"";
        }

        _set.Add(name);
        return null;
    }

    /// <summary>The checks after all options: options a method needs, and options that exclude each other.</summary>
    public string? Finish()
    {
        switch (method)
        {
            case "ldap":
                var simpleBind = Has("ldapprefix") || Has("ldapsuffix");
                if (simpleBind && (Has("ldapbasedn") || Has("ldapbinddn") || Has("ldapbindpasswd") || Has("ldapsearchattribute") || Has("ldapsearchfilter")))
                    return "ldap options for simple bind (ldapprefix, ldapsuffix) and for search+bind are mixed";
                if (!simpleBind && !Has("ldapbasedn"))
                    return "ldap needs ldapbasedn, ldapprefix or ldapsuffix";
                if (Has("ldapsearchattribute") && Has("ldapsearchfilter"))
                    return "ldapsearchattribute and ldapsearchfilter exclude each other";
                break;
            case "radius":
                if (_radiusServers < 0)
                    return "radius needs radiusservers";
                if (_radiusSecrets < 0)
                    return "radius needs radiussecrets";
                if (_radiusServers == 0)
                    return "radiusservers is empty";
                if (_radiusSecrets == 0)
                    return "radiussecrets is empty";
                if (_radiusSecrets != 1 && _radiusSecrets != _radiusServers)
                    return $"{_radiusSecrets} RADIUS secrets for {_radiusServers} servers: give 1 or one per server";
                if (_radiusPorts > 1 && _radiusPorts != _radiusServers)
                    return $"{_radiusPorts} RADIUS ports for {_radiusServers} servers: give 1 or one per server";
                if (_radiusIdentifiers > 1 && _radiusIdentifiers != _radiusServers)
                    return $"{_radiusIdentifiers} RADIUS identifiers for {_radiusServers} servers: give 1 or one per server";
                break;
            case "oauth":
                if (!Has("scope"))
                    return "oauth needs scope";
                if (!Has("issuer"))
                    return "oauth needs issuer";
                if (Has("map") && Has("delegate_ident_mapping"))
                    return "map and delegate_ident_mapping exclude each other";
                _notes.Add("oauth lines load only when the server sets oauth_validator_libraries");
                break;
        }

        return null;
    }

    private bool Has(string name) => _set.Contains(name);

    private string? Require(string owner, string name)
    {
        if (method != owner)
            return OnlyFor(name, owner);
        _set.Add(name);
        return null;
    }

    private static string OnlyFor(string name, string methods) => $"option \"{name}\" belongs to the methods {methods} only";

    private string? ReadLdapUrl(string value)
    {
        // OpenLDAP's ldap_url_parse(): scheme://host[:port]/basedn?attributes?scope?filter; only ldap and ldaps are used.
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0)
            return $"\"{value}\" is not an LDAP URL";
        var schemeName = value[..scheme].ToLowerInvariant();
        if (schemeName is not ("ldap" or "ldaps" or "ldapi"))
            return $"\"{value}\" is not an LDAP URL";
        if (schemeName == "ldapi")
            return "LDAP URL scheme ldapi is not supported, only ldap and ldaps";
        var rest = value[(scheme + 3)..];
        var slash = rest.IndexOf('/');
        if (slash < 0)
            return null;
        var query = rest[(slash + 1)..].Split('?');
        if (query[0].Length > 0)
            _set.Add("ldapbasedn");
        if (query.Length > 1 && query[1].Length > 0)
            _set.Add("ldapsearchattribute");
        if (query.Length > 3 && query[3].Length > 0)
            _set.Add("ldapsearchfilter");
        return null;
    }

    private string? ReadRadiusServers(string value)
    {
        if (!HbaGucList.TrySplit(value, out var servers))
            return $"cannot read the RADIUS server list \"{value}\"";
        foreach (var server in servers.Where(s => !HbaNumericHost.TryParse(s, out _) && s != "localhost"))
            _notes.Add($"RADIUS server \"{server}\" must resolve on the server when the file is loaded");
        _radiusServers = servers.Count;
        return null;
    }

    private string? ReadRadiusPorts(string value)
    {
        if (!HbaGucList.TrySplit(value, out var ports))
            return $"cannot read the RADIUS port list \"{value}\"";
        if (ports.FirstOrDefault(p => CAtoi(p) == 0) is { } bad)
            return $"RADIUS port \"{bad}\" is not a number above 0";
        _radiusPorts = ports.Count;
        return null;
    }

    private static string? ReadList(string value, string what, out int count)
    {
        count = -1;
        if (!HbaGucList.TrySplit(value, out var items))
            return $"cannot read the list of {what} \"{value}\"";
        count = items.Count;
        return null;
    }

    /// <summary>C atoi(): leading blanks, a sign, then digits up to the first other character; 0 when there are none.</summary>
    internal static long CAtoi(string text)
    {
        var i = 0;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
            i++;
        var negative = i < text.Length && text[i] == '-';
        if (i < text.Length && text[i] is '+' or '-')
            i++;
        long value = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]) && value < int.MaxValue)
            value = (value * 10) + (text[i++] - '0');
        return negative ? -value : value;
    }
}

namespace PgReachExporter.Hba;

/// <summary>How a rule's address column is matched.</summary>
internal enum HbaAddressKind
{
    /// <summary>A local rule: no address.</summary>
    None,
    All,
    SameHost,
    SameNet,
    HostName,
    Network,
    /// <summary>An address the engine cannot read; such a line never gets a definite answer.</summary>
    Invalid,
}

/// <summary>A rule's address column, parsed once.</summary>
internal sealed record HbaAddressSpec(HbaAddressKind Kind, string Text, IpNetwork Network, string? Problem)
{
    public static readonly HbaAddressSpec None = new(HbaAddressKind.None, "", default, null);

    public static HbaAddressSpec Parse(string? address, string? netmask)
    {
        switch (address)
        {
            case null or "": return new(HbaAddressKind.Invalid, "", default, "the line has no address");
            case "all": return new(HbaAddressKind.All, address, default, null);
            case "samehost": return new(HbaAddressKind.SameHost, address, default, null);
            case "samenet": return new(HbaAddressKind.SameNet, address, default, null);
        }

        if (LooksLikeIp(address))
        {
            var problem = IpNetwork.TryParseRule(address, netmask, out var network);
            return problem is null
                ? new(HbaAddressKind.Network, network.ToString(), network, null)
                : new(HbaAddressKind.Invalid, address, default, problem);
        }

        if (address.Contains('/') || netmask is not null)
            return new(HbaAddressKind.Invalid, address, default, $"\"{address}\" is neither an IP address nor a host name");
        return new(HbaAddressKind.HostName, address, default, null);
    }

    // A host name is anything getaddrinfo(AI_NUMERICHOST) refuses; an IP starts with a digit (v4) or holds a colon (v6).
    private static bool LooksLikeIp(string text) => text.Contains(':') || (char.IsAsciiDigit(text[0]) && !text.Any(char.IsAsciiLetter));
}

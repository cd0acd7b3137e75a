using System.Collections.Immutable;
using System.Globalization;

namespace PgReachExporter.Observations;

/// <summary>
/// listen_addresses and port as the configuration files set them now (pg_file_settings: the last line of each wins,
/// postgresql.auto.conf after postgresql.conf): what a restart would put in force while the setting is pending_restart.
/// </summary>
internal sealed record FileSettings(ImmutableDictionary<string, FileSetting> Values)
{
    public FileSetting? ListenAddresses => Values.GetValueOrDefault(ServerSettings.ListenAddressesName);

    public FileSetting? Port => Values.GetValueOrDefault(ServerSettings.PortName);

    /// <summary>The port a restart would use; null when the file's value is not a number.</summary>
    public int? PortNumber => Port is { } port && int.TryParse(port.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}

/// <summary>One setting as the files set it.</summary>
/// <param name="Value">The value of its last line; the built-in default when no file sets it (then <paramref name="File"/> is null).</param>
/// <param name="File">The file of that line; null for the built-in default.</param>
/// <param name="Line">Its line number; null for the built-in default.</param>
internal sealed record FileSetting(string Name, string Value, string? File, int? Line)
{
    public override string ToString() => File is null
        ? $"{Name} = '{Value}' (no line sets it: the built-in default)"
        : $"{Name} = '{Value}' ({File} line {Line?.ToString(CultureInfo.InvariantCulture)})";
}

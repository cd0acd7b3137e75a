using System.Globalization;
using Npgsql;

namespace PgReachExporter.Configuration;

/// <summary>The single values a target and its monitoring connection share: password, port, sslmode, durations, names.</summary>
internal static partial class AgentSettingsReader
{
    private static PasswordSource ReadPassword(SectionFields fields, string? uriPassword, Action<string, string> fail)
    {
        var inline = fields.Scalar("Password", secret: true);
        var file = fields.Scalar("PasswordFile");
        if ((fields.Has("Password") ? 1 : 0) + (fields.Has("PasswordFile") ? 1 : 0) + (uriPassword is null ? 0 : 1) > 1)
        {
            fail(fields.Has("PasswordFile") ? "PasswordFile" : "Password", "more than one of Password, PasswordFile and the Uri's password is set; use one");
            return PasswordSource.None;
        }

        if (file is not null)
        {
            try
            {
                if (PasswordFileReader.Read(file).Length == 0)
                {
                    fail("PasswordFile", $"{ConfigurationError.Quote(file)} is empty");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                fail("PasswordFile", $"{ConfigurationError.Quote(file)} cannot be read: {ex.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)}");
            }

            return new PasswordFile(file);
        }

        var password = inline ?? uriPassword;
        return password is null ? PasswordSource.None : new LiteralPassword(password);
    }

    private static int? ReadPort(string? text, Action<string, string> fail)
    {
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
        {
            return port;
        }

        fail("Port", $"must be a whole number from 1 to 65535, got {ConfigurationError.Quote(text)}");
        return null;
    }

    private static SslMode? ReadSslMode(string? text, Action<string, string> fail)
    {
        if (text is null)
        {
            return null;
        }

        if (SslModeNames.TryParse(text, out var mode))
        {
            return mode;
        }

        fail("SslMode", $"{ConfigurationError.Quote(text)} is not an sslmode; expected one of {SslModeNames.Expected}");
        return null;
    }

    private static TimeSpan? ReadDuration(SectionFields fields, string field, DurationBounds bounds, Action<string, string> fail)
    {
        var text = fields.Scalar(field);
        if (text is null)
        {
            return null;
        }

        if (!DurationParser.TryParse(text, out var value))
        {
            fail(field, $"{ConfigurationError.Quote(text)} is not a duration (examples: 00:00:15, 15s, 500ms)");
            return null;
        }

        if (value <= TimeSpan.Zero)
        {
            fail(field, $"must be positive, got {ConfigurationError.Quote(text)}");
            return null;
        }

        if (value < bounds.Min || value > bounds.Max)
        {
            fail(field, $"must be from {DurationParser.Format(bounds.Min)} to {DurationParser.Format(bounds.Max)}, got {ConfigurationError.Quote(text)}");
            return null;
        }

        return value;
    }

    /// <summary>A database or role name: PostgreSQL cuts names at 63 bytes, so a longer one would log in as another.</summary>
    private static string? ReadIdentifier(SectionFields fields, string field, Action<string, string> fail)
    {
        var text = fields.Scalar(field)?.Trim();
        ValidateIdentifier(text, field, field == "Database" ? "database" : "user name", fail);
        return text;
    }

    private static void ValidateIdentifier(string? text, string field, string what, Action<string, string> fail)
    {
        if (text is null)
        {
            return;
        }

        if (text.Any(char.IsControl))
        {
            fail(field, $"the {what} {ConfigurationError.Quote(text)} contains control characters");
        }
        else if (System.Text.Encoding.UTF8.GetByteCount(text) > MaxIdentifierBytes)
        {
            fail(field, $"the {what} {ConfigurationError.Quote(text)} is longer than PostgreSQL's {MaxIdentifierBytes}-byte names");
        }
    }

    private const int MaxIdentifierBytes = 63;
}

/// <summary>
/// The durations a probe loop can keep: an interval from 100 ms (faster is load, not monitoring) to a day, and a
/// timeout from 10 ms (any less cannot complete a TCP handshake) to a day; a timeout must also be shorter than its interval.
/// </summary>
internal sealed record DurationBounds(TimeSpan Min, TimeSpan Max)
{
    public static DurationBounds Interval { get; } = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(24));

    public static DurationBounds Timeout { get; } = new(TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(24));
}

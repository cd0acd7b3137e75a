using System.Globalization;
using System.Text;

namespace PgReachExporter.Configuration;

/// <summary>One problem found in the configuration, located by source, target and field.</summary>
internal sealed record ConfigurationError(string Source, string? Target, string Field, string Problem)
{
    /// <summary>How much of a configured value a message repeats: a 1 MB host must not become a 1 MB log line.</summary>
    public const int MaxEchoedLength = 80;

    // Problems quote values through Quote already; this bound only keeps a runaway problem text from flooding a line.
    private const int MaxProblemLength = 600;

    public override string ToString()
    {
        var where = Target is null ? Printable(Source, MaxProblemLength) : $"{Printable(Source, MaxProblemLength)}: target {Quote(Target)}";
        return $"{where}: field {Quote(Field)}: {Printable(Problem, MaxProblemLength)}";
    }

    /// <summary>
    /// A configured value as messages show it: in quotes, control characters escaped (a newline must not forge a log
    /// line) and cut at <see cref="MaxEchoedLength"/> characters with an ellipsis. Never pass a password.
    /// </summary>
    public static string Quote(string? value) => value is null ? "(none)" : $"'{Printable(value, MaxEchoedLength)}'";

    /// <summary>The text with control characters escaped and cut at <paramref name="max"/> characters.</summary>
    public static string Printable(string text, int max)
    {
        var builder = new StringBuilder(Math.Min(text.Length, max) + 8);
        foreach (var c in text)
        {
            if (builder.Length >= max)
            {
                return builder.Append('…').ToString();
            }

            builder.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\0' => "\\0",
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }
}

/// <summary>
/// Thrown when the configuration cannot be used. The message is one line listing the problems, so that it can be
/// printed or logged as it is; past <see cref="MaxListed"/> it says how many more there are and in how many targets
/// (one mistake repeated across a fleet's file must not become a line of megabytes). <see cref="Errors"/> has them all.
/// </summary>
internal sealed class ConfigurationException(IReadOnlyList<ConfigurationError> errors)
    : Exception(MessageOf(errors))
{
    public const int MaxListed = 20;

    public IReadOnlyList<ConfigurationError> Errors { get; } = errors;

    private static string MessageOf(IReadOnlyList<ConfigurationError> errors)
    {
        var message = "invalid configuration: " + string.Join("; ", errors.Take(MaxListed));
        if (errors.Count <= MaxListed)
        {
            return message;
        }

        var rest = errors.Skip(MaxListed).ToList();
        var targets = rest.Select(e => e.Target).OfType<string>().Distinct(StringComparer.Ordinal).Count();
        var inTargets = targets == 0 ? "" : targets == 1 ? " in 1 more target" : $" in {targets} more targets";
        return $"{message}; and {rest.Count} more problems{inTargets}";
    }
}

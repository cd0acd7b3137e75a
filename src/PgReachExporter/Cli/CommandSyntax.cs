using System.Text;

namespace PgReachExporter.Cli;

/// <summary>
/// One option a command accepts: its name, the placeholder of its value (null for a flag), what it does and its default.
/// A name ending in ':' (<c>--PgReach:</c>) is a prefix that takes a KEY after it; <see cref="Keys"/> are the KEYs it knows.
/// </summary>
internal sealed record CommandOption(string Name, string? Value, string Help, string? Default = null)
{
    /// <summary>Other spellings, e.g. "-h" for "--help".</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>For a prefix option: the first segment of the KEY must be one of these (case-insensitive).</summary>
    public IReadOnlyCollection<string>? Keys { get; init; }

    public bool IsPrefix => Name.EndsWith(':');

    public bool IsFlag => Value is null;

    /// <summary>How the option is shown in the usage: "--config FILE", "--PgReach:KEY VALUE", "-h, --help".</summary>
    public string Synopsis =>
        string.Join(", ", Aliases.Append(IsPrefix ? $"{Name}KEY" : Name)) + (IsFlag ? "" : $" {Value}");
}

/// <summary>One option as given: the option it matched, the name as written (with its KEY for a prefix) and its value.</summary>
internal sealed record GivenOption(CommandOption Option, string Name, string? Value);

/// <summary>A command line that parsed: the options in the order given and the positional arguments.</summary>
internal sealed record ParsedCommandLine(IReadOnlyList<GivenOption> Options, IReadOnlyList<string> Positionals)
{
    public bool Help => Has(CommandSyntax.HelpOption);

    /// <summary>Whether the option is given; an option is known by its name (a command's variant of it, with other aliases or default, is the same option).</summary>
    public bool Has(CommandOption option) => Options.Any(o => o.Option.Name == option.Name);

    /// <summary>The value of a single-valued option, or null when it is not given.</summary>
    public string? Value(CommandOption option) => Options.FirstOrDefault(o => o.Option.Name == option.Name)?.Value;
}

/// <summary>
/// The one strict parser of every command (the agent, demo, diagnose, lint-hba): <c>--name VALUE</c> and
/// <c>--name=VALUE</c>, names case-insensitive as ASP.NET's configuration keys are. An unknown or misspelt option, a
/// KEY a prefix does not know, a missing value, an option given twice or a stray argument is one line with a hint
/// (the nearest known name, then where the help is), never silently ignored.
/// </summary>
internal sealed class CommandSyntax(string command, IReadOnlyList<CommandOption> options, int positionals = 0, string? extraPositional = null)
{
    public static readonly CommandOption HelpOption = new("--help", null, "show this help") { Aliases = ["-h"] };

    private const int NameColumn = 28;
    private const int TextWidth = 92;
    private const char Glue = '\u0001';

    /// <summary>The command as the user types it, e.g. "PgReachExporter diagnose".</summary>
    public string Command { get; } = command;

    public IReadOnlyList<CommandOption> Options { get; } = options;

    /// <summary>Words a stray first argument is compared with for a suggestion (the subcommands).</summary>
    public IReadOnlyList<string> Subcommands { get; init; } = [];

    /// <summary>
    /// Parses <paramref name="args"/>; a problem is returned as one line ending in a hint, never thrown. When help is
    /// asked for anywhere, the result says so even if something else is wrong.
    /// </summary>
    public ParsedCommandLine? Parse(IReadOnlyList<string> args, out string? problem)
    {
        problem = null;
        var given = new List<GivenOption>();
        var words = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!IsOptionLike(arg))
            {
                if (words.Count >= positionals)
                {
                    problem ??= StrayArgument(arg, words.Count);
                }

                words.Add(arg);
                continue;
            }

            var (name, inline) = Split(arg);
            var option = Find(name);
            if (option is null)
            {
                problem ??= Unknown(name);
                continue;
            }

            if (option.IsPrefix && KeyProblem(option, name) is { } badKey)
            {
                problem ??= badKey;
                continue;
            }

            string? value = null;
            if (option.IsFlag)
            {
                if (inline is not null)
                {
                    problem ??= Hint($"{option.Name} takes no value");
                }
            }
            else
            {
                value = inline ?? (i + 1 < args.Count && !IsOptionLike(args[i + 1]) ? args[++i] : null);
                if (string.IsNullOrWhiteSpace(value))
                {
                    problem ??= Hint($"{name} needs a value ({option.Value})");
                    continue;
                }
            }

            if (given.Any(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase) || (!option.IsPrefix && g.Option.Name == option.Name)))
            {
                problem ??= Hint($"{name} is given twice; give it once");
                continue;
            }

            given.Add(new GivenOption(option, name, value));
        }

        if (given.Any(g => g.Option.Name == HelpOption.Name))
        {
            problem = null;
        }

        return problem is null ? new ParsedCommandLine(given, words) : null;
    }

    /// <summary>A problem found after parsing (a bad value, a missing argument), with the same hint.</summary>
    public string Hint(string problem) => $"{problem}; see '{Command} --help'";

    /// <summary>The options, one per line (wrapped), each with its default.</summary>
    public string OptionsText(string indent = "  ")
    {
        var text = new StringBuilder();
        foreach (var option in Options)
        {
            // "(default:" stays on the line of the default's first word.
            var help = option.Default is null ? option.Help : $"{option.Help} (default:{Glue}{option.Default})";
            var lines = Wrap(help, TextWidth - NameColumn - indent.Length).Select(l => l.Replace(Glue, ' ')).ToList();
            var synopsis = indent + option.Synopsis;
            if (synopsis.Length + 1 > NameColumn + indent.Length)
            {
                text.Append(synopsis).Append('\n');
                synopsis = "";
            }

            foreach (var line in lines)
            {
                text.Append(synopsis.PadRight(NameColumn + indent.Length)).Append(line).Append('\n');
                synopsis = "";
            }
        }

        return text.ToString().TrimEnd('\n');
    }

    private static bool IsOptionLike(string arg) => arg.Length > 1 && arg[0] == '-';

    private static (string Name, string? Value) Split(string arg)
    {
        var eq = arg.IndexOf('=');
        return arg.StartsWith("--", StringComparison.Ordinal) && eq > 2 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
    }

    private CommandOption? Find(string name) =>
        Options.FirstOrDefault(o => o.IsPrefix
            ? name.StartsWith(o.Name, StringComparison.OrdinalIgnoreCase)
            : string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase) || o.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase));

    private string Unknown(string name)
    {
        var names = Options.SelectMany(o => o.IsPrefix ? [o.Name + "KEY"] : o.Aliases.Append(o.Name));
        // A prefix's KEY is not part of the comparison: "--PgRech:Interval" is near "--PgReach:".
        var compared = name.IndexOf(':') is > 2 and var colon ? name[..(colon + 1)] + "KEY" : name;
        var suggestion = NearestName.Find(compared, names);
        return Hint($"unknown option '{name}'{(suggestion is null ? "" : $" (did you mean {suggestion}?)")}");
    }

    private string? KeyProblem(CommandOption option, string name)
    {
        var key = name[option.Name.Length..];
        var first = key.Split(':')[0];
        if (first.Length == 0)
        {
            return Hint($"{name} needs a KEY after '{option.Name}' (e.g. {option.Name}{option.Keys?.FirstOrDefault() ?? "KEY"})");
        }

        if (option.Keys is null || option.Keys.Contains(first, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        var suggestion = NearestName.Find(first, option.Keys);
        return Hint($"unknown setting '{name}'{(suggestion is null ? "" : $" (did you mean {option.Name}{suggestion}{key[first.Length..]}?)")}"
            + $"; known: {string.Join(", ", option.Keys.Order(StringComparer.OrdinalIgnoreCase))}");
    }

    private string StrayArgument(string arg, int position)
    {
        if (extraPositional is not null && positionals > 0)
        {
            return Hint(extraPositional);
        }

        var suggestion = position == 0 ? NearestName.Find(arg, Subcommands) : null;
        return Hint($"unexpected argument '{arg}'{(suggestion is null ? "" : $" (did you mean {suggestion}?)")}");
    }

    private static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : "").Append(word);
        }

        lines.Add(line.ToString());
        return lines;
    }
}

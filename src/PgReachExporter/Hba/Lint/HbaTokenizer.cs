using System.Text;

namespace PgReachExporter.Hba.Lint;

/// <summary>
/// Splits pg_hba.conf text into lines of fields of tokens exactly as PostgreSQL's tokenize_auth_file() does for one
/// major version: backslash continuations, comments, quoting, comma lists, @file expansion, and (16+) the include,
/// include_if_exists and include_dir lines, whose files' lines take their place in the output.
/// </summary>
/// <remarks>Pure: every file is read through <see cref="IHbaFileSource"/>.</remarks>
internal sealed class HbaTokenizer(HbaDialect dialect, IHbaFileSource files)
{
    /// <summary>Tokenizes the file at <paramref name="path"/> (absolute) whose text is <paramref name="text"/>.</summary>
    public IReadOnlyList<HbaTokenizedLine> Tokenize(string path, string text)
    {
        var output = new List<HbaTokenizedLine>();
        TokenizeFile(path, text, depth: 0, output);
        return output;
    }

    private void TokenizeFile(string path, string text, int depth, List<HbaTokenizedLine> output)
    {
        var physical = SplitLines(text);
        var lineNumber = 1;
        var index = 0;
        while (index < physical.Count)
        {
            // Backslash at the very end of a line joins the next one; the line keeps its first number.
            var logical = new StringBuilder();
            var lastBackslash = 0;
            var continuations = 0;
            while (index < physical.Count)
            {
                logical.Append(physical[index++]);
                if (logical.Length > lastBackslash && logical.Length > 0 && logical[^1] == '\\')
                {
                    logical.Length--;
                    lastBackslash = logical.Length;
                    continuations++;
                    continue;
                }

                break;
            }

            var raw = logical.ToString();
            // The server reads the line as a C string, so a NUL ends it.
            var nul = raw.IndexOf('\0');
            var line = nul < 0 ? raw : raw[..nul];
            ProcessLine(path, line, raw, lineNumber, depth, output);
            lineNumber += continuations + 1;
        }
    }

    private void ProcessLine(string path, string line, string raw, int lineNumber, int depth, List<HbaTokenizedLine> output)
    {
        var fields = new List<IReadOnlyList<HbaAuthToken>>();
        string? error = null;
        var position = 0;
        while (position < line.Length && error is null)
        {
            var field = NextField(path, line, ref position, depth, ref error);
            if (field.Count > 0)
                fields.Add(field);
        }

        if (fields.Count == 0 && error is null)
            return;

        if (error is null && fields.Count == 2 && dialect.HasIncludeDirectives)
        {
            // The server compares the words without looking at quotes, so "include" quoted is a directive too.
            var directive = fields[0][0].Text;
            var target = fields[1][0].Text;
            switch (directive)
            {
                case "include":
                    error = IncludeFile(path, target, depth + 1, missingOk: false, output);
                    if (error is null)
                        return;
                    break;
                case "include_if_exists":
                    error = IncludeFile(path, target, depth + 1, missingOk: true, output);
                    if (error is null)
                        return;
                    break;
                case "include_dir":
                    error = IncludeDirectory(path, target, depth + 1, output);
                    if (error is null)
                        return;
                    break;
            }
        }

        output.Add(new HbaTokenizedLine(path, lineNumber, fields, raw, error));
    }

    /// <summary>next_field_expand(): the tokens of one field, a comma list, with @file entries replaced by the file's tokens.</summary>
    private List<HbaAuthToken> NextField(string path, string line, ref int position, int depth, ref string? error)
    {
        var tokens = new List<HbaAuthToken>();
        bool trailingComma;
        do
        {
            if (!NextToken(line, ref position, out var token, out trailingComma, ref error))
                break;
            if (!token.Quoted && token.Text.Length > 1 && token.Text[0] == '@')
                ExpandFile(path, token.Text[1..], depth + 1, tokens, ref error);
            else
                tokens.Add(token);
        }
        while (trailingComma && error is null);

        return tokens;
    }

    /// <summary>next_token(): one token, stopping at an unquoted blank or comma; an unquoted # ends the line.</summary>
    private bool NextToken(string line, ref int position, out HbaAuthToken token, out bool terminatingComma, ref string? error)
    {
        terminatingComma = false;
        token = default;
        while (position < line.Length && (IsBlank(line[position]) || line[position] == ','))
            position++;

        var buffer = new StringBuilder();
        var bytes = 0;
        bool inQuote = false, wasQuote = false, sawQuote = false, initialQuote = false;
        while (position < line.Length && (!IsBlank(line[position]) || inQuote))
        {
            var c = line[position];
            if (c == '#' && !inQuote)
            {
                position = line.Length;
                break;
            }

            // 15 checks the buffer before each byte, so a character fails when any of its bytes would not fit.
            if (dialect.MaxTokenBytes is { } max && bytes + Utf8Length(c) > max)
            {
                error = "a token is longer than PostgreSQL 15 reads (10239 bytes)";
                position = line.Length;
                return false;
            }

            if (c == ',' && !inQuote)
            {
                terminatingComma = true;
                break;
            }

            if (c != '"' || wasQuote)
            {
                buffer.Append(c);
                bytes += Utf8Length(c);
            }

            // Inside quotes, "" stands for one ".
            wasQuote = inQuote && c == '"' && !wasQuote;
            if (c == '"')
            {
                inQuote = !inQuote;
                sawQuote = true;
                if (buffer.Length == 0)
                    initialQuote = true;
            }

            position++;
        }

        token = new HbaAuthToken(buffer.ToString(), initialQuote);
        return sawQuote || buffer.Length > 0;
    }

    /// <summary>tokenize_expand_file(): every token of every line of an @file, appended to the field.</summary>
    private void ExpandFile(string path, string name, int depth, List<HbaAuthToken> tokens, ref string? error)
    {
        var full = HbaPaths.Resolve(name, path);
        if (depth > dialect.MaxIncludeDepth)
        {
            error = $"@{name} nests files deeper than {dialect.MaxIncludeDepth} levels (\"{full}\")";
            return;
        }

        var read = files.Read(full);
        if (read.Text is null)
        {
            error = $"cannot open the file of @{name} (\"{full}\"): {read.Problem}";
            return;
        }

        var lines = new List<HbaTokenizedLine>();
        TokenizeFile(full, read.Text, depth, lines);
        foreach (var line in lines)
        {
            if (line.Error is not null)
            {
                error = line.Error;
                return;
            }

            foreach (var field in line.Fields)
                tokens.AddRange(field);
        }
    }

    /// <summary>tokenize_include_file(): the file's lines join the output; null when that worked (or a missing file may be skipped).</summary>
    private string? IncludeFile(string path, string name, int depth, bool missingOk, List<HbaTokenizedLine> output)
    {
        var full = HbaPaths.Resolve(name, path);
        if (depth > dialect.MaxIncludeDepth)
            return $"cannot include \"{full}\": files nest deeper than {dialect.MaxIncludeDepth} levels";
        var read = files.Read(full);
        if (read.Text is null)
            return read.Missing && missingOk ? null : $"cannot include \"{full}\": {read.Problem}";
        TokenizeFile(full, read.Text, depth, output);
        return null;
    }

    /// <summary>include_dir: every "*.conf" file of the directory not starting with ".", in byte order of the names.</summary>
    private string? IncludeDirectory(string path, string name, int depth, List<HbaTokenizedLine> output)
    {
        var directory = HbaPaths.Resolve(name, path);
        var entries = files.ListDirectory(directory, out var problem);
        if (entries is null)
            return $"cannot open directory \"{directory}\": {problem}";
        var names = entries
            .Where(e => !e.IsDirectory && !e.Name.StartsWith('.') && e.Name.Length >= 6 && e.Name.EndsWith(".conf", StringComparison.Ordinal))
            .Select(e => HbaPaths.Canonical(directory + "/" + e.Name))
            .Order(StringComparer.Ordinal)
            .ToList();
        var errors = new List<string>();
        foreach (var file in names)
        {
            if (IncludeFile(path, file, depth, missingOk: false, output) is { } error)
                errors.Add(error);
        }

        return errors.Count == 0 ? null : string.Join("; ", errors);
    }

    // A surrogate pair is one 4-byte character, counted on its first half.
    private static int Utf8Length(char c) => c switch
    {
        < '\u0080' => 1,
        < '\u0800' => 2,
        _ when char.IsHighSurrogate(c) => 4,
        _ when char.IsLowSurrogate(c) => 0,
        _ => 3,
    };

    // pg_isblank: space, tab and carriage return.
    private static bool IsBlank(char c) => c is ' ' or '\t' or '\r';

    /// <summary>Lines as pg_get_line_append() and pg_strip_crlf() give them: split at \n, trailing \r and \n removed.</summary>
    private static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            var line = end < 0 ? text[start..] : text[start..end];
            lines.Add(line.TrimEnd('\r'));
            start = end < 0 ? text.Length : end + 1;
        }

        return lines;
    }
}

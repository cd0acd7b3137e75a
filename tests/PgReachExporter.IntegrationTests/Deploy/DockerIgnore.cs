using System.Text;
using System.Text.RegularExpressions;

namespace PgReachExporter.IntegrationTests.Deploy;

/// <summary>
/// The rules of a .dockerignore file, applied the way Docker applies them: patterns in order, the last one that
/// matches the path or one of its parent directories decides, and a leading '!' re-includes.
/// </summary>
internal sealed class DockerIgnore
{
    private readonly IReadOnlyList<(bool Include, Regex Pattern)> _rules;

    private DockerIgnore(IReadOnlyList<(bool Include, Regex Pattern)> rules) => _rules = rules;

    public static DockerIgnore Load(string path) => new(File.ReadLines(path)
        .Select(line => line.Trim())
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line => line.StartsWith('!') ? (true, ToRegex(line[1..])) : (false, ToRegex(line)))
        .ToArray());

    /// <summary>Whether the file (path relative to the context, forward slashes) stays out of the build context.</summary>
    public bool Excludes(string relativePath)
    {
        var segments = relativePath.Split('/');
        var candidates = Enumerable.Range(1, segments.Length).Select(count => string.Join('/', segments.Take(count))).ToArray();
        var excluded = false;
        foreach (var (include, pattern) in _rules)
        {
            if (candidates.Any(pattern.IsMatch))
            {
                excluded = !include;
            }
        }

        return excluded;
    }

    private static Regex ToRegex(string pattern)
    {
        var clean = pattern.Trim().Trim('/');
        var regex = new StringBuilder("^");
        for (var i = 0; i < clean.Length; i++)
        {
            if (clean[i] == '*' && i + 1 < clean.Length && clean[i + 1] == '*')
            {
                var slash = i + 2 < clean.Length && clean[i + 2] == '/';
                regex.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else
            {
                regex.Append(clean[i] switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    var c => Regex.Escape(c.ToString()),
                });
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}

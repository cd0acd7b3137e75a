using PgReachExporter.Hba;

namespace PgReachExporter.Tests.Hba.Lint;

/// <summary>lint-hba reads files people are still editing: no text may make it throw.</summary>
public class HbaLinterRobustnessTests
{
    private const string Alphabet = "ahlostcmdr0123456789./:,\"#@+=\\ \t\r\n-_{}[]()*?^$%";

    [Fact]
    public void Random_text_of_pg_hba_characters_never_throws_for_any_version()
    {
        var random = new Random(20261202);
        var client = new HbaClient("c", "127.0.0.1", "d", "u");
        for (var file = 0; file < 400; file++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 300)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
            foreach (var major in new[] { 15, 16, 17, 18 })
            {
                var report = Lint.Run(text, major, [client], ("x", text), ("d/a.conf", text));
                Assert.NotNull(report.Worst?.ToString() ?? "clean");
            }
        }
    }

    private static readonly string[] Words =
    [
        "host", "local", "hostssl", "include", "include_dir", "include_if_exists", "all", "\"all\"", "@x", "@d/a.conf", "+g", "/(", "/^a",
        "10.0.0.0/8", "10.0.0.1", "255.0.0.0", "::1/128", "samenet", "md5", "trust", "reject", "radius", "ldap", "oauth", "cert",
        "radiusservers=", "radiussecrets=\"a,\"", "ldapurl=ldap://x/dc=y?uid?sub?(f)", "map=m", "clientcert=", "x=y", ",", "#", "\\", "\"", "d",
    ];

    [Fact]
    public void Random_lines_of_pg_hba_words_never_throw_for_any_version()
    {
        var random = new Random(7);
        var client = new HbaClient("c", "::1", "d", "u");
        for (var file = 0; file < 400; file++)
        {
            string Text() => string.Join('\n', Enumerable.Range(0, random.Next(1, 6)).Select(_ =>
                string.Join(random.Next(4) == 0 ? "" : " ", Enumerable.Range(0, random.Next(1, 9)).Select(_ => Words[random.Next(Words.Length)]))));
            var text = Text();
            foreach (var major in new[] { 15, 16, 18 })
            {
                var report = Lint.Run(text, major, [client], ("x", Text()), ("d/a.conf", Text()));
                Assert.Equal(report.Lines.Count(l => !l.IsLoaded), report.Findings.Count(f => f.Kind == PgReachExporter.Hba.Lint.HbaLintKind.Syntax && f.Severity == PgReachExporter.Hba.Lint.HbaLintSeverity.Error && f.Line > 0));
            }
        }
    }
}

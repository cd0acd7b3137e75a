using PgReachExporter.Hba.Lint;

namespace PgReachExporter.Tests.Hba.Lint;

public class HbaTokenizerTests
{
    private static IReadOnlyList<HbaTokenizedLine> Tokenize(string text, int major = 18, params (string Path, string Text)[] files) =>
        new HbaTokenizer(new HbaDialect(major), new HbaFileMap(files.ToDictionary(f => $"{Lint.Directory}/{f.Path}", f => f.Text))).Tokenize(Lint.MainFile, text);

    private static string[][] Fields(HbaTokenizedLine line) => line.Fields.Select(f => f.Select(t => t.Quoted ? $"\"{t.Text}\"" : t.Text).ToArray()).ToArray();

    [Fact]
    public void Comments_blank_lines_and_blanks_are_skipped_and_lines_keep_their_numbers()
    {
        var lines = Tokenize("# header\n\n  local   all\tall   trust # why\n");

        var line = Assert.Single(lines);
        Assert.Equal(3, line.LineNumber);
        Assert.Equal([["local"], ["all"], ["all"], ["trust"]], Fields(line));
    }

    [Fact]
    public void Comma_lists_join_even_with_a_blank_after_the_comma()
    {
        var line = Assert.Single(Tokenize("host d1,d2, d3 u1 10.0.0.0/8 md5"));

        Assert.Equal(["d1", "d2", "d3"], Fields(line)[1]);
        Assert.Equal(["u1"], Fields(line)[2]);
    }

    [Fact]
    public void Quotes_keep_blanks_commas_and_hashes_and_mark_the_token_quoted()
    {
        var line = Assert.Single(Tokenize("local \"a b,c#d\" \"all\" \"say \"\"hi\"\"\" trust"));

        Assert.Equal([["local"], ["\"a b,c#d\""], ["\"all\""], ["\"say \"hi\"\""], ["trust"]], Fields(line));
    }

    [Fact]
    public void A_quote_after_the_first_character_does_not_make_the_token_quoted()
    {
        var line = Assert.Single(Tokenize("local a\"ll\" all trust"));

        Assert.Equal("all", line.Fields[1][0].Text);
        Assert.False(line.Fields[1][0].Quoted);
    }

    [Fact]
    public void Backslash_continuation_joins_lines_under_the_first_number()
    {
        var lines = Tokenize("local all \\\n  all \\\n  trust\nlocal all all peer\n");

        Assert.Equal([1, 4], lines.Select(l => l.LineNumber));
        Assert.Equal(4, lines[0].Fields.Count);
    }

    [Fact]
    public void At_file_tokens_join_the_field_and_are_read_relative_to_the_including_file()
    {
        var line = Assert.Single(Tokenize("host @sub/dbs all all md5", files: [("sub/dbs", "d1, d2\n@more\n"), ("sub/more", "# c\nd3\n")]));

        Assert.Equal(["d1", "d2", "d3"], Fields(line)[1]);
    }

    [Fact]
    public void Missing_at_file_makes_the_referencing_line_an_error()
    {
        var line = Assert.Single(Tokenize("host @missing all all md5"));

        Assert.Contains("@missing", line.Error);
        Assert.Equal(1, line.LineNumber);
    }

    [Fact]
    public void Quoted_at_sign_is_a_name_and_a_lone_at_sign_too()
    {
        var line = Assert.Single(Tokenize("host \"@x\",@ all all md5"));

        Assert.Null(line.Error);
        Assert.Equal(["\"@x\"", "@"], Fields(line)[1]);
    }

    [Fact]
    public void Empty_at_file_removes_the_field_so_the_later_fields_move_up()
    {
        var line = Assert.Single(Tokenize("host @empty all 10.0.0.0/8 md5", files: [("empty", "")]));

        Assert.Equal([["host"], ["all"], ["10.0.0.0/8"], ["md5"]], Fields(line));
    }

    [Fact]
    public void Include_lines_are_replaced_by_the_included_files_lines_from_16()
    {
        var lines = Tokenize("include a.conf\nlocal all all trust\n", major: 16, files: [("a.conf", "\nhost all all all md5\n")]);

        Assert.Equal([($"{Lint.Directory}/a.conf", 2), (Lint.MainFile, 2)], lines.Select(l => (l.File, l.LineNumber)));
    }

    [Fact]
    public void Include_is_an_ordinary_first_field_in_15()
    {
        var line = Assert.Single(Tokenize("include a.conf\n", major: 15, files: [("a.conf", "local all all trust\n")]));

        Assert.Equal(Lint.MainFile, line.File);
        Assert.Equal([["include"], ["a.conf"]], Fields(line));
    }

    [Fact]
    public void Include_dir_reads_conf_files_not_starting_with_a_dot_in_byte_order()
    {
        var lines = Tokenize("include_dir d\n", files: [
            ("d/b.conf", "local b all trust\n"), ("d/A.conf", "local A all trust\n"), ("d/.x.conf", "x\n"), ("d/c.txt", "x\n"), ("d/sub/z.conf", "x\n")]);

        Assert.Equal(["A", "b"], lines.Select(l => l.Fields[1][0].Text));
    }

    [Fact]
    public void Include_if_exists_skips_a_missing_file_while_include_reports_it()
    {
        var lines = Tokenize("include_if_exists none.conf\ninclude none.conf\n");

        var line = Assert.Single(lines);
        Assert.Equal(2, line.LineNumber);
        Assert.Contains("none.conf", line.Error);
    }

    [Fact]
    public void A_file_including_itself_stops_at_the_nesting_limit()
    {
        var lines = Tokenize("include self.conf\n", files: [("self.conf", "include self.conf\n")]);

        var line = Assert.Single(lines);
        Assert.Equal($"{Lint.Directory}/self.conf", line.File);
        Assert.Contains("deeper", line.Error);
    }

    [Fact]
    public void Token_longer_than_the_15_buffer_is_an_error_only_in_15()
    {
        var text = $"local {new string('d', 10240)} all trust";

        Assert.NotNull(Assert.Single(Tokenize(text, major: 15)).Error);
        Assert.Null(Assert.Single(Tokenize(text, major: 16)).Error);
    }

    [Theory]
    [InlineData("../x.conf", "/etc/x.conf")]
    [InlineData("/abs/./y.conf", "/abs/y.conf")]
    [InlineData("a//b/../c.conf", "/etc/pg/a/c.conf")]
    public void Include_paths_resolve_like_the_server(string path, string expected) =>
        Assert.Equal(expected, HbaPaths.Resolve(path, Lint.MainFile));
}

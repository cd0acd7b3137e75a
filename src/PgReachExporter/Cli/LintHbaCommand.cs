using PgReachExporter.Hba;
using PgReachExporter.Hba.Lint;

namespace PgReachExporter.Cli;

/// <summary>`lint-hba`: pg_hba.conf checked offline as a chosen PostgreSQL version reads it, with an exit status for CI.</summary>
internal static class LintHbaCommand
{
    public const string Name = "lint-hba";
    public const int Clean = 0;
    public const int Findings = 1;
    public const int UsageError = 2;

    public static Task<int> RunFromConsoleAsync(string[] args) =>
        RunAsync(args, Console.Out, Console.Error, Directory.GetCurrentDirectory(), new DiskHbaFileSource());

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, string workingDirectory, IHbaFileSource files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var arguments = LintHbaArguments.Parse(args, out var problem);
        if (arguments is null)
        {
            await error.WriteLineAsync($"pgreach lint-hba: {problem}").ConfigureAwait(false);
            return UsageError;
        }

        if (arguments.Help)
        {
            await output.WriteLineAsync(LintHbaArguments.Usage).ConfigureAwait(false);
            return Clean;
        }

        var path = HbaPaths.Canonical(Path.GetFullPath(arguments.File!, workingDirectory));
        // Included directories read as empty files (as for the server), but the file to check must be a file.
        var main = Directory.Exists(path) ? HbaFileRead.Failed("it is a directory") : files.Read(path);
        if (main.Text is null)
        {
            await error.WriteLineAsync($"pgreach lint-hba: cannot read {arguments.File}: {main.Problem}").ConfigureAwait(false);
            return UsageError;
        }

        IReadOnlyList<HbaClient> clients = [];
        if (arguments.ExpectFile is { } expectFile)
        {
            var expectPath = Path.GetFullPath(expectFile, workingDirectory);
            var read = files.Read(expectPath);
            var parsed = read.Text is null ? null : LintHbaClientsReader.Read(read.Text, expectPath, out problem);
            if (parsed is null)
            {
                await error.WriteLineAsync($"pgreach lint-hba: {expectFile}: {(read.Text is null ? $"cannot read it: {read.Problem}" : problem)}").ConfigureAwait(false);
                return UsageError;
            }

            clients = parsed;
        }

        var report = HbaLinter.Lint(path, main.Text, new HbaDialect(arguments.PgVersion), files, clients);
        var view = new LintHbaView(report, workingDirectory, arguments.FailOn);
        var text = arguments.Format switch
        {
            LintHbaFormat.Json => LintHbaJsonReport.From(view).Serialize() + "\n",
            LintHbaFormat.Github => LintHbaGithubReport.Render(view),
            LintHbaFormat.Junit => LintHbaJunitReport.Render(view),
            _ => LintHbaTextReport.Render(view),
        };
        await output.WriteAsync(text).ConfigureAwait(false);
        return view.Fails ? Findings : Clean;
    }
}

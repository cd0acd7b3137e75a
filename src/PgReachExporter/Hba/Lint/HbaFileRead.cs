namespace PgReachExporter.Hba.Lint;

/// <summary>The outcome of reading one file: its text, or that it is missing, or another reason it cannot be read.</summary>
internal sealed record HbaFileRead(string? Text, bool Missing, string? Problem)
{
    public static HbaFileRead Found(string text) => new(text, false, null);

    public static HbaFileRead NotFound => new(null, true, "No such file or directory");

    public static HbaFileRead Failed(string problem) => new(null, false, problem);
}

namespace PgReachExporter.Configuration;

/// <summary>
/// A path the user typed (--config, --web.config.file), made absolute against the directory the command was run from.
/// Under <c>dotnet run</c> that is the directory the user ran it in too: the project sets RunWorkingDirectory to the
/// directory MSBuild started in, which is where <c>dotnet run</c> was typed.
/// </summary>
internal static class UserPath
{
    public static string Resolve(string path) => Path.GetFullPath(path, Directory.GetCurrentDirectory());
}

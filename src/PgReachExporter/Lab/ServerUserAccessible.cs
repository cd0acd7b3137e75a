namespace PgReachExporter.Lab;

/// <summary>
/// Makes a relocatable binary set usable by the `postgres` OS user when the repository lives where
/// that user cannot traverse (e.g. under /root): the set is copied once to a world-readable place.
/// </summary>
internal static class ServerUserAccessible
{
    private const string StagingRoot = "/tmp/pgreach-pg-bin";

    public static PostgresBinaries Ensure(PostgresBinaries binaries)
    {
        if (!Posix.IsRoot || binaries.LibDir is null || CanExecute(binaries.Postgres))
        {
            return binaries;
        }

        // A relocatable set is bin/, lib/ and share/ under one parent; copy that parent whole.
        var source = Path.GetFullPath(Path.Combine(binaries.BinDir, ".."));
        var target = Path.Combine(StagingRoot, binaries.Version);
        var staged = binaries.WithLocation(Path.Combine(target, "bin"), Path.Combine(target, "lib"));
        if (!CanExecute(staged.Postgres))
        {
            var partial = $"{target}.{Environment.ProcessId}";
            Directory.CreateDirectory(StagingRoot);
            OsCommand.Run("cp", ["-a", source, partial], TimeSpan.FromMinutes(2));
            OsCommand.Run("chmod", ["-R", "a+rX", StagingRoot], TimeSpan.FromMinutes(1));
            if (!Directory.Exists(target))
            {
                Directory.Move(partial, target);
            }
            else
            {
                Directory.Delete(partial, recursive: true); // a parallel test run staged it first
            }
        }

        return staged;
    }

    private static bool CanExecute(string path) =>
        OsCommand.Run("test", ["-x", path], TimeSpan.FromSeconds(10), asServerUser: true).Succeeded;
}

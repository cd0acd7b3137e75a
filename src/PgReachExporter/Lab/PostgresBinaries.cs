using System.Text.RegularExpressions;

namespace PgReachExporter.Lab;

/// <summary>
/// One set of PostgreSQL server binaries (initdb, postgres, pg_ctl) of one major version, and the
/// discovery of every such set on this machine.
/// </summary>
/// <remarks>
/// Searched in order, the first set found for a major wins: the bin directories in PGREACH_PG_BIN
/// (':'-separated), PATH, /usr/lib/postgresql/*/bin, then the repository's .pg/&lt;major&gt;/package/native/bin
/// written by scripts/fetch-postgres.sh.
/// </remarks>
public sealed partial class PostgresBinaries
{
    public const string BinDirVariable = "PGREACH_PG_BIN";

    public const string InstallHint =
        "Install PostgreSQL server binaries: `apt-get install postgresql-15` (Debian), and/or run " +
        "`scripts/fetch-postgres.sh` for PostgreSQL 16, 17 and 18 in .pg/, or point " + BinDirVariable +
        " at a directory holding initdb, postgres and pg_ctl.";

    private static readonly string[] RequiredPrograms = ["initdb", "postgres", "pg_ctl"];
    private static readonly Lazy<IReadOnlyList<PostgresBinaries>> Discovered = new(Discover);

    private PostgresBinaries(int major, string version, string binDir, string? libDir)
    {
        Major = major;
        Version = version;
        BinDir = binDir;
        LibDir = libDir;
    }

    /// <summary>Major version, e.g. 15, as reported by `postgres --version`.</summary>
    public int Major { get; }

    /// <summary>Full version, e.g. "15.14".</summary>
    public string Version { get; }

    public string BinDir { get; }

    /// <summary>Directory every process started from <see cref="BinDir"/> needs in LD_LIBRARY_PATH, if any.</summary>
    public string? LibDir { get; }

    public string Initdb => Path.Combine(BinDir, "initdb");

    public string Postgres => Path.Combine(BinDir, "postgres");

    public string PgCtl => Path.Combine(BinDir, "pg_ctl");

    /// <summary>Every available major, one set each, sorted by major.</summary>
    public static IReadOnlyList<PostgresBinaries> All() => Discovered.Value;

    /// <summary>PostgreSQL 15 when present, otherwise the lowest available major.</summary>
    public static PostgresBinaries Default =>
        Find(15) ?? All().FirstOrDefault() ?? throw new InvalidOperationException(
            $"No PostgreSQL server binaries found (searched {SearchedLocations()}). {InstallHint}");

    public static PostgresBinaries ForMajor(int major) =>
        Find(major) ?? throw new InvalidOperationException(
            $"No PostgreSQL {major} server binaries found (available: {Describe(All())}; searched {SearchedLocations()}). {InstallHint}");

    public static PostgresBinaries? Find(int major) => All().FirstOrDefault(b => b.Major == major);

    /// <summary>The folder holding PgReachExporter.sln, found by walking up from the test assembly.</summary>
    public static string? FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PgReachExporter.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    public override string ToString() => $"PostgreSQL {Version} ({BinDir})";

    private static string Describe(IEnumerable<PostgresBinaries> sets) =>
        string.Join(", ", sets.Select(s => s.Major)) is { Length: > 0 } majors ? majors : "none";

    private static string SearchedLocations() =>
        $"{BinDirVariable}, PATH, /usr/lib/postgresql/*/bin, {Path.Combine(FindRepositoryRoot() ?? "<repo>", ".pg")}/*/package/native/bin";

    private static IReadOnlyList<PostgresBinaries> Discover()
    {
        var found = new Dictionary<int, PostgresBinaries>();
        foreach (var (binDir, libDir) in CandidateDirectories())
        {
            if (!RequiredPrograms.All(p => File.Exists(Path.Combine(binDir, p))))
            {
                continue;
            }

            var version = ReadVersion(binDir, libDir);
            if (version is not null && !found.ContainsKey(version.Value.Major))
            {
                found[version.Value.Major] = new PostgresBinaries(version.Value.Major, version.Value.Full, binDir, libDir);
            }
        }

        return found.Values.OrderBy(b => b.Major).Select(ServerUserAccessible.Ensure).ToArray();
    }

    private static IEnumerable<(string BinDir, string? LibDir)> CandidateDirectories()
    {
        var listed = (Environment.GetEnvironmentVariable(BinDirVariable) ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries));
        foreach (var dir in listed.Where(Directory.Exists))
        {
            yield return (Path.GetFullPath(dir), BundledLibDir(dir));
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            foreach (var dir in Directory.GetDirectories("/usr/lib/postgresql").Order(StringComparer.Ordinal))
            {
                yield return (Path.Combine(dir, "bin"), null);
            }
        }

        var embedded = FindRepositoryRoot() is { } root ? Path.Combine(root, ".pg") : null;
        if (embedded is not null && Directory.Exists(embedded))
        {
            foreach (var dir in Directory.GetDirectories(embedded).Order(StringComparer.Ordinal))
            {
                var native = Path.Combine(dir, "package", "native");
                yield return (Path.Combine(native, "bin"), Path.Combine(native, "lib"));
            }
        }
    }

    /// <summary>A sibling lib/ that carries its own libpq or ICU (as relocatable builds do) must be on LD_LIBRARY_PATH.</summary>
    private static string? BundledLibDir(string binDir)
    {
        var lib = Path.GetFullPath(Path.Combine(binDir, "..", "lib"));
        return Directory.Exists(lib) && Directory.EnumerateFiles(lib, "lib*.so*")
            .Select(Path.GetFileName)
            .Any(name => name!.StartsWith("libpq.", StringComparison.Ordinal) || name.StartsWith("libicu", StringComparison.Ordinal))
            ? lib
            : null;
    }

    private static (int Major, string Full)? ReadVersion(string binDir, string? libDir)
    {
        try
        {
            var result = OsCommand.Run(Path.Combine(binDir, "postgres"), ["--version"], TimeSpan.FromSeconds(15), libraryPath: libDir);
            var match = VersionPattern().Match(result.StandardOutput);
            return result.Succeeded && match.Success
                ? (int.Parse(match.Groups["major"].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups["full"].Value)
                : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // not executable here (wrong architecture, missing interpreter, no permission)
        }
    }

    internal PostgresBinaries WithLocation(string binDir, string? libDir) => new(Major, Version, binDir, libDir);

    [GeneratedRegex(@"\(PostgreSQL\)\s+(?<full>(?<major>\d+)(\.\d+)?)")]
    private static partial Regex VersionPattern();
}

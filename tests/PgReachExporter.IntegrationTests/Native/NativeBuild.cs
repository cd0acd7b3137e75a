using System.Runtime.InteropServices;
using PgReachExporter.IntegrationTests.Deploy;
using PgReachExporter.Lab;

namespace PgReachExporter.IntegrationTests.Native;

/// <summary>
/// The agent as `dotnet publish` builds it for the container image: a Native AOT executable. Published once per
/// test run from a copy of exactly what the Dockerfile sends to the build (global.json, the two Directory.*.props,
/// src/), so the repository's own obj/ folders are never touched while the suite runs.
/// </summary>
public sealed class NativeBuild : IAsyncLifetime
{
    private static readonly TimeSpan PublishBound = TimeSpan.FromMinutes(10);

    // This machine's own: linux-x64 or linux-arm64.
    private static readonly string RuntimeIdentifier = $"linux-{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}";
    private string _root = "";

    /// <summary>The native PgReachExporter executable.</summary>
    public string Executable { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _root = Directory.CreateTempSubdirectory("pgreach-native-").FullName;
        var sources = Path.Combine(_root, "src");
        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props" })
        {
            File.Copy(RepositoryLayout.PathOf(file), Path.Combine(_root, file));
        }

        CopySources(RepositoryLayout.PathOf("src"), sources);
        var output = Path.Combine(_root, "out");
        var publish = await OsCommand.RunAsync("dotnet",
            ["publish", Path.Combine(sources, "PgReachExporter"), "-c", "Release", "-r", RuntimeIdentifier, "-o", output, "-nologo"], PublishBound);
        Executable = Path.Combine(output, "PgReachExporter");
        if (!publish.Succeeded || !File.Exists(Executable))
        {
            throw new InvalidOperationException($"The native build failed (it needs clang: apt-get install clang):\n{publish.Describe()}");
        }
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }

    private static void CopySources(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (!IsBuildOutput(relative))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
                File.Copy(file, Path.Combine(to, relative));
            }
        }
    }

    private static bool IsBuildOutput(string relative) =>
        relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj");
}

namespace PgReachExporter.IntegrationTests.Diagnosis;

/// <summary>Debian's chromium, headless, with a fresh profile per run and a bound on every run.</summary>
internal static class HeadlessChromium
{
    private static readonly TimeSpan RunBound = TimeSpan.FromSeconds(60);
    private static readonly string[] Names = ["chromium", "chromium-browser"];

    // Flags that keep the browser from reaching anything but the page it is given.
    private static readonly string[] QuietFlags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--disable-component-update", "--disable-sync", "--disable-domain-reliability", "--no-default-browser-check",
        "--disable-default-apps", "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars",
    ];

    public static string Executable =>
        Names.Select(n => Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, n)).FirstOrDefault(File.Exists))
            .FirstOrDefault(p => p is not null)
        ?? throw new InvalidOperationException("chromium is not installed: apt-get install -y chromium (.ci/run installs it).");

    /// <summary>The DOM after the page loaded, serialised.</summary>
    public static async Task<string> DumpDomAsync(Uri url) => (await RunAsync(["--dump-dom", url.ToString()])).Stdout;

    /// <summary>
    /// The DOM after the page has lived <paramref name="virtualTime"/> of virtual time: timers fire without waiting in
    /// real time, and virtual time stands still while a fetch is pending.
    /// </summary>
    public static async Task<string> DumpDomAfterAsync(Uri url, TimeSpan virtualTime) =>
        (await RunAsync([$"--virtual-time-budget={(int)virtualTime.TotalMilliseconds}", "--dump-dom", url.ToString()])).Stdout;

    public static async Task ScreenshotAsync(Uri url, string file, int width, int height)
    {
        var result = await RunAsync([$"--screenshot={file}", $"--window-size={width},{height}", url.ToString()]);
        if (!File.Exists(file) || new FileInfo(file).Length == 0)
        {
            throw new InvalidOperationException($"chromium wrote no screenshot to {file} (exit {result.ExitCode}):\n{result.Stderr}");
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] arguments)
    {
        var profile = Directory.CreateTempSubdirectory("pgreach-chromium-");
        try
        {
            var result = await OsCommand.RunAsync(Executable, QuietFlags.Append($"--user-data-dir={profile.FullName}").Concat(arguments), RunBound);
            return (result.ExitCode, result.StandardOutput, result.StandardError);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}

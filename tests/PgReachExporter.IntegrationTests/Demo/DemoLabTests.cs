using System.Text.Json;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.Lab;

namespace PgReachExporter.IntegrationTests.Demo;

/// <summary>The README's first command: every failure mode of the lab diagnosed live, and everything removed on Ctrl+C or SIGTERM.</summary>
public sealed class DemoLabTests
{
    // The cause each scenario is about, and every finding its verdict holds (nothing unrelated may show up).
    private static readonly Dictionary<string, string> ExpectedCause = new()
    {
        ["healthy"] = "ok",
        ["localhost-only"] = "listen_localhost_only",
        ["nothing-listening"] = "listener_down",
        ["black-hole"] = "firewall_drop",
        ["no-hba-entry"] = "hba_no_entry",
        ["reject-shadows-allow"] = "hba_rule_shadowed",
        ["malformed-hba"] = "hba_syntax_errors",
        ["bind-failure"] = "bind_failure",
    };

    private static readonly Dictionary<string, string[]> ExpectedFindings = new()
    {
        ["healthy"] = ["ok"],
        ["localhost-only"] = ["listen_localhost_only"],
        ["nothing-listening"] = ["listener_down"],
        ["black-hole"] = ["firewall_drop"],
        ["no-hba-entry"] = ["hba_no_entry"],
        ["reject-shadows-allow"] = ["hba_reject", "hba_rule_shadowed"],
        ["malformed-hba"] = ["hba_syntax_errors"],
        ["bind-failure"] = ["bind_failure"],
    };

    [Theory]
    [InlineData(Posix.SigInt)]
    [InlineData(Posix.SigTerm)]
    public async Task Demo_shows_every_diagnosis_live_and_removes_everything_when_stopped(int signal)
    {
        // A process started in the background by a non-interactive shell inherits SIGINT ignored (CI may run the suite
        // that way), and the runtime then keeps ignoring it; in a terminal Ctrl+C is never ignored, so neither is it here.
        await using var demo = AgentProcess.Start(["demo", "--urls", "http://127.0.0.1:0"], launcher: ["env", "--default-signal=INT"]);
        try
        {
            var url = await demo.WaitUntilListeningAsync(TimeSpan.FromSeconds(120));
            using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };

            var causes = await WaitForCausesAsync(http, TimeSpan.FromSeconds(90));
            foreach (var (target, findings) in ExpectedFindings)
            {
                Assert.Equal(findings.Order(), causes[target].Order());
            }

            var metrics = Scrape.Parse(await http.GetStringAsync("/metrics"));
            foreach (var (target, cause) in ExpectedCause)
            {
                Assert.Equal(1, metrics.Value("pgreach_diagnosis", $"target={target}", $"cause={cause}"));
            }

            Assert.Contains("Status page:", demo.Output);
            Assert.DoesNotContain("demo-app-password", await http.GetStringAsync("/"));
            var labDirectory = Path.Combine(Path.GetTempPath(), $"pgreach-demo-{demo.ProcessId}");
            Assert.True(Directory.Exists(labDirectory));

            demo.Signal(signal);

            Assert.Equal(0, await demo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.False(Directory.Exists(labDirectory), $"{labDirectory} was left behind");
            Assert.DoesNotContain(labDirectory, await File.ReadAllTextAsync("/proc/self/mounts") + RunningCommandLines());
        }
        finally
        {
            // Its clusters run detached from the process tree: a failed run must still stop them through the demo's own Ctrl+C path.
            if (!demo.HasExited)
            {
                demo.Signal(signal);
                await demo.WaitForExitAsync(TimeSpan.FromSeconds(60));
            }
        }
    }

    private static async Task<Dictionary<string, string[]>> WaitForCausesAsync(HttpClient http, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        Dictionary<string, string[]> causes;
        do
        {
            using var document = JsonDocument.Parse(await http.GetStringAsync("/api/targets"));
            causes = document.RootElement.GetProperty("targets").EnumerateArray().ToDictionary(
                t => t.GetProperty("name").GetString()!,
                t => t.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("cause").GetString()!).ToArray());
            if (ExpectedCause.All(e => causes.TryGetValue(e.Key, out var found) && found.Contains(e.Value)))
            {
                return causes;
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        var seen = string.Join("\n", causes.Select(c => $"  {c.Key}: {string.Join(", ", c.Value)}"));
        throw new TimeoutException($"Not every scenario reached its verdict within {timeout.TotalSeconds:0} s; seen:\n{seen}");
    }

    /// <summary>Command lines of every process, to prove no server of the lab is left running.</summary>
    private static string RunningCommandLines() => string.Join('\n', Directory.EnumerateDirectories("/proc")
        .Where(d => int.TryParse(Path.GetFileName(d), out _))
        .Select(d =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(d, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                return "";
            }
            catch (UnauthorizedAccessException)
            {
                return "";
            }
        }));
}

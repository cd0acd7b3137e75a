using System.Reflection;
using NetArchTest.Rules;

namespace PgReachExporter.Tests.Architecture;

/// <summary>
/// The dependency rules of docs/architecture.md, checked on the compiled agent: data flows one way (options → targets →
/// pipeline → probes → observations → evidence → verdict → metrics and pages) and the engines stay pure.
/// </summary>
public sealed class ArchitectureTests
{
    private const string Root = "PgReachExporter";

    /// <summary>What "I/O" means for a pure engine: the driver, sockets and DNS, the file system, the web host, the metrics library.</summary>
    internal static readonly string[] InputOutput =
    [
        "Npgsql",
        "System.Net.Sockets.Socket",
        "System.Net.Sockets.TcpClient",
        "System.Net.Sockets.NetworkStream",
        "System.Net.Dns",
        "System.IO.File",
        "System.IO.Directory",
        "System.IO.FileStream",
        "System.IO.FileSystemWatcher",
        "System.IO.RandomAccess",
        "System.IO.StreamReader",
        "Microsoft.Win32.SafeHandles",
        "Microsoft.AspNetCore",
        "Microsoft.Extensions.Hosting",
        "Prometheus",
    ];

    private static readonly Assembly Agent = typeof(AgentHost).Assembly;

    public static TheoryData<string> PureEngines => [$"{Root}.Classification", $"{Root}.Hba", $"{Root}.Diagnosis"];

    /// <summary>Each folder and what it must never reference: the folders above it in the flow (or beside it, for probes).</summary>
    public static TheoryData<string, string[]> Forbidden => new()
    {
        { "Observations", ["Configuration", "Classification", "Probes", "HostSignals", "Scheduling", "Diagnosis", "Metrics", "Web", "Cli", "Lab"] },
        { "Configuration", ["Probes", "HostSignals", "Scheduling", "Diagnosis", "Metrics", "Web", "Cli", "Lab"] },
        { "Probes", ["HostSignals", "Scheduling", "Diagnosis", "Metrics", "Web", "Cli", "Lab"] },
        { "HostSignals", ["Probes", "Scheduling", "Diagnosis", "Metrics", "Web", "Cli", "Lab"] },
        { "Classification", ["Probes", "HostSignals", "Scheduling", "Diagnosis", "Metrics", "Web", "Cli"] },
        { "Hba", ["Observations", "Configuration", "Probes", "HostSignals", "Scheduling", "Diagnosis", "Metrics", "Web", "Cli"] },
        { "Diagnosis", ["Probes", "HostSignals", "Scheduling", "Metrics", "Web", "Cli", "Lab"] },
        { "Scheduling", ["Metrics", "Web", "Cli", "Lab"] },
        { "Metrics", ["Probes", "HostSignals", "Web", "Cli", "Lab"] },
        { "Web", ["Probes", "HostSignals", "Cli", "Lab"] },
    };

    [Theory]
    [MemberData(nameof(PureEngines))]
    public void A_pure_engine_references_no_input_or_output(string engine)
    {
        var result = Types.InAssembly(Agent).That().ResideInNamespace(engine).ShouldNot().HaveDependencyOnAny(InputOutput).GetResult();

        Assert.True(result.IsSuccessful, Offenders(result, $"{engine} must stay pure"));
    }

    [Theory]
    [MemberData(nameof(Forbidden))]
    public void A_folder_never_references_what_lies_above_it(string folder, string[] forbidden)
    {
        var result = Types.InAssembly(Agent).That().ResideInNamespace($"{Root}.{folder}")
            .ShouldNot().HaveDependencyOnAny([.. forbidden.Select(f => $"{Root}.{f}")]).GetResult();

        Assert.True(result.IsSuccessful, Offenders(result, $"{folder} must not reference {string.Join(", ", forbidden)}"));
    }

    [Fact]
    public void Probes_never_reference_the_metrics_library_or_the_web_host()
    {
        var result = Types.InAssembly(Agent).That().ResideInNamespace($"{Root}.Probes")
            .ShouldNot().HaveDependencyOnAny("Prometheus", "Microsoft.AspNetCore").GetResult();

        Assert.True(result.IsSuccessful, Offenders(result, "probes return data; only Metrics and Web know prometheus-net and ASP.NET"));
    }

    [Fact]
    public void The_rules_see_the_agent_s_types()
    {
        // A rule over an empty set passes whatever it says: make sure each folder has types to check.
        foreach (var folder in Forbidden.Select(row => (string)row[0]))
        {
            Assert.NotEmpty(Types.InAssembly(Agent).That().ResideInNamespace($"{Root}.{folder}").GetTypes());
        }
    }

    internal static string Offenders(TestResult result, string rule) =>
        $"{rule}; offending types: {string.Join(", ", result.FailingTypeNames ?? [])}";
}

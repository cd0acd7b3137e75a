using BenchmarkDotNet.Attributes;
using PgReachExporter.Hba;

namespace PgReachExporter.Benchmarks;

/// <summary>One evaluation cycle of a large pg_hba file: 1,000 rules, 100 expected clients, shadow detection.</summary>
[MemoryDiagnoser]
public class HbaEngineBenchmark
{
    private IReadOnlyList<HbaRule> _rows = [];
    private HbaRuleSet _rules = null!;
    private IReadOnlyList<HbaClient> _clients = [];
    private RoleMembership _membership = null!;

    /// <summary>Varied: lists of named databases and users. AllAll: every line "all all", so every earlier line is compared.</summary>
    [Params(HbaFileShape.Varied, HbaFileShape.AllAll)]
    public HbaFileShape Shape { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var data = new HbaBenchmarkData(seed: 20240601);
        _rows = data.Rules(1_000, Shape);
        _clients = data.Clients(100);
        _membership = data.Membership();
        _rules = HbaRuleSet.Compile(_rows);
    }

    [Benchmark(Description = "compile 1,000 rows")]
    public object Compile() => HbaRuleSet.Compile(_rows);

    [Benchmark(Description = "evaluate 100 clients")]
    public object EvaluateClients() => HbaRuleEngine.EvaluateAll(_rules, _clients, _membership);

    [Benchmark(Description = "find shadowed rules")]
    public object FindShadowed() => HbaRuleEngine.FindShadowedRules(_rules, _membership);

    [Benchmark(Baseline = true, Description = "full cycle: compile + evaluate + shadows")]
    public object FullCycle() => HbaRuleEngine.Analyze(HbaRuleSet.Compile(_rows), _clients, _membership);
}

using NetArchTest.Rules;

namespace PgReachExporter.Tests.Architecture;

/// <summary>The rules of <see cref="ArchitectureTests"/> fail on a forbidden reference: run on a fixture that has one.</summary>
public sealed class ArchitectureRuleSelfTests
{
    [Fact]
    public void The_pure_engine_rule_fails_on_a_type_that_touches_the_file_system_and_sockets()
    {
        var result = Types.InAssembly(typeof(ArchitectureRuleSelfTests).Assembly)
            .That().ResideInNamespace("PgReachExporter.Tests.Architecture.Fixture.Diagnosis")
            .ShouldNot().HaveDependencyOnAny(ArchitectureTests.InputOutput).GetResult();

        Assert.False(result.IsSuccessful);
        Assert.Contains(result.FailingTypeNames, name => name.EndsWith("ForbiddenReferenceFixture", StringComparison.Ordinal));
    }

    [Fact]
    public void The_layering_rule_fails_on_a_reference_to_a_folder_above()
    {
        // The agent's Metrics folder does reference Scheduling (its outputs implement the pipeline's contract): a rule
        // forbidding that must fail, as a folder rule does on any reference it names.
        var result = Types.InAssembly(typeof(AgentHost).Assembly).That().ResideInNamespace("PgReachExporter.Metrics")
            .ShouldNot().HaveDependencyOn("PgReachExporter.Scheduling").GetResult();

        Assert.False(result.IsSuccessful);
    }
}

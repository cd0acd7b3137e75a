namespace PgReachExporter.IntegrationTests.Infrastructure;

public sealed class PostgresBinariesTests
{
    /// <summary>Set by .ci/run, e.g. "15 16 17 18": CI must not quietly test fewer majors than it installed.</summary>
    private const string RequiredMajorsVariable = "PGREACH_REQUIRE_MAJORS";

    [Fact]
    public void Server_binaries_are_found_for_every_required_major()
    {
        var available = PostgresBinaries.All();
        Assert.True(available.Count > 0, PostgresBinaries.InstallHint);

        var required = (Environment.GetEnvironmentVariable(RequiredMajorsVariable) ?? string.Empty)
            .Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)
            .Select(m => int.Parse(m, System.Globalization.CultureInfo.InvariantCulture));
        var missing = required.Where(m => PostgresBinaries.Find(m) is null).ToArray();
        Assert.True(missing.Length == 0, $"Missing PostgreSQL majors {string.Join(", ", missing)}. {PostgresBinaries.InstallHint}");
    }

    [Fact]
    public void Default_is_15_when_present_otherwise_the_lowest_major()
    {
        var available = PostgresBinaries.All();
        Assert.True(available.Count > 0, PostgresBinaries.InstallHint);

        var expected = available.Any(b => b.Major == 15) ? 15 : available.Min(b => b.Major);

        Assert.Equal(expected, PostgresBinaries.Default.Major);
        Assert.Equal(available.Select(b => b.Major).Order(), available.Select(b => b.Major));
    }
}

using PgReachExporter.Configuration;

namespace PgReachExporter.Tests.Configuration;

/// <summary>--shard I/N: rendezvous hashing splits a target list into disjoint shards that cover it, and few targets move when N changes.</summary>
public sealed class ShardSelectionTests
{
    private static readonly string[] Names = [.. Enumerable.Range(0, 10_000).Select(i => $"db-{i}.fleet.internal:5432")];

    private static Dictionary<string, int> Assign(int shards) => Names.ToDictionary(n => n, n => RendezvousHash.ShardOf(n, shards));

    [Fact]
    public void The_hash_is_pinned_so_that_every_replica_and_every_version_agree()
    {
        // FNV-1a 64 of the empty string is its offset basis; of "a" the published test vector.
        Assert.Equal(0xcbf29ce484222325UL, RendezvousHash.NameHash(""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, RendezvousHash.NameHash("a"));
        // Changing these moves targets between shards in a running fleet: only on purpose, with a release note.
        Assert.Equal([1, 0, 0, 0, 0], new[] { "orders", "billing", "10.0.0.1:5432", "[fd00::1]:6432", "db-1.fleet.internal:5432" }.Select(n => RendezvousHash.ShardOf(n, 3)));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Shards_of_a_list_are_disjoint_and_cover_it_and_are_about_even(int count)
    {
        var shards = Enumerable.Range(0, count).Select(i => Names.Where(new ShardSelection(i, count).Keeps).ToHashSet()).ToList();

        Assert.Equal(Names.Length, shards.Sum(s => s.Count));
        Assert.Equal(Names.Length, shards.SelectMany(s => s).Distinct().Count());
        var even = Names.Length / (double)count;
        Assert.All(shards, s => Assert.InRange(s.Count, even * 0.9, even * 1.1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(9)]
    public void Going_from_N_to_N_plus_1_shards_moves_about_one_in_N_plus_1_targets_and_only_to_the_new_shard(int n)
    {
        var before = Assign(n);
        var after = Assign(n + 1);

        var moved = Names.Where(name => before[name] != after[name]).ToList();

        Assert.All(moved, name => Assert.Equal(n, after[name]));
        var expected = Names.Length / (double)(n + 1);
        Assert.InRange(moved.Count, expected * 0.9, expected * 1.1);
    }

    [Fact]
    public void Apply_keeps_this_shards_targets_and_the_configured_count()
    {
        var settings = new AgentSettings
        {
            Source = "test",
            Targets = [.. Names.Take(100).Select(n => new TargetDefinition
            {
                Name = n, Host = "db", Port = 5432, Database = "postgres", Username = "probe",
                ConnectTimeout = TimeSpan.FromSeconds(1), Interval = TimeSpan.FromSeconds(15),
            })],
        };

        var kept = new ShardSelection(0, 2).Apply(settings);
        var other = new ShardSelection(1, 2).Apply(settings);

        Assert.Equal(100, kept.ConfiguredTargetCount);
        Assert.Equal(100, kept.Targets.Length + other.Targets.Length);
        Assert.Empty(kept.Targets.Select(t => t.Name).Intersect(other.Targets.Select(t => t.Name)));
        Assert.Equal(new ShardSelection(0, 2), kept.Shard);
        Assert.Equal(100, ShardSelection.None.Apply(settings).Targets.Length);
    }

    [Theory]
    [InlineData("0/1", "x", 0, 1)]
    [InlineData("2/3", "x", 2, 3)]
    [InlineData("auto/3", "pgreach-2", 2, 3)]
    [InlineData("AUTO/4", "pgreach-fleet-eu-0", 0, 4)]
    public void Valid_shards_are_read(string text, string host, int index, int count)
    {
        Assert.Equal(new ShardSelection(index, count), ShardSelection.Parse(text, host, out var problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("2", "is not I/N")]
    [InlineData("2/2", "has a shard that is not a whole number from 0 to 1")]
    [InlineData("-1/2", "has a shard that is not a whole number")]
    [InlineData("a/2", "has a shard that is not a whole number")]
    [InlineData("0/0", "has a shard count that is not a whole number from 1 to 1000")]
    [InlineData("0/1001", "has a shard count")]
    [InlineData("0/x", "has a shard count")]
    [InlineData("auto/3", "the host name 'pgreach' has none")]
    [InlineData("auto/1", "has none")]
    public void Invalid_shards_say_why(string text, string problem)
    {
        Assert.Null(ShardSelection.Parse(text, "pgreach", out var message));
        Assert.Contains(problem, message);
    }

    [Fact]
    public void An_ordinal_beyond_the_count_names_the_pod()
    {
        Assert.Null(ShardSelection.Parse("auto/3", "pgreach-3", out var message));
        Assert.Contains("the pod ordinal 3 (host name 'pgreach-3') is not below the shard count 3", message);
    }

    [Fact]
    public void The_command_line_wins_over_the_environment_and_errors_name_their_source()
    {
        var environment = new Dictionary<string, string?> { [ShardSelection.EnvironmentVariable] = "1/4" };

        Assert.Equal(new ShardSelection(0, 2), ShardSelection.Resolve("0/2", environment.GetValueOrDefault, "h"));
        Assert.Equal(new ShardSelection(1, 4), ShardSelection.Resolve(null, environment.GetValueOrDefault, "h"));
        Assert.Equal(ShardSelection.None, ShardSelection.Resolve(null, _ => null, "h"));
        var fromOption = Assert.Throws<ConfigurationException>(() => ShardSelection.Resolve("5/4", environment.GetValueOrDefault, "h"));
        Assert.Contains("command line: field '--shard': '5/4'", fromOption.Message);
        environment[ShardSelection.EnvironmentVariable] = "x";
        var fromEnvironment = Assert.Throws<ConfigurationException>(() => ShardSelection.Resolve(null, environment.GetValueOrDefault, "h"));
        Assert.Contains("environment: field 'PGREACH_SHARD': 'x' is not I/N", fromEnvironment.Message);
    }
}

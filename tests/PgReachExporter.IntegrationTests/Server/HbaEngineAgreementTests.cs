using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgReachExporter.Probes;
using PgReachExporter.Classification;
using PgReachExporter.Configuration;
using PgReachExporter.Hba;
using PgReachExporter.IntegrationTests.Infrastructure;
using PgReachExporter.Observations;
using PgReachExporter.Probes.ServerChecks;

namespace PgReachExporter.IntegrationTests.Server;

/// <summary>
/// The rule engine against PostgreSQL itself: for generated pg_hba.conf files and clients, the engine's decision
/// (allowed, rejected, no line) equals what the server does with a real login from 127.0.0.1 or ::1 with the right
/// password, and for password logins the line the server logs as the match is the engine's first match.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed partial class HbaEngineAgreementTests(ClusterFixture fixture)
{
    private const int RuleLists = 16;
    private const int Seed = 20261129;

    private static readonly string[] Users = ["u1", "u2", "u3"];
    private static readonly string[] Databases = ["postgres", "d1", "u1", "g1"];
    private static readonly string[] ClientAddresses = ["127.0.0.1", "::1"];

    private static readonly string[] RuleTypes = ["host", "host", "host", "hostnossl", "hostssl", "hostgssenc", "hostnogssenc"];
    private static readonly string[] RuleDatabases = ["all", "d1", "postgres", "d1,postgres", "sameuser", "samerole", "g1", "u1"];
    private static readonly string[] RuleUsers = ["all", "u1", "u2", "u3", "+g1", "+g2", "u1,u3", "+g2,u3"];
    private static readonly string[] RuleAddresses =
    [
        "127.0.0.1/32", "::1/128", "127.0.0.0/8", "::/0", "0.0.0.0/0", "all", "10.0.0.0/8", "fe80::/10", "127.0.0.1 255.255.255.255",
        "127.0.0.2/32",
    ];

    private static readonly string[] Methods = ["scram-sha-256", "scram-sha-256", "md5", "reject", "trust"];

    [Fact]
    public async Task Engine_decisions_equal_real_logins_for_generated_rules_and_clients()
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions
        {
            ListenAddresses = "127.0.0.1,::1",
            ExtraConfig = new Dictionary<string, string> { ["log_connections"] = "on" },
        });
        await CreateWorldAsync(cluster);
        await using var session = await SuperuserSessionAsync(cluster);
        var random = new Random(Seed);
        var mismatches = new List<string>();
        var (logins, lineChecks, outcomes) = (0, 0, new HashSet<HbaOutcome>());

        for (var list = 0; list < RuleLists; list++)
        {
            var lines = Enumerable.Range(0, random.Next(3, 8)).Select(_ => GenerateLine(random)).ToList();
            await cluster.WriteHbaAsync(lines);
            await cluster.ReloadAsync();
            var rules = await HbaRulesCheck.RunAsync(session, CancellationToken.None);
            var roles = await RolesCheck.RunAsync(session, CancellationToken.None);
            Assert.True(rules.Succeeded && roles.Succeeded, rules.Problem ?? roles.Problem);
            Assert.True(rules.Value!.Loadable, $"generated a file the server cannot load:\n{string.Join('\n', lines)}");
            var set = HbaRuleSet.Compile(rules.Value.Rows);
            var membership = RoleMembership.FromGrants(roles.Value!.Roles, roles.Value.Grants);

            var passwordLogins = new Dictionary<string, (HbaClient Client, int Line)>(StringComparer.Ordinal);
            foreach (var client in Clients())
            {
                var decision = HbaRuleEngine.Evaluate(set, client, membership);
                var application = $"agree-{list}-{logins}";
                var observed = await LoginAsync(cluster, client, application);
                logins++;
                outcomes.Add(decision.Outcome);
                if (decision.Outcome != observed)
                {
                    mismatches.Add($"list {list}, {client.Describe()}: engine {decision.Outcome} ({decision.Reason}), server {observed}\n  {string.Join("\n  ", lines)}");
                }
                else if (observed == HbaOutcome.Allowed && decision.AuthMethod is "scram-sha-256" or "md5")
                {
                    passwordLogins[application] = (client, decision.MatchedLine);
                }
            }

            lineChecks += await CompareLoggedLinesAsync(cluster, passwordLogins, lines, list, mismatches);
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {logins} logins disagree:\n{string.Join("\n", mismatches.Take(10))}");
        Assert.Equal(RuleLists * Clients().Count(), logins);
        Assert.Superset(new HashSet<HbaOutcome> { HbaOutcome.Allowed, HbaOutcome.Rejected, HbaOutcome.NoMatch }, outcomes);
        Assert.True(lineChecks >= 20, $"only {lineChecks} matched lines were compared with the server log");
    }

    private static IEnumerable<HbaClient> Clients() =>
        from address in ClientAddresses
        from user in Users
        from database in Databases
        select new HbaClient($"{user}@{address}/{database}", address, database, user);

    private static string GenerateLine(Random random)
    {
        string Pick(string[] values) => values[random.Next(values.Length)];
        return $"{Pick(RuleTypes)} {Pick(RuleDatabases)} {Pick(RuleUsers)} {Pick(RuleAddresses)} {Pick(Methods)}";
    }

    private static async Task CreateWorldAsync(PostgresCluster cluster)
    {
        foreach (var user in Users)
        {
            await cluster.CreateRoleAsync(user, Password(user));
        }

        await cluster.CreateRoleAsync("g1", null, login: false);
        await cluster.CreateRoleAsync("g2", null, login: false);
        await cluster.ExecuteAsync("GRANT g1 TO u1; GRANT g2 TO u2; GRANT g2 TO g1");
        foreach (var database in Databases.Where(d => d != "postgres"))
        {
            await cluster.CreateDatabaseAsync(database);
        }
    }

    private static string Password(string user) => $"pw-{user}";

    private static async Task<HbaOutcome> LoginAsync(PostgresCluster cluster, HbaClient client, string application)
    {
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = client.Address, Port = cluster.Port, Username = client.User, Password = Password(client.User), Database = client.Database,
            SslMode = SslMode.Disable, GssEncryptionMode = GssEncryptionMode.Disable, Pooling = false, Timeout = 10, ApplicationName = application,
        }.ConnectionString;
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            return HbaOutcome.Allowed;
        }
        catch (PostgresException ex)
        {
            return LoginFailures.Classify(ex).Result switch
            {
                LoginResult.NoHbaEntry => HbaOutcome.NoMatch,
                LoginResult.HbaReject => HbaOutcome.Rejected,
                var other => throw new InvalidOperationException($"{client.Describe()}: unexpected login failure {other}: {ex.MessageText}"),
            };
        }
    }

    /// <summary>
    /// With log_connections the server logs, for a password login, the pg_hba.conf line it matched
    /// ("connection authenticated: ... (file:line)"), and then the application name ("connection authorized").
    /// </summary>
    private static async Task<int> CompareLoggedLinesAsync(
        PostgresCluster cluster, Dictionary<string, (HbaClient Client, int Line)> expected, List<string> lines, int list, List<string> mismatches)
    {
        if (expected.Count == 0)
        {
            return 0;
        }

        await cluster.WaitForLogAsync($"application_name={expected.Keys.Last()}");
        // Scanned in order, so a process id the OS reuses later maps to its own login.
        var lastMatchedLine = new Dictionary<string, int>(StringComparer.Ordinal);
        var loggedLine = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in cluster.ReadLog().Split('\n'))
        {
            if (Authenticated().Match(entry) is { Success: true } authenticated)
            {
                lastMatchedLine[authenticated.Groups["pid"].Value] = int.Parse(authenticated.Groups["line"].Value, CultureInfo.InvariantCulture);
            }
            else if (Authorized().Match(entry) is { Success: true } authorized && lastMatchedLine.TryGetValue(authorized.Groups["pid"].Value, out var matched))
            {
                loggedLine[authorized.Groups["app"].Value] = matched;
            }
        }

        foreach (var (app, (client, line)) in expected)
        {
            var logged = loggedLine.TryGetValue(app, out var l) ? l : (int?)null;
            if (logged != line)
            {
                mismatches.Add($"list {list}, {client.Describe()}: engine matched line {line}, server logged line {logged?.ToString(CultureInfo.InvariantCulture) ?? "none"}\n  {string.Join("\n  ", lines)}");
            }
        }

        return expected.Count;
    }

    private static async Task<MonitoringSession> SuperuserSessionAsync(PostgresCluster cluster)
    {
        var session = new MonitoringSession("agreement", new MonitoringDefinition
        {
            Host = cluster.SocketDirectory, Port = cluster.Port, Database = "postgres", Username = PostgresCluster.Superuser,
            ConnectTimeout = TimeSpan.FromSeconds(5), StatementTimeout = TimeSpan.FromSeconds(5),
        }, TimeProvider.System, NullLogger.Instance);
        Assert.True(await session.WaitConnectedAsync(TimeSpan.FromSeconds(10), CancellationToken.None), session.Problem);
        return session;
    }

    [GeneratedRegex(@"\[(?<pid>\d+)\] LOG:  connection authenticated: .*\(.*:(?<line>\d+)\)")]
    private static partial Regex Authenticated();

    [GeneratedRegex(@"\[(?<pid>\d+)\] LOG:  connection authorized: .*application_name=(?<app>agree-\d+-\d+)")]
    private static partial Regex Authorized();
}

using Npgsql;
using PgReachExporter.Classification;
using PgReachExporter.Cli;
using PgReachExporter.Hba;
using PgReachExporter.Hba.Lint;
using PgReachExporter.IntegrationTests.Infrastructure;
using PgReachExporter.Observations;
using PgReachExporter.Probes;

namespace PgReachExporter.IntegrationTests.Lint;

/// <summary>
/// lint-hba's allowed/rejected answers against real logins: valid generated files are loaded with pg_reload_conf(),
/// and every client the linter can decide offline logs in from 127.0.0.1 or ::1 with the right password. Allowed
/// means the server got past pg_hba.conf (the login works); rejected means "no pg_hba.conf entry" or a reject line.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class LintLoginAgreementTests(ClusterFixture fixture)
{
    private const int Files = 10;
    private const int Seed = 20261203;

    private static readonly string[] Users = ["u1", "u2"];
    private static readonly string[] Databases = ["postgres", "d1"];
    private static readonly string[] Addresses = ["127.0.0.1", "::1"];

    private static readonly string[] Types = ["host", "host", "hostnossl", "hostssl"];
    private static readonly string[] RuleDatabases = ["all", "d1", "postgres", "\"all\"", "sameuser", "d1,postgres", "\"d1\""];
    private static readonly string[] RuleUsers = ["all", "u1", "u2", "\"all\"", "u1,u2", "+g1"];
    private static readonly string[] RuleAddresses =
        ["127.0.0.1/32", "::1/128", "127.0.0.0/8", "10.0.0.0/8", "all", "0.0.0.0/0", "::/0", "127.1/32", "127.0.0.1 255.255.255.255", "0x7f000001/32", "samehost"];
    private static readonly string[] Methods = ["trust", "reject", "scram-sha-256", "md5"];

    [Theory]
    [InlineData(15)]
    [InlineData(18)]
    public async Task Lint_answers_equal_real_logins_from_loopback(int major)
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { Major = major, ListenAddresses = "127.0.0.1,::1" });
        foreach (var user in Users)
            await cluster.CreateRoleAsync(user, Password(user));
        await cluster.CreateRoleAsync("g1", null, login: false);
        await cluster.ExecuteAsync("GRANT g1 TO u1");
        await cluster.CreateDatabaseAsync("d1");
        var random = new Random(Seed + major);
        var mismatches = new List<string>();
        var (decided, undecided) = (0, 0);

        for (var file = 0; file < Files; file++)
        {
            var lines = Enumerable.Range(0, random.Next(2, 7)).Select(_ => Line(random)).Prepend(PostgresCluster.SuperuserHbaLine).ToList();
            var text = string.Join('\n', lines) + "\n";
            var clients = Clients().ToList();
            var report = HbaLinter.Lint(cluster.HbaFilePath, text, new HbaDialect(major), new DiskHbaFileSource(), clients);
            Assert.True(report.Findings.All(f => f.Severity != HbaLintSeverity.Error), $"generated a file lint-hba rejects:\n{text}");
            await File.WriteAllTextAsync(cluster.HbaFilePath, text);
            await cluster.ReloadAsync();

            foreach (var verdict in report.Clients)
            {
                if (verdict.Allowed is not { } expected)
                {
                    undecided++;
                    continue;
                }

                decided++;
                var observed = await AdmittedAsync(cluster, verdict.Client);
                if (observed != expected)
                    mismatches.Add($"{verdict.Client.Describe()}: lint {(expected ? "allowed" : "rejected")} ({verdict.Reason}), server {(observed ? "admitted" : "rejected")}\n  {string.Join("\n  ", lines)}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {decided} logins disagree:\n{string.Join("\n", mismatches.Take(8))}");
        Assert.True(decided >= Files * 4, $"only {decided} decided clients ({undecided} undecidable)");
    }

    private static IEnumerable<HbaClient> Clients() =>
        from address in Addresses
        from user in Users
        from database in Databases
        select new HbaClient($"{user}@{address}/{database}", address, database, user);

    private static string Line(Random random)
    {
        string Pick(string[] values) => values[random.Next(values.Length)];
        return $"{Pick(Types)} {Pick(RuleDatabases)} {Pick(RuleUsers)} {Pick(RuleAddresses)} {Pick(Methods)}";
    }

    private static string Password(string user) => $"pw-{user}";

    /// <summary>True when the server got past pg_hba.conf: the login works, or only the password check failed.</summary>
    private static async Task<bool> AdmittedAsync(PostgresCluster cluster, HbaClient client)
    {
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = client.Address, Port = cluster.Port, Username = client.User, Password = Password(client.User), Database = client.Database,
            SslMode = SslMode.Disable, GssEncryptionMode = GssEncryptionMode.Disable, Pooling = false, Timeout = 10,
        }.ConnectionString;
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            return true;
        }
        catch (PostgresException ex)
        {
            return LoginFailures.Classify(ex).Result switch
            {
                LoginResult.NoHbaEntry or LoginResult.HbaReject => false,
                LoginResult.PasswordFailed => true,
                var other => throw new InvalidOperationException($"{client.Describe()}: unexpected login failure {other}: {ex.MessageText}"),
            };
        }
    }
}

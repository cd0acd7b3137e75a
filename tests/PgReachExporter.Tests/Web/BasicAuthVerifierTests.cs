using System.Diagnostics;
using System.Text;
using PgReachExporter.Web;

namespace PgReachExporter.Tests.Web;

/// <summary>Basic auth as the toolkit checks it: bcrypt, a decoy for unknown users, a cache of successes only.</summary>
public sealed class BasicAuthVerifierTests
{
    // "fakepassword" at cost 10 (the toolkit's decoy), written with $2y$ as htpasswd writes it.
    private const string Hash = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";
    private const string Decoy = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSj";

    private static readonly Dictionary<string, string> Users = new(StringComparer.Ordinal) { ["prometheus"] = Hash };

    private static string Header(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    [Fact]
    public async Task The_right_password_passes_and_a_wrong_one_or_an_unknown_user_does_not()
    {
        using var verifier = new BasicAuthVerifier();

        Assert.True(await verifier.IsAuthorizedAsync(Users, Decoy, Header("prometheus", "fakepassword"), default));
        Assert.False(await verifier.IsAuthorizedAsync(Users, Decoy, Header("prometheus", "fakepassword2"), default));
        Assert.False(await verifier.IsAuthorizedAsync(Users, Decoy, Header("Prometheus", "fakepassword"), default));
        Assert.False(await verifier.IsAuthorizedAsync(Users, Decoy, Header("nobody", "fakepassword"), default));
        Assert.False(await verifier.IsAuthorizedAsync(Users, Decoy, null, default));
        Assert.False(await verifier.IsAuthorizedAsync(Users, Decoy, "Bearer abc", default));
        Assert.False(await verifier.IsAuthorizedAsync(Users, Decoy, "Basic !!!", default));
    }

    [Fact]
    public async Task An_unknown_user_runs_a_full_bcrypt_like_a_wrong_password()
    {
        using var verifier = new BasicAuthVerifier();
        await verifier.IsAuthorizedAsync(Users, Decoy, Header("prometheus", "warm-up"), default);

        var wrong = Stopwatch.StartNew();
        await verifier.IsAuthorizedAsync(Users, Decoy, Header("prometheus", "wrong"), default);
        wrong.Stop();
        var unknown = Stopwatch.StartNew();
        await verifier.IsAuthorizedAsync(Users, Decoy, Header("nobody", "wrong"), default);
        unknown.Stop();

        // Cost 10 is tens of milliseconds on any machine; a skipped bcrypt would be microseconds. Only the floor is asserted.
        Assert.True(unknown.Elapsed > wrong.Elapsed / 4, $"unknown user {unknown.Elapsed.TotalMilliseconds} ms, wrong password {wrong.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_cached_success_stops_matching_when_the_hash_changes_or_the_user_is_removed()
    {
        using var verifier = new BasicAuthVerifier();
        Assert.True(await verifier.IsAuthorizedAsync(Users, Decoy, Header("prometheus", "fakepassword"), default));

        var rehashed = new Dictionary<string, string>(StringComparer.Ordinal) { ["prometheus"] = BCrypt.Net.BCrypt.HashPassword("other", 4) };
        Assert.False(await verifier.IsAuthorizedAsync(rehashed, Decoy, Header("prometheus", "fakepassword"), default));
        Assert.False(await verifier.IsAuthorizedAsync(new Dictionary<string, string>(), Decoy, Header("prometheus", "fakepassword"), default));
        Assert.True(await verifier.IsAuthorizedAsync(rehashed, Decoy, Header("prometheus", "other"), default));
    }

    [Theory]
    [InlineData("basic cHJvbWV0aGV1czpwYTpzcw==", "prometheus", "pa:ss")]
    [InlineData("Basic OmVtcHR5LXVzZXI=", "", "empty-user")]
    public void The_header_is_split_at_the_first_colon(string header, string user, string password)
    {
        Assert.True(BasicAuthVerifier.TryParse(header, out var u, out var p));
        Assert.Equal(user, u);
        Assert.Equal(password, p);
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace PgReachExporter.Web;

/// <summary>
/// Checks a basic auth header against the bcrypt hashes of basic_auth_users, as the exporter toolkit does: an unknown
/// user is verified against a decoy hash of the same cost, so it costs what a wrong password costs; one bcrypt runs at a
/// time (it is slow on purpose, and a flood must not take every core). Successful verifications are cached under a
/// keyed hash of (user, hash, password) with a key made at start, so the cache holds no password and a changed hash
/// or removed user no longer matches.
/// </summary>
internal sealed class BasicAuthVerifier : IDisposable
{
    /// <summary>Entries kept; the toolkit keeps 100 too. When full the cache starts again (an attacker cannot fill it: only successes enter).</summary>
    public const int CacheSize = 100;

    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, bool> _verified = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _bcrypt = new(1, 1);

    /// <summary>Whether the Authorization header carries a configured user and that user's password.</summary>
    public async ValueTask<bool> IsAuthorizedAsync(IReadOnlyDictionary<string, string> users, string decoyHash, string? authorization, CancellationToken cancel)
    {
        if (!TryParse(authorization, out var user, out var password))
        {
            return false;
        }

        var known = users.TryGetValue(user, out var hash);
        hash = known ? hash! : decoyHash;
        var key = CacheKey(user, hash, password);
        if (known && _verified.ContainsKey(key))
        {
            return true;
        }

        bool matches;
        await _bcrypt.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            // BCrypt.Verify compares the computed hash with the stored one in constant time (its SecureEquals).
            matches = BCrypt.Net.BCrypt.Verify(password, hash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            matches = false;
        }
        finally
        {
            _bcrypt.Release();
        }

        if (!(known && matches))
        {
            return false;
        }

        if (_verified.Count >= CacheSize)
        {
            _verified.Clear();
        }

        _verified[key] = true;
        return true;
    }

    /// <summary>Parses "Basic base64(user:password)" as Go's Request.BasicAuth does (scheme case-insensitive, split at the first ':').</summary>
    public static bool TryParse(string? authorization, out string user, out string password)
    {
        user = password = "";
        const string Scheme = "Basic ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(authorization[Scheme.Length..]));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        user = decoded[..colon];
        password = decoded[(colon + 1)..];
        return true;
    }

    private string CacheKey(string user, string hash, string password)
    {
        var material = Encoding.UTF8.GetBytes($"{user.Length}:{user}\0{hash}\0{password}");
        try
        {
            return Convert.ToHexString(HMACSHA256.HashData(_cacheKey, material));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    public void Dispose() => _bcrypt.Dispose();
}

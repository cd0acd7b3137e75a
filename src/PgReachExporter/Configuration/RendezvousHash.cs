using System.Text;

namespace PgReachExporter.Configuration;

/// <summary>
/// Rendezvous (highest random weight) hashing of target names onto shards: a name goes to the shard with the highest
/// weight, so growing from N to N+1 shards moves only the names the new shard wins (about 1/(N+1) of them).
/// The hash is hand-written (FNV-1a over UTF-8, then the SplitMix64 finaliser per shard) because every replica, of
/// every version, must agree on it forever: string.GetHashCode is randomised per process, and a package's hash
/// could change under an upgrade. The test vectors in RendezvousHashTests pin it.
/// </summary>
internal static class RendezvousHash
{
    private const ulong FnvOffset = 0xcbf29ce484222325;
    private const ulong FnvPrime = 0x100000001b3;
    private const ulong Golden = 0x9e3779b97f4a7c15;

    /// <summary>The shard (0 to <paramref name="shards"/> - 1) that <paramref name="name"/> belongs to.</summary>
    public static int ShardOf(string name, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        var key = NameHash(name);
        var best = 0;
        var bestWeight = 0UL;
        for (var shard = 0; shard < shards; shard++)
        {
            var weight = Weight(key, shard);
            if (shard == 0 || weight > bestWeight)
            {
                best = shard;
                bestWeight = weight;
            }
        }

        return best;
    }

    /// <summary>FNV-1a, 64 bits, over the name's UTF-8 bytes.</summary>
    public static ulong NameHash(string name)
    {
        var hash = FnvOffset;
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(name) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(name, buffer)] : Encoding.UTF8.GetBytes(name);
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * FnvPrime;
        }

        return hash;
    }

    /// <summary>The weight of a name (by its hash) for one shard: SplitMix64's finaliser of the hash and the shard number.</summary>
    public static ulong Weight(ulong nameHash, int shard)
    {
        var z = nameHash ^ ((ulong)(shard + 1) * Golden);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
        z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
        return z ^ (z >> 31);
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PgReachExporter.LoadHarness;

/// <summary>The kind of loopback endpoint a target points at.</summary>
internal enum TargetKind
{
    Open,
    Refused,
    BlackHole,
}

/// <summary>What an open target's login meets.</summary>
internal enum OpenLogin
{
    /// <summary>A harness listener that rejects the login as a server without a matching pg_hba.conf line does.</summary>
    Fake,

    /// <summary>A real PostgreSQL server, where the login succeeds with scram-sha-256.</summary>
    Scram,

    /// <summary>A real PostgreSQL server, where no pg_hba.conf line matches the login.</summary>
    Hba,
}

/// <summary>One target of the agent's config.</summary>
internal sealed record LoadTarget(string Name, TargetKind Kind, IPEndPoint EndPoint)
{
    public string Username { get; init; } = RealPostgresServer.RejectedUser;

    public string? PasswordFile { get; init; }
}

/// <summary>
/// Every endpoint the agent probes, all on loopback and all owned by the harness: one rejecting PostgreSQL
/// listener per open target on 127.0.0.1 (or, with --open-login, one real PostgreSQL server for them all), a free port on 127.0.0.2 per refused target, and one black-hole
/// listener on 127.0.0.3 shared by all black-holed targets.
/// </summary>
internal sealed class LoopbackTargets : IAsyncDisposable
{
    private static readonly IPAddress OpenAddress = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress RefusedAddress = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress BlackHoleAddress = IPAddress.Parse("127.0.0.3");

    private readonly List<RejectingPostgresListener> _open = [];
    private BlackHoleListener? _blackHole;
    private RealPostgresServer? _server;

    private LoopbackTargets()
    {
    }

    public IReadOnlyList<LoadTarget> Targets { get; private set; } = [];

    /// <summary>Connections the rejecting listeners accepted, to show the open targets were really probed.</summary>
    public long OpenConnections => _open.Sum(l => (long)l.Connections);

    public static async Task<LoopbackTargets> OpenAsync(HarnessOptions options, CancellationToken cancellation)
    {
        var targets = new LoopbackTargets();
        try
        {
            var list = new List<LoadTarget>(options.Targets);
            if (options.OpenLogin != OpenLogin.Fake && options.OpenTargets > 0)
            {
                var server = targets._server = await RealPostgresServer.StartAsync(options.PostgresBin, options.WorkDirectory, cancellation).ConfigureAwait(false);
                var scram = options.OpenLogin == OpenLogin.Scram;
                for (var i = 0; i < options.OpenTargets; i++)
                {
                    list.Add(new($"open-{i:D4}", TargetKind.Open, server.EndPoint)
                    {
                        Username = scram ? RealPostgresServer.ScramUser : RealPostgresServer.RejectedUser,
                        PasswordFile = scram ? server.PasswordFile : null,
                    });
                }
            }
            else
            {
                for (var i = 0; i < options.OpenTargets; i++)
                {
                    var listener = new RejectingPostgresListener(OpenAddress);
                    targets._open.Add(listener);
                    list.Add(new($"open-{i:D4}", TargetKind.Open, listener.EndPoint));
                }
            }

            for (var i = 0; i < options.RefusedTargets; i++)
            {
                list.Add(new($"refused-{i:D4}", TargetKind.Refused, new IPEndPoint(RefusedAddress, FreePort(RefusedAddress))));
            }

            if (options.BlackHoleTargets > 0)
            {
                targets._blackHole = await BlackHoleListener.OpenAsync(BlackHoleAddress, cancellation).ConfigureAwait(false);
                for (var i = 0; i < options.BlackHoleTargets; i++)
                {
                    list.Add(new($"blackhole-{i:D4}", TargetKind.BlackHole, targets._blackHole.EndPoint));
                }
            }

            targets.Targets = list;
            return targets;
        }
        catch
        {
            await targets.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Writes the agent's --config file for these targets.</summary>
    public void WriteAgentConfig(string path, HarnessOptions options)
    {
        var targets = new JsonArray();
        foreach (var target in Targets)
        {
            targets.Add(new JsonObject
            {
                ["Name"] = target.Name,
                ["Host"] = target.EndPoint.Address.ToString(),
                ["Port"] = target.EndPoint.Port,
                ["Database"] = "postgres",
                ["Username"] = target.Username,
            });
            if (target.PasswordFile is { } passwordFile)
            {
                targets[^1]!["PasswordFile"] = passwordFile;
            }
        }

        var config = new JsonObject
        {
            ["PgReach"] = new JsonObject
            {
                ["Interval"] = $"{options.Interval.TotalMilliseconds:0}ms",
                ["ConnectTimeout"] = $"{options.ConnectTimeout.TotalMilliseconds:0}ms",
                ["Targets"] = targets,
            },
        };
        File.WriteAllText(path, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>A port nothing listens on: bound by the OS, then released, so a connect gets a reset.</summary>
    private static int FreePort(IPAddress address)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var listener in _open)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        _blackHole?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }
}

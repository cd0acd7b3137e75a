using System.Net;
using System.Net.Sockets;

namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>
/// A loopback TCP listener that accepts until disposed, hands each connection to a handler, and keeps
/// every accepted socket open until disposal. Shared by the listeners that do accept.
/// </summary>
internal sealed class AcceptLoop : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<Socket, CancellationToken, Task> _handle;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Socket> _accepted = [];
    private readonly List<Task> _handlers = [];
    private readonly Task _loop;
    private TaskCompletionSource _acceptedChanged = NewSignal();

    public AcceptLoop(IPAddress address, int port, Func<Socket, CancellationToken, Task> handle)
    {
        LoopbackAddress.Require(address);
        _handle = handle;
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.Bind(new IPEndPoint(address, port));
            _listener.Listen(64);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }

        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _loop = Task.Run(RunAsync);
    }

    public IPEndPoint EndPoint { get; }

    public int AcceptedCount
    {
        get
        {
            lock (_accepted)
            {
                return _accepted.Count;
            }
        }
    }

    public async Task WaitForAcceptedAsync(int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_accepted)
            {
                if (_accepted.Count >= count)
                {
                    return;
                }

                changed = _acceptedChanged.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{EndPoint} accepted {AcceptedCount} of {count} connections within {timeout.TotalSeconds:0.#} s.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _loop.ConfigureAwait(false);
        Task[] handlers;
        lock (_accepted)
        {
            _accepted.ForEach(s => s.Dispose());
            handlers = [.. _handlers];
        }

        await Task.WhenAll(handlers).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task RunAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            TaskCompletionSource signal;
            lock (_accepted)
            {
                _accepted.Add(client);
                _handlers.Add(HandleAsync(client));
                signal = _acceptedChanged;
                _acceptedChanged = NewSignal();
            }

            signal.SetResult();
        }
    }

    private async Task HandleAsync(Socket client)
    {
        try
        {
            await _handle(client, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // the peer went away or we are shutting down
        }
    }
}

namespace PgReachExporter.Probes;

/// <summary>
/// A token cancelled when <c>stopping</c> is, or when the caller's time runs out on the injected clock (never the wall
/// clock), so tests that drive a <see cref="TimeProvider"/> drive every deadline too.
/// </summary>
internal readonly struct Deadline : IDisposable
{
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource _linked;

    private Deadline(CancellationTokenSource timer, CancellationTokenSource linked)
    {
        _timer = timer;
        _linked = linked;
    }

    public CancellationToken Token => _linked.Token;

    public static Deadline After(TimeSpan timeout, TimeProvider time, CancellationToken stopping)
    {
        var timer = new CancellationTokenSource(timeout, time);
        return new Deadline(timer, CancellationTokenSource.CreateLinkedTokenSource(stopping, timer.Token));
    }

    public void Dispose()
    {
        _linked.Dispose();
        _timer.Dispose();
    }
}

namespace PgReachExporter.Web;

/// <summary>
/// How many /probe requests run at once. A request over the limit is turned away at once (503), never queued: a
/// queued probe would spend its scrape timeout waiting and report a timeout that is the agent's, not the network's.
/// The limit is read per request, so a reloaded PgReach:Probe:MaxConcurrent applies to the next one.
/// </summary>
/// <remarks>A counter rather than Polly's rate limiter: with no queue and no rate, admission is one compare-and-add.</remarks>
internal sealed class ProbeBulkhead
{
    private int _running;

    public int Running => Volatile.Read(ref _running);

    /// <summary>Takes a slot, or returns null when <paramref name="limit"/> probes already run; dispose the slot when done.</summary>
    public IDisposable? TryEnter(int limit)
    {
        if (Interlocked.Increment(ref _running) > limit)
        {
            Interlocked.Decrement(ref _running);
            return null;
        }

        return new Slot(this);
    }

    private sealed class Slot(ProbeBulkhead owner) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Decrement(ref owner._running);
            }
        }
    }
}

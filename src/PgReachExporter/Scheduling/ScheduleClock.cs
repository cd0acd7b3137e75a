namespace PgReachExporter.Scheduling;

/// <summary>
/// One timer for the schedule of every target, instead of a timer each. With 10,000 targets a timer per target put
/// 10,000 entries in the runtime's timer queue, which it walks at every expiry (about 3 % of the agent's CPU), and
/// woke a thread for each target's start. Here the targets wait in one queue ordered by due time, and one expiry
/// releases every target due within <see cref="Coalescing"/> of it: a few hundred expiries a second become at most
/// <c>1 / Coalescing</c>. Due times come from the injected clock, so tests that drive a <see cref="TimeProvider"/>
/// drive the schedule.
/// </summary>
internal sealed class ScheduleClock : IDisposable
{
    /// <summary>A target may start this much before its due time when another's expiry releases it early.</summary>
    public static readonly TimeSpan Coalescing = TimeSpan.FromMilliseconds(5);

    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private readonly PriorityQueue<Waiter, long> _waiting = new();
    private readonly long _coalescing;
    private long _armedFor = long.MaxValue;
    private bool _disposed;

    public ScheduleClock(TimeProvider time)
    {
        _time = time;
        _coalescing = ToTimestamp(Coalescing);
        _timer = time.CreateTimer(static state => ((ScheduleClock)state!).Expired(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The clock's current timestamp (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long Now => _time.GetTimestamp();

    public long ToTimestamp(TimeSpan span) => (long)(span.Ticks * (_time.TimestampFrequency / (double)TimeSpan.TicksPerSecond));

    /// <summary>Completes after <paramref name="delay"/> (up to <see cref="Coalescing"/> early); cancelled with <paramref name="cancel"/>.</summary>
    public Task DelayAsync(TimeSpan delay, CancellationToken cancel) => UntilAsync(Now + ToTimestamp(delay), cancel);

    /// <summary>Completes at the timestamp <paramref name="due"/> (up to <see cref="Coalescing"/> early); cancelled with <paramref name="cancel"/>.</summary>
    public Task UntilAsync(long due, CancellationToken cancel)
    {
        if (cancel.IsCancellationRequested)
        {
            return Task.FromCanceled(cancel);
        }

        var waiter = new Waiter(cancel);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _waiting.Enqueue(waiter, due);
            if (due < _armedFor)
            {
                Arm(due, Now);
            }
        }

        return waiter.Task;
    }

    /// <summary>A tick every <paramref name="period"/> from now on, as <see cref="PeriodicTimer"/> ticks, on this clock.</summary>
    public Ticker Every(TimeSpan period) => new(this, period);

    private void Expired()
    {
        List<Waiter>? due = null;
        lock (_gate)
        {
            var now = Now;
            while (_waiting.TryPeek(out var waiter, out var at) && at <= now + _coalescing)
            {
                _waiting.Dequeue();
                (due ??= []).Add(waiter);
            }

            _armedFor = long.MaxValue;
            if (!_disposed && _waiting.TryPeek(out _, out var next))
            {
                Arm(next, now);
            }
        }

        // Outside the lock: each waiter's continuation is queued to the thread pool, not run here.
        foreach (var waiter in due ?? [])
        {
            waiter.Release();
        }
    }

    private void Arm(long due, long now)
    {
        _armedFor = due;
        var wait = due <= now ? TimeSpan.Zero : TimeSpan.FromTicks((long)((due - now) * (TimeSpan.TicksPerSecond / (double)_time.TimestampFrequency)));
        _timer.Change(wait, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Stops the timer; waiters still queued are cancelled.</summary>
    public void Dispose()
    {
        List<Waiter> left;
        lock (_gate)
        {
            _disposed = true;
            left = [.. _waiting.UnorderedItems.Select(i => i.Element)];
            _waiting.Clear();
        }

        _timer.Dispose();
        foreach (var waiter in left)
        {
            waiter.Cancel();
        }
    }

    private sealed class Waiter
    {
        // Continuations run on the thread pool, never on the timer's callback, which releases a batch.
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenRegistration _cancellation;

        public Waiter(CancellationToken cancel) =>
            _cancellation = cancel.CanBeCanceled
                ? cancel.UnsafeRegister(static (state, token) => ((Waiter)state!)._done.TrySetCanceled(token), this)
                : default;

        public Task Task => _done.Task;

        public void Release()
        {
            _cancellation.Dispose();
            _done.TrySetResult();
        }

        public void Cancel()
        {
            _cancellation.Dispose();
            _done.TrySetCanceled();
        }
    }

    /// <summary>
    /// Ticks on a fixed grid from its creation; a tick missed while the caller was busy (a cycle longer than the
    /// period) is taken at once, and the next one stays on the grid, as with <see cref="PeriodicTimer"/>.
    /// </summary>
    internal sealed class Ticker
    {
        private readonly ScheduleClock _clock;
        private readonly long _period;
        private long _next;

        public Ticker(ScheduleClock clock, TimeSpan period)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
            _clock = clock;
            _period = Math.Max(1, clock.ToTimestamp(period));
            _next = clock.Now + _period;
        }

        /// <summary>Waits for the next tick; throws <see cref="OperationCanceledException"/> when <paramref name="stopping"/> is cancelled.</summary>
        public Task WaitForNextTickAsync(CancellationToken stopping)
        {
            var now = _clock.Now;
            if (now >= _next)
            {
                do
                {
                    _next += _period;
                }
                while (_next <= now);
                return Task.CompletedTask;
            }

            // The tick after this one is set before waiting, so the wait needs no continuation of its own.
            var due = _next;
            _next += _period;
            return _clock.UntilAsync(due, stopping);
        }
    }
}

using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Npgsql;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;
using Polly;
using Polly.Retry;

namespace PgReachExporter.Probes.ServerChecks;

/// <summary>
/// A target's one monitoring connection: opened once, kept between cycles, re-opened in the background with capped,
/// jittered exponential backoff when lost. Every query is bounded by statement_timeout on the server and by a
/// deadline here. It never takes part in the reachability probe.
/// </summary>
internal sealed partial class MonitoringSession : IAsyncDisposable
{
    public const string ApplicationName = "pgreach-monitor";
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(60);

    // Npgsql cancels a query at the deadline and waits this long for the server to confirm before breaking the connection.
    private static readonly TimeSpan CancellationGrace = TimeSpan.FromSeconds(2);

    private readonly string _target;
    private readonly MonitoringDefinition _definition;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly NpgsqlDataSource _dataSource;
    private readonly ResiliencePipeline _reconnect;
    private readonly CancellationTokenSource _disposing = new();
    private readonly Lock _gate = new();
    private NpgsqlConnection? _connection;
    private Task _connecting = Task.CompletedTask;
    private int _failedAttempts;

    public MonitoringSession(string target, MonitoringDefinition definition, TimeProvider time, ILogger logger)
    {
        _target = target;
        _definition = definition;
        _time = time;
        _logger = logger;
        _dataSource = PostgresConnector.DataSource(ConnectionString(definition), definition.Password, arrays: true);
        _reconnect = new ResiliencePipelineBuilder { Name = "monitoring-reconnect", InstanceName = target, TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null && !_disposing.IsCancellationRequested),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = FirstRetryDelay,
                MaxDelay = MaxRetryDelay,
                MaxRetryAttempts = int.MaxValue,
            })
            .Build();
    }

    /// <summary>True while a connection is open.</summary>
    public bool IsConnected => Volatile.Read(ref _connection) is not null;

    /// <summary>Why the last connection attempt failed or the connection was lost; null while connected.</summary>
    public string? Problem { get; private set; } = "not connected yet";

    /// <summary>The connected server's major version (0 while not connected).</summary>
    public int ServerMajor { get; private set; }

    internal static string ConnectionString(MonitoringDefinition definition) => new NpgsqlConnectionStringBuilder
    {
        Host = definition.Host,
        Port = definition.Port,
        Database = definition.Database,
        Username = definition.Username,
        SslMode = PostgresConnector.SslModeFor(definition.Host, definition.SslMode),
        Pooling = false,
        Timeout = (int)Math.Ceiling(definition.ConnectTimeout.TotalSeconds) + 1,
        CommandTimeout = (int)Math.Ceiling((definition.StatementTimeout + CancellationGrace + CancellationGrace).TotalSeconds),
        ApplicationName = ApplicationName,
        Options = $"-c statement_timeout={(long)definition.StatementTimeout.TotalMilliseconds}",
        TcpKeepAlive = true,
        Multiplexing = false,
        Enlist = false,
    }.ConnectionString;

    /// <summary>Starts connecting in the background unless connected or already trying.</summary>
    public void EnsureConnecting()
    {
        lock (_gate)
        {
            if (_connection is null && _connecting.IsCompleted && !_disposing.IsCancellationRequested)
            {
                _connecting = Task.Run(ConnectAsync);
            }
        }
    }

    /// <summary>Waits, at most <paramref name="bound"/>, for the connection; returns whether it is open.</summary>
    public async Task<bool> WaitConnectedAsync(TimeSpan bound, CancellationToken stopping)
    {
        EnsureConnecting();
        Task connecting;
        lock (_gate)
        {
            connecting = _connecting;
        }

        try
        {
            await connecting.WaitAsync(bound, _time, stopping).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Still retrying in the background.
        }

        return IsConnected;
    }

    /// <summary>Runs one query and maps every row; never throws for a failure the check should report.</summary>
    /// <param name="parameters">Values of $1, $2, ... in <paramref name="sql"/>.</param>
    public async Task<QueryRows<TRow>> QueryAsync<TRow>(string sql, Func<NpgsqlDataReader, TRow> map, CancellationToken stopping, params object[] parameters)
    {
        var connection = Volatile.Read(ref _connection);
        if (connection is null)
        {
            return QueryRows<TRow>.Failed(ServerCheckResult.Error, Problem ?? "not connected");
        }

        using var deadline = Deadline.After(_definition.StatementTimeout + CancellationGrace, _time, stopping);
        var run = ReadAllAsync(connection, sql, parameters, map, deadline.Token);
        try
        {
            // The later bound holds even if the driver cannot get through to cancel (a black-holed connection).
            var rows = await run.WaitAsync(_definition.StatementTimeout + CancellationGrace + CancellationGrace, _time, stopping).ConfigureAwait(false);
            return new QueryRows<TRow>(rows, ServerCheckResult.Ok, null);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            var problem = ServerCheckFailure.Describe(ex);

            // An error the server reported, or a row the check could not map, leaves the session usable; a broken
            // connection, or one still busy with a query past the deadline, does not.
            if (connection.FullState != System.Data.ConnectionState.Open)
            {
                Lost(connection, run, problem);
            }

            return QueryRows<TRow>.Failed(ServerCheckFailure.Classify(ex), problem);
        }
    }

    private static async Task<ImmutableArray<TRow>> ReadAllAsync<TRow>(
        NpgsqlConnection connection, string sql, object[] parameters, Func<NpgsqlDataReader, TRow> map, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        var rows = ImmutableArray.CreateBuilder<TRow>();
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            rows.Add(map(reader));
        }

        return rows.ToImmutable();
    }

    private async Task ConnectAsync()
    {
        try
        {
            var connection = await _reconnect.ExecuteAsync(OpenAsync, _disposing.Token).ConfigureAwait(false);
            lock (_gate)
            {
                _connection = connection;
                ServerMajor = connection.PostgreSqlVersion.Major;
                Problem = null;
            }

            if (_failedAttempts == 0)
            {
                LogConnected(_target, _definition.Endpoint);
            }
            else
            {
                LogReconnected(_target, _definition.Endpoint, _failedAttempts);
            }

            _failedAttempts = 0;
        }
        catch (Exception) when (_disposing.IsCancellationRequested)
        {
            // Disposed while connecting: whatever the last attempt threw no longer matters.
        }
    }

    private async ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellation)
    {
        try
        {
            return await PostgresConnector.OpenAsync(_dataSource, _definition.ConnectTimeout, _time, cancellation).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (cancellation.IsCancellationRequested)
            {
                throw;
            }

            Problem = ServerCheckFailure.Describe(ex);
            if (_failedAttempts++ == 0)
            {
                LogConnectFailed(_target, _definition.Endpoint, Problem);
            }
            else
            {
                LogConnectRetryFailed(_target, _failedAttempts, Problem);
            }

            throw;
        }
    }

    private void Lost(NpgsqlConnection connection, Task run, string problem)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_connection, connection))
            {
                return;
            }

            _connection = null;
            Problem = problem;
        }

        LogLost(_target, problem);
        PostgresConnector.DisposeWhenSettled(connection, run);
        EnsureConnecting();
    }

    public async ValueTask DisposeAsync()
    {
        await _disposing.CancelAsync().ConfigureAwait(false);
        Task connecting;
        lock (_gate)
        {
            connecting = _connecting;
        }

        // Wait for an attempt in flight first, so a connection it opens is disposed below rather than leaked.
        await connecting.ConfigureAwait(false);
        NpgsqlConnection? connection;
        lock (_gate)
        {
            connection = _connection;
            _connection = null;
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _disposing.Dispose();
    }

    [LoggerMessage(EventId = LogEvents.MonitoringConnected, Level = LogLevel.Information,
        Message = "Monitoring connection of target {Target} to {Endpoint} is open")]
    private partial void LogConnected(string target, string endpoint);

    [LoggerMessage(EventId = LogEvents.MonitoringConnected, Level = LogLevel.Information,
        Message = "Monitoring connection of target {Target} to {Endpoint} is open after {FailedAttempts} failed attempts")]
    private partial void LogReconnected(string target, string endpoint, int failedAttempts);

    [LoggerMessage(EventId = LogEvents.MonitoringConnectFailed, Level = LogLevel.Warning,
        Message = "Monitoring connection of target {Target} to {Endpoint} failed, retrying with backoff: {Problem}")]
    private partial void LogConnectFailed(string target, string endpoint, string problem);

    [LoggerMessage(EventId = LogEvents.MonitoringConnectFailed, Level = LogLevel.Debug,
        Message = "Monitoring connection of target {Target}: attempt {Attempt} failed: {Problem}")]
    private partial void LogConnectRetryFailed(string target, int attempt, string problem);

    [LoggerMessage(EventId = LogEvents.MonitoringLost, Level = LogLevel.Warning,
        Message = "Monitoring connection of target {Target} lost, reconnecting: {Problem}")]
    private partial void LogLost(string target, string problem);
}

/// <summary>The rows of one check query, or why there are none.</summary>
internal sealed record QueryRows<TRow>(ImmutableArray<TRow> Rows, ServerCheckResult Result, string? Problem)
{
    public static QueryRows<TRow> Failed(ServerCheckResult result, string problem) => new([], result, problem);

    public bool Succeeded => Result == ServerCheckResult.Ok;

    /// <summary>The same failure, as a check outcome of another type.</summary>
    public CheckOutcome<T> Failure<T>() where T : class => CheckOutcome<T>.Failed(Result, Problem ?? "failed");
}

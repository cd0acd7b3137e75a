using Microsoft.Extensions.Logging;
using PgReachExporter.Scheduling;

namespace PgReachExporter.Cli;

/// <summary>The one-shot pipeline's logger: a stage that fails is one line on the command's error output, never a stack trace.</summary>
internal sealed class StageFailureWriter(TextWriter error) : ILogger<TargetPipeline>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            error.WriteLine($"pgreach diagnose: {formatter(state, exception)} ({exception?.GetType().Name}: {exception?.Message})");
        }
    }
}

using BenchmarkDotNet.Attributes;
using PgReachExporter.Configuration;
using PgReachExporter.HostSignals;

namespace PgReachExporter.Benchmarks;

/// <summary>
/// Parser + classifier + counter throughput per log format, on the recorded PostgreSQL 16 logs mixed
/// with the everyday lines that make up most of a busy log (connections, checkpoints, slow statements).
/// Lines per second = LinesPerOperation / mean time.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class LogPipelineBenchmark
{
    public const int LinesPerOperation = 10_000;

    private string[] lines = [];

    [Params("Stderr", "Csv", "Json")]
    public string Format { get; set; } = "Stderr";

    [GlobalSetup]
    public void Setup() => lines = LogPipelineInput.Build(Enum.Parse<LogFormat>(Format), LinesPerOperation);

    [Benchmark(OperationsPerInvoke = LinesPerOperation)]
    public long ParseClassifyCount()
    {
        var counter = new LogEventCounter(Enum.Parse<LogFormat>(Format));
        counter.Add(new LogLineBatch("bench", lines, StartsNewFile: true));
        return counter.Snapshot().Records;
    }
}

/// <summary>Benchmark input: recorded event lines diluted with routine lines, about 1 event in 10.</summary>
internal static class LogPipelineInput
{
    public static string[] Build(LogFormat format, int count)
    {
        string extension = format switch { LogFormat.Stderr => "log", LogFormat.Csv => "csv", _ => "json" };
        string directory = Path.Combine(AppContext.BaseDirectory, "HostSignals", "TestData", "pg16");
        string[] recorded = [.. File.ReadAllLines(Path.Combine(directory, "cluster." + extension)), .. File.ReadAllLines(Path.Combine(directory, "bind." + extension))];
        string[] routine = Routine(format);
        var result = new List<string>(count + recorded.Length);
        int next = 0;
        while (result.Count < count)
        {
            result.Add(recorded[next++ % recorded.Length]);
            for (int i = 0; i < 9 && result.Count < count; i++)
            {
                result.Add(routine[(next + i) % routine.Length]);
            }
        }

        return [.. result];
    }

    private static string[] Routine(LogFormat format) => format switch
    {
        LogFormat.Stderr =>
        [
            "2026-11-29 11:18:20.456 UTC [8921] [unknown]@[unknown] LOG:  connection received: host=127.0.0.1 port=40916",
            "2026-11-29 11:18:20.457 UTC [8921] alice@postgres LOG:  connection authorized: user=alice database=postgres application_name=psql",
            "2026-11-29 11:18:21.000 UTC [8930] alice@postgres LOG:  duration: 1204.551 ms  statement: select count(*) from orders where created_at > now() - interval '1 day'",
            "2026-11-29 11:18:22.000 UTC [8911] LOG:  checkpoint starting: time",
            "2026-11-29 11:18:25.100 UTC [8911] LOG:  checkpoint complete: wrote 44 buffers (0.3%); 0 WAL file(s) added, 0 removed, 0 recycled; write=4.305 s, sync=0.004 s, total=4.321 s",
            "2026-11-29 11:18:26.000 UTC [8931] bob@app ERROR:  duplicate key value violates unique constraint \"orders_pkey\"",
            "2026-11-29 11:18:26.000 UTC [8931] bob@app DETAIL:  Key (id)=(42) already exists.",
            "2026-11-29 11:18:26.000 UTC [8931] bob@app STATEMENT:  insert into orders(id) values (42)",
            "2026-11-29 11:18:27.000 UTC [8921] alice@postgres LOG:  disconnection: session time: 0:00:06.544 user=alice database=postgres host=127.0.0.1 port=40916",
        ],
        LogFormat.Csv =>
        [
            "2026-11-29 11:18:20.456 UTC,,,8921,\"127.0.0.1:40916\",6b0c09fc.22d9,1,\"\",2026-11-29 11:18:20 UTC,,0,LOG,00000,\"connection received: host=127.0.0.1 port=40916\",,,,,,,,,\"\",\"not initialized\",,0",
            "2026-11-29 11:18:20.457 UTC,\"alice\",\"postgres\",8921,\"127.0.0.1:40916\",6b0c09fc.22d9,2,\"authentication\",2026-11-29 11:18:20 UTC,3/3,0,LOG,00000,\"connection authorized: user=alice database=postgres application_name=psql\",,,,,,,,,\"\",\"client backend\",,0",
            "2026-11-29 11:18:21.000 UTC,\"alice\",\"postgres\",8930,\"127.0.0.1:40920\",6b0c09fd.22e2,3,\"SELECT\",2026-11-29 11:18:21 UTC,3/9,0,LOG,00000,\"duration: 1204.551 ms  statement: select count(*) from orders where created_at > now() - interval '1 day'\",,,,,,,,,\"psql\",\"client backend\",,0",
            "2026-11-29 11:18:22.000 UTC,,,8911,,6b0c09fc.22cf,1,,2026-11-29 11:18:20 UTC,,0,LOG,00000,\"checkpoint starting: time\",,,,,,,,,\"\",\"checkpointer\",,0",
            "2026-11-29 11:18:26.000 UTC,\"bob\",\"app\",8931,\"[local]\",6b0c09fe.22e3,4,\"INSERT\",2026-11-29 11:18:26 UTC,3/11,771,ERROR,23505,\"duplicate key value violates unique constraint \"\"orders_pkey\"\"\",\"Key (id)=(42) already exists.\",,,,,\"insert into orders(id)",
            "  values (42)\",,,\"psql\",\"client backend\",,0",
        ],
        _ =>
        [
            "{\"timestamp\":\"2026-11-29 11:18:20.456 UTC\",\"pid\":8921,\"remote_host\":\"127.0.0.1\",\"remote_port\":40916,\"session_id\":\"6b0c09fc.22d9\",\"line_num\":1,\"session_start\":\"2026-11-29 11:18:20 UTC\",\"txid\":0,\"error_severity\":\"LOG\",\"message\":\"connection received: host=127.0.0.1 port=40916\",\"backend_type\":\"not initialized\",\"query_id\":0}",
            "{\"timestamp\":\"2026-11-29 11:18:20.457 UTC\",\"user\":\"alice\",\"dbname\":\"postgres\",\"pid\":8921,\"remote_host\":\"127.0.0.1\",\"remote_port\":40916,\"session_id\":\"6b0c09fc.22d9\",\"line_num\":2,\"ps\":\"authentication\",\"session_start\":\"2026-11-29 11:18:20 UTC\",\"vxid\":\"3/3\",\"txid\":0,\"error_severity\":\"LOG\",\"message\":\"connection authorized: user=alice database=postgres application_name=psql\",\"backend_type\":\"client backend\",\"query_id\":0}",
            "{\"timestamp\":\"2026-11-29 11:18:21.000 UTC\",\"user\":\"alice\",\"dbname\":\"postgres\",\"pid\":8930,\"session_id\":\"6b0c09fd.22e2\",\"line_num\":3,\"ps\":\"SELECT\",\"error_severity\":\"LOG\",\"message\":\"duration: 1204.551 ms  statement: select count(*) from orders where created_at > now() - interval '1 day'\",\"application_name\":\"psql\",\"backend_type\":\"client backend\",\"query_id\":0}",
            "{\"timestamp\":\"2026-11-29 11:18:22.000 UTC\",\"pid\":8911,\"session_id\":\"6b0c09fc.22cf\",\"line_num\":1,\"error_severity\":\"LOG\",\"message\":\"checkpoint starting: time\",\"backend_type\":\"checkpointer\",\"query_id\":0}",
            "{\"timestamp\":\"2026-11-29 11:18:26.000 UTC\",\"user\":\"bob\",\"dbname\":\"app\",\"pid\":8931,\"error_severity\":\"ERROR\",\"state_code\":\"23505\",\"message\":\"duplicate key value violates unique constraint \\\"orders_pkey\\\"\",\"detail\":\"Key (id)=(42) already exists.\",\"statement\":\"insert into orders(id)\\n  values (42)\",\"backend_type\":\"client backend\",\"query_id\":0}",
        ],
    };
}

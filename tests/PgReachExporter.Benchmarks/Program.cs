using BenchmarkDotNet.Running;
using PgReachExporter.Benchmarks;

// "tailer", "socket-table" and "host-signals" run the harnesses of the host's view; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "tailer")
{
    return await LogTailerThroughput.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "socket-table")
{
    return await SocketTableCost.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "host-signals")
{
    return await HostSignalCost.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(LogPipelineBenchmark).Assembly).Run(args);
return 0;

using BenchmarkDotNet.Running;
using PgReachExporter.Benchmarks;

// "tailer" runs the end-to-end log tailing harness; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "tailer")
{
    return await LogTailerThroughput.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(LogPipelineBenchmark).Assembly).Run(args);
return 0;

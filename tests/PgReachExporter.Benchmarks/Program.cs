using BenchmarkDotNet.Running;
using PgReachExporter.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(HbaEngineBenchmark).Assembly).Run(args);

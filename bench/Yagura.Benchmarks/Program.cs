using BenchmarkDotNet.Running;
using Yagura.Benchmarks;

// Run with e.g. `dotnet run -c Release --project bench/Yagura.Benchmarks -- --filter *ParseBenchmarks* --job short`.
// `--parse-cpu-time` prints parse cost in CPU time instead (see ParseCpuTime).
if (args is ["--parse-cpu-time"])
{
    ParseCpuTime.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

using BenchmarkDotNet.Running;
using Yagura.Benchmarks;

// Run with e.g. `dotnet run -c Release --project bench/Yagura.Benchmarks -- --filter *ParseBenchmarks* --job short`.
// `--parse-cpu-time` prints parse cost in CPU time instead (see ParseCpuTime).
if (args is ["--parse-cpu-time"])
{
    ParseCpuTime.Run();
    return;
}

if (args is ["--store-write-profile", ..])
{
    await StoreWriteProfile.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 300_000).ConfigureAwait(false);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

using BenchmarkDotNet.Running;

// Run with e.g. `dotnet run -c Release --project bench/Yagura.Benchmarks -- --filter *Parse* --job short`.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

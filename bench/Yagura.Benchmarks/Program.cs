using BenchmarkDotNet.Running;
using Yagura.Benchmarks;

// Run with e.g. `dotnet run -c Release --project bench/Yagura.Benchmarks -- --filter *ParseBenchmarks* --job short`.
// `--parse-cpu-time` prints parse cost in CPU time instead (see ParseCpuTime).
// `--store-write-profile [events] [rounds]` times SqliteEventStore.WriteAsync on parsed events (see StoreWriteProfile).
// `--windows-corpus N FILE [REGRESSION_DIR]` writes Windows events for the detection benchmark (see WindowsEventCorpus).
// `--sigma-profile EVENTS PIPELINES RULES...` times the Sigma matcher on events in memory (see SigmaProfile).
// `--e2e-wait ...` is the end-to-end script's stopwatch (see EndToEndWait).
if (args is ["--parse-cpu-time"])
{
    ParseCpuTime.Run();
    return 0;
}

if (args is ["--store-write-profile", ..])
{
    var events = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 300_000;
    var rounds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3;
    await StoreWriteProfile.RunAsync(events, rounds, parts: args.Length <= 2).ConfigureAwait(false);
    return 0;
}

if (args is ["--sigma-profile", .. var profileArgs])
{
    return Yagura.Benchmarks.Detection.SigmaProfile.Run(profileArgs);
}

if (args is ["--windows-corpus", .. var corpusArgs])
{
    return Yagura.Benchmarks.Detection.WindowsEventCorpus.Run(corpusArgs);
}

if (args is ["--e2e-wait", .. var waitArgs])
{
    return await EndToEndWait.RunAsync(waitArgs).ConfigureAwait(false);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

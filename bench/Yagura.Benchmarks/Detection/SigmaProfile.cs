using System.Diagnostics;
using System.Globalization;

using Yagura.Detection.Events;
using Yagura.Detection.Sigma;

namespace Yagura.Benchmarks.Detection;

/// <summary>
/// Times the Sigma matcher alone on events already read into memory: load, then match every event, for the whole
/// rule set and for the first 10, 100 and 1,000 rules. <c>--sigma-profile EVENTS_FILE PIPELINES RULE_PATH...</c>.
/// </summary>
internal static class SigmaProfile
{
    public static int Run(string[] args)
    {
        var events = EventFiles.Read(args[0]).Select(i => i.Event).OfType<DetectionEvent>().ToList();
        var pipeline = SigmaPipeline.Load([args[1]]);
        var full = SigmaRuleSet.Load(args[2..], pipeline);
        Console.WriteLine($"{events.Count:N0} events; {full.Rules.Count:N0} active rules of {full.Total:N0}; {full.PrefilterAtoms:N0} prefilter literals");
        var always = full.AlwaysEvaluated.ToList();
        Console.WriteLine($"{always.Count} rules evaluated for every event of their log source: " + string.Join(", ", always.GroupBy(r => r.LogSource.ToString()).OrderByDescending(g => g.Count()).Take(8).Select(g => $"{g.Key} {g.Count()}")));
        if (Environment.GetEnvironmentVariable("YAGURA_PROFILE_LIST_ALWAYS") is not null)
        {
            always.ForEach(r => Console.WriteLine($"  {r.Path}"));
        }

        var files = full.Rules.Select(r => r.Path).Distinct().ToList();
        foreach (var n in Environment.GetEnvironmentVariable("YAGURA_PROFILE_FULL_ONLY") is null ? new[] { 10, 100, 1000, files.Count } : [files.Count])
        {
            var set = n == files.Count ? full : SigmaRuleSet.Load(files.Take(n), pipeline);
            Measure(set, events, $"{set.Rules.Count,5} rules");
        }

        return 0;
    }

    private static void Measure(SigmaRuleSet set, List<DetectionEvent> events, string label)
    {
        var matcher = set.CreateMatcher();
        var matches = new List<SigmaRule>();
        foreach (var e in events.Take(10_000))
        {
            matcher.Match(e, matches); // warm-up: tiered JIT
        }

        // YAGURA_PROFILE_REPEAT=n passes over the events, so that a profiler sees the matcher rather than the loading; the best
        // pass is the figure least disturbed by whatever else the machine runs.
        var repeat = int.TryParse(Environment.GetEnvironmentVariable("YAGURA_PROFILE_REPEAT"), CultureInfo.InvariantCulture, out var r) ? r : 1;
        long total = 0;
        var (evaluated, predicates) = (matcher.RulesEvaluated, matcher.PredicatesEvaluated);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var best = TimeSpan.MaxValue;
        for (var pass = 0; pass < repeat; pass++)
        {
            var passStart = clock.Elapsed;
            foreach (var e in events)
            {
                matches.Clear();
                matcher.Match(e, matches);
                total += matches.Count;
            }

            best = TimeSpan.FromTicks(Math.Min(best.Ticks, (clock.Elapsed - passStart).Ticks));
        }

        clock.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {repeat * events.Count / clock.Elapsed.TotalSeconds,10:N0} events/s wall, {repeat * events.Count / cpuSeconds,10:N0} per CPU-second, {1e6 * clock.Elapsed.TotalSeconds / events.Count / repeat:F2} µs/event (best pass {1e6 * best.TotalSeconds / events.Count:F2}), {total / repeat:N0} matches, {(matcher.PredicatesEvaluated - predicates) / (double)repeat / events.Count:F2} log sources and {(matcher.RulesEvaluated - evaluated) / (double)repeat / events.Count:F2} rules evaluated per event, {allocated / repeat / events.Count:N0} bytes allocated per event"));
    }
}

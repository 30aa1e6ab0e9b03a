using System.Diagnostics;
using System.Globalization;
using Yagura.Ingest;
using Yagura.Ingest.Parsing;

namespace Yagura.Benchmarks;

/// <summary>
/// Parse cost in process CPU time rather than wall-clock time: on a shared machine other processes competing for
/// the cores inflate BenchmarkDotNet's wall-clock figures, but not the CPU time this process spends per message.
/// Run with <c>dotnet run -c Release --project bench/Yagura.Benchmarks -- --parse-cpu-time</c>.
/// </summary>
internal static class ParseCpuTime
{
    public static void Run()
    {
        var context = new MessageContext(1, "tenant-a", DateTimeOffset.UnixEpoch.AddYears(56), Transport.Udp, "192.0.2.10", false, null);
        foreach ((string name, byte[] message) in ParseBenchmarks.Messages)
        {
            // Enough calls for tiered compilation to reach its optimised code before measuring.
            for (int i = 0; i < 300_000; i++)
            {
                LogParser.Parse(message, context);
            }

            Thread.Sleep(200);
            double best = double.MaxValue;
            for (int round = 0; round < 5; round++)
            {
                const int count = 200_000;
                TimeSpan before = Process.GetCurrentProcess().TotalProcessorTime;
                for (int i = 0; i < count; i++)
                {
                    LogParser.Parse(message, context);
                }

                TimeSpan after = Process.GetCurrentProcess().TotalProcessorTime;
                best = Math.Min(best, (after - before).TotalNanoseconds / count);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {message.Length} | {best:F0} | {1e9 / best:N0} |"));
        }
    }
}

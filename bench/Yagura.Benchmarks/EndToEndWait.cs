using System.Globalization;
using System.Text.RegularExpressions;

namespace Yagura.Benchmarks;

/// <summary>
/// The end-to-end script's stopwatch (<c>bench/e2e/syslog-tcp-vs-rsyslog.sh</c>): waits until a receiver has taken
/// all N messages and prints the Unix times at which it saw that. One process polls in a loop for both receivers, so
/// neither pays for a process start per poll (a curl or stat every 10 ms costs a good part of a core on two).
/// </summary>
/// <remarks>
/// <c>--e2e-wait lines FILE N</c>: until FILE holds N lines (rsyslog's omfile); prints one time.
/// <c>--e2e-wait healthz URL TOKEN N</c>: until Yagura's <c>/healthz</c> reports <c>received</c> ≥ N (accepted:
/// spooled) and <c>stored</c> ≥ N (searchable); prints both times.
/// </remarks>
internal static partial class EndToEndWait
{
    // 20 ms: at most 0.4 % of a 5 s round, and a poll of /healthz every 5 ms cost Yagura a few per cent of a core.
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    public static async Task<int> RunAsync(string[] args)
    {
        switch (args)
        {
            case ["lines", var file, var n]:
                Console.WriteLine(Format(WaitForLines(file, long.Parse(n, CultureInfo.InvariantCulture))));
                return 0;
            case ["healthz", var url, var token, var n]:
                var (accepted, stored) = await WaitForHealthzAsync(new Uri(url), token, long.Parse(n, CultureInfo.InvariantCulture)).ConfigureAwait(false);
                Console.WriteLine($"{Format(accepted)} {Format(stored)}");
                return 0;
            default:
                await Console.Error.WriteLineAsync("usage: --e2e-wait lines FILE N | --e2e-wait healthz URL TOKEN N").ConfigureAwait(false);
                return 2;
        }
    }

    private static DateTimeOffset WaitForLines(string file, long n)
    {
        // Counting lines reads the file: only start once its size says all N could be there (every line is longer
        // than 300 bytes in the benchmark), then count only what was appended since.
        long lines = 0, counted = 0;
        var buffer = new byte[1 << 20];
        while (true)
        {
            var length = File.Exists(file) ? new FileInfo(file).Length : 0;
            if (length >= n * 300 && length > counted)
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
                stream.Position = counted;
                int read;
                while ((read = stream.Read(buffer)) > 0)
                {
                    lines += buffer.AsSpan(0, read).Count((byte)'\n');
                    counted += read;
                }

                if (lines >= n)
                {
                    return DateTimeOffset.UtcNow;
                }
            }

            Thread.Sleep(Interval);
        }
    }

    private static async Task<(DateTimeOffset Accepted, DateTimeOffset Stored)> WaitForHealthzAsync(Uri url, string token, long n)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        DateTimeOffset? accepted = null;
        while (true)
        {
            var body = await http.GetStringAsync(url).ConfigureAwait(false);
            var now = DateTimeOffset.UtcNow;
            if (accepted is null && Counter(body, "received") >= n)
            {
                accepted = now;
            }

            if (Counter(body, "stored") >= n)
            {
                return (accepted ?? now, now);
            }

            await Task.Delay(Interval).ConfigureAwait(false);
        }
    }

    private static long Counter(string body, string name)
    {
        var match = CounterPattern().Match(body);
        for (; match.Success; match = match.NextMatch())
        {
            if (match.Groups[1].ValueSpan.SequenceEqual(name))
            {
                return long.Parse(match.Groups[2].ValueSpan, CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static string Format(DateTimeOffset t) =>
        (t.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", CultureInfo.InvariantCulture);

    [GeneratedRegex("\"([a-z_]+)\":([0-9]+)")]
    private static partial Regex CounterPattern();
}

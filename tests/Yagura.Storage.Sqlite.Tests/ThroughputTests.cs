using System.Diagnostics;
using System.Globalization;

using Xunit.Abstractions;

namespace Yagura.Storage.Sqlite.Tests;

/// <summary>Write throughput runs: <c>dotnet test --filter Category=Bench</c>; options from YAGURA_BENCH_* variables.</summary>
public sealed class ThroughputTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Bench")]
    public async Task Write_RealisticEvents_ReportsEventsPerSecond()
    {
        var count = Env("YAGURA_BENCH_EVENTS", 400_000);
        var batch = Env("YAGURA_BENCH_BATCH", 10_000);
        var options = new SqliteEventStoreOptions
        {
            Shards = Env("YAGURA_BENCH_SHARDS", 2),
            FullText = (FullTextIndex)Env("YAGURA_BENCH_FTS", (int)FullTextIndex.BlockBloom),
            BloomBlockSize = Env("YAGURA_BENCH_BLOCK", 256),
            FullTextDetail = Environment.GetEnvironmentVariable("YAGURA_BENCH_DETAIL") ?? "none",
            RowsPerStatement = Env("YAGURA_BENCH_ROWS", 32),
            ColumnIndexes = Env("YAGURA_BENCH_INDEXES", 0) == 1,
            PageSize = Env("YAGURA_BENCH_PAGE", 8192),
        };
        var events = TestEvents.Realistic(count, 1, "bench", TestEvents.Day0.AddHours(1));
        using var dir = new TempDirectory();
        await using var store = SqliteEventStore.Open(dir.Path, options, TimeProvider.System);
        await store.WriteAsync(events[..1000]);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        for (var i = 1000; i < events.Count; i += batch)
        {
            await store.WriteAsync(events[i..Math.Min(i + batch, events.Count)]);
        }

        sw.Stop();
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var rate = (count - 1000) / sw.Elapsed.TotalSeconds;
        var perCpu = (count - 1000) / cpuSeconds;
        var bytes = Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{options}: {rate:N0} events/s, {perCpu:N0} events per CPU-second, {bytes / (double)count:N0} bytes/event on disk"));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"BENCH {options}: {rate:N0} events/s, {perCpu:N0} events per CPU-second, {bytes / (double)count:N0} bytes/event on disk"));
        Assert.Equal(count, await store.CountAsync(Core.Tenancy.TenantScope.Only("bench")));
    }

    private static int Env(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) ? value : fallback;
}

/// <summary>CPU cost of the Bloom filter tokenizer alone.</summary>
public sealed class TokenizerThroughputTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Bench")]
    public void AddTokens_RealisticEvents_ReportsNanosecondsPerEvent()
    {
        var events = TestEvents.Realistic(100_000, 1, "bench", TestEvents.Day0);
        var hashes = new Internal.KeySet();
        for (var round = 0; round < 3; round++)
        {
            var sw = Stopwatch.StartNew();
            var contained = 0;
            foreach (var e in events)
            {
                if (hashes.Count > 10_000)
                {
                    hashes.Clear();
                }

                Internal.TokenBloom.AddTokens(e.Original, hashes);
                contained += Internal.PartitionWriter.ContainsAsWords(e.Original, e.Message!) ? 1 : 0;
            }

            var line = string.Create(CultureInfo.InvariantCulture, $"BENCH tokenizer: {sw.Elapsed.TotalNanoseconds / events.Count:N0} ns/event ({contained} contained)");
            output.WriteLine(line);
            Console.Error.WriteLine(line);
        }
    }
}

/// <summary>Search latency over one stored day: what the pushdown buys.</summary>
public sealed class ScanThroughputTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Bench")]
    public async Task Scan_StoredDay_ReportsLatencies()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("YAGURA_BENCH_EVENTS"), CultureInfo.InvariantCulture, out var n) ? n : 400_000;
        var events = TestEvents.Realistic(count, 1, "bench", TestEvents.Day0.AddHours(1));
        using var dir = new TempDirectory();
        await using var store = SqliteEventStore.Open(dir.Path, SqliteEventStoreOptions.Default, TimeProvider.System);
        foreach (var chunk in events.Chunk(10_000))
        {
            await store.WriteAsync(chunk);
        }

        var rareWord = events[count / 2].Message!.Split(' ')[5];
        var queries = new (string Name, Core.Search.QueryNode Filter, int Limit)[]
        {
            ("head 100, no filter", Core.Search.QueryNode.All, 100),
            ($"free text '{rareWord}' (an IP in ~1 event)", new Core.Search.FreeTextNode(rareWord, false, false), int.MaxValue),
            ("host.name:web07 (1/40 of events)", new Core.Search.FieldTermNode("host.name", "web07", false), int.MaxValue),
            ("free text 'accepted' (every event), head 100", new Core.Search.FreeTextNode("accepted", false, false), 100),
            ("free text 'nosuchword'", new Core.Search.FreeTextNode("nosuchword", false, false), int.MaxValue),
        };
        foreach (var (name, filter, limit) in queries)
        {
            var sw = Stopwatch.StartNew();
            var before = store.RowsFetched;
            var found = 0;
            await foreach (var e in store.ScanAsync(new Core.Storage.EventScan(Core.Tenancy.TenantScope.Only("bench"), null, null, filter)))
            {
                if (++found >= limit)
                {
                    break;
                }
            }

            var line = string.Create(CultureInfo.InvariantCulture,
                $"BENCH scan {name}: {sw.Elapsed.TotalMilliseconds:N0} ms, {store.RowsFetched - before:N0} rows read of {count:N0}");
            output.WriteLine(line);
            Console.Error.WriteLine(line);
        }
    }
}

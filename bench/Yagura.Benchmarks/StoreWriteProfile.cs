using System.Diagnostics;
using System.Globalization;
using System.Text;

using Yagura.Core.Events;
using Yagura.Ingest;
using Yagura.Ingest.Parsing;
using Yagura.Storage.Sqlite;
using Yagura.Storage.Sqlite.Internal;

namespace Yagura.Benchmarks;

/// <summary>
/// Where <see cref="SqliteEventStore.WriteAsync"/> spends its time on events from the real parser, as the product
/// runs it (one shard, batches of 8,192). Run with
/// <c>dotnet run -c Release --project bench/Yagura.Benchmarks -- --store-write-profile [events]</c>.
/// </summary>
internal static class StoreWriteProfile
{
    private const int BatchSize = 8192;

    public static async Task RunAsync(int count, int rounds, bool parts)
    {
        var events = Parse(count);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{events.Count:N0} events, {events[0].Fields.Count} fields, original {events[0].Original.Length} chars, message {events[0].Message?.Length} chars"));
        foreach (var (name, value) in events[0].Fields)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name} = {value} ({value?.GetType().Name}) column {Schema.ColumnIndex(name)}"));
        }

        var batches = events.Chunk(BatchSize).ToList();
        using var sampler = Environment.GetEnvironmentVariable("YAGURA_PROFILE_ALLOCATIONS") == "1" ? new AllocationSampler() : null;

        for (var round = 0; round < rounds; round++)
        {
            var directory = Path.Combine(Path.GetTempPath(), "yagura-profile-" + Guid.NewGuid().ToString("N"));
            try
            {
                await using var store = SqliteEventStore.Open(directory, Options(), TimeProvider.System);
                sampler?.Enabled = round == rounds - 1;
                var gcBefore = GC.CollectionCount(0);
                var allocated = GC.GetTotalAllocatedBytes(precise: true);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                foreach (var batch in batches)
                {
                    await store.WriteAsync(batch).ConfigureAwait(false);
                }

                sw.Stop();
                allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
                var cpuUs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / events.Count;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"WriteAsync: {sw.Elapsed.TotalMicroseconds / events.Count:F2} µs/event wall, {cpuUs:F2} µs/event CPU, {events.Count / sw.Elapsed.TotalSeconds:N0} events/s, gen0 GCs {GC.CollectionCount(0) - gcBefore}, {allocated / (double)events.Count:F0} bytes allocated/event"));
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        if (sampler is not null)
        {
            sampler.Enabled = false;
            foreach (var (type, samples) in sampler.Samples.OrderByDescending(p => p.Value).Take(15))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  allocation samples {samples,5} {type}"));
            }
        }

        if (!parts)
        {
            return;
        }

        // The CPU-only parts alone, single-threaded.
        var hashes = new KeySet();
        for (var round = 0; round < 2; round++)
        {
            var sw = Stopwatch.StartNew();
            foreach (var e in events)
            {
                if (hashes.Count > 4096)
                {
                    hashes.Clear();
                }

                TokenBloom.AddTokens(e.Original, hashes);
            }

            var tokens = sw.Elapsed.TotalMicroseconds / events.Count;
            sw.Restart();
            var contained = 0;
            foreach (var e in events)
            {
                contained += e.Message is { } m && PartitionWriter.ContainsAsWords(e.Original, m) ? 1 : 0;
            }

            var words = sw.Elapsed.TotalMicroseconds / events.Count;
            sw.Restart();
            foreach (var e in events)
            {
                foreach (var (name, value) in e.Fields)
                {
                    var column = Schema.ColumnIndex(name);
                    if (column >= 0)
                    {
                        TokenBloom.AddColumnValue(column, value, hashes);
                    }
                }
            }

            var columns = sw.Elapsed.TotalMicroseconds / events.Count;
            sw.Restart();
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
            using var writer = FieldsJson.CreateWriter(buffer);
            long bytes = 0;
            foreach (var e in events)
            {
                buffer.ResetWrittenCount();
                writer.Reset(buffer);
                writer.WriteStartObject();
                foreach (var (name, value) in e.Fields)
                {
                    writer.WritePropertyName(name);
                    FieldsJson.WriteValue(writer, value);
                }

                writer.WriteEndObject();
                writer.Flush();
                bytes += buffer.WrittenCount;
            }

            var json = sw.Elapsed.TotalMicroseconds / events.Count;
            sw.Restart();
            var scratch = new byte[4096];
            foreach (var e in events)
            {
                bytes += Encoding.UTF8.GetBytes(e.Original, scratch);
            }

            var utf8 = sw.Elapsed.TotalMicroseconds / events.Count;
            sw.Restart();
            using var block = new PreparedBlock();
            var names = new FieldNameTable();
            for (var i = 0; i < events.Count; i += 256)
            {
                block.Prepare(events, i, Math.Min(256, events.Count - i), bloom: true, names);
            }

            var prepare = sw.Elapsed.TotalMicroseconds / events.Count;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"CPU parts (µs/event): tokens(original) {tokens:F2}, ContainsAsWords {words:F2} ({contained} contained), column hashes {columns:F2}, all-fields JSON {json:F2}, UTF-8 original {utf8:F2}; whole prepare, one thread {prepare:F2}"));
        }
    }

    /// <summary>The product's options (one shard); YAGURA_PROFILE_PAGE and YAGURA_PROFILE_ROWS try other page sizes and rows per INSERT.</summary>
    private static SqliteEventStoreOptions Options()
    {
        var options = SqliteEventStoreOptions.Default with { Shards = 1 };
        if (int.TryParse(Environment.GetEnvironmentVariable("YAGURA_PROFILE_PAGE"), CultureInfo.InvariantCulture, out var page))
        {
            options = options with { PageSize = page };
        }

        if (int.TryParse(Environment.GetEnvironmentVariable("YAGURA_PROFILE_ROWS"), CultureInfo.InvariantCulture, out var rows))
        {
            options = options with { RowsPerStatement = rows };
        }

        return options;
    }

    private static List<EventRecord> Parse(int count)
    {
        var context = new MessageContext(1, "default", new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), Transport.Tcp, "192.0.2.10", false, null);
        var events = new List<EventRecord>(count);
        for (var i = 0; i < count; i++)
        {
            var line = string.Create(CultureInfo.InvariantCulture,
                $"<134>1 2026-11-25T10:{i / 10000 % 60:00}:{i % 60:00}.123456Z host{i % 50} sshd {1000 + (i % 500)} ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] Failed password for user{i % 300} from 192.0.2.{i % 250} port {1024 + (i % 6000)} ssh2 seq={i} padding-text-to-make-the-message-longer");
            var e = LogParser.Parse(Encoding.UTF8.GetBytes(line), context);
            events.Add(new EventRecord
            {
                Id = i + 1,
                TenantId = e.TenantId,
                Timestamp = e.Timestamp,
                Received = e.Received,
                Original = e.Original,
                Message = e.Message,
                ErrorMessage = e.ErrorMessage,
                Fields = e.Fields,
            });
        }

        return events;
    }
}

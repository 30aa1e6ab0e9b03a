using System.Globalization;
using System.Security.Cryptography;
using System.Text;

using Microsoft.Data.Sqlite;

using Yagura.Core.Events;
using Yagura.Core.Search;
using Yagura.Core.Storage;
using Yagura.Core.Tenancy;

using static Yagura.Storage.Sqlite.Tests.TestEvents;

namespace Yagura.Storage.Sqlite.Tests;

/// <summary>
/// The write path's output, byte for byte: every row of every table of every partition file and the results of a
/// set of searches. The expected digest was taken from the serial writer before batches were prepared in parallel,
/// so any change to what is stored (row values, their types, Bloom filters, block boundaries) fails here.
/// </summary>
public sealed class WriteEquivalenceTests(Xunit.Abstractions.ITestOutputHelper output)
{
    // SHA-256 of DumpAsync() after writing Batches() (one shard, two shards). Taken from the serial writer of commit
    // 7a9315f; when partitions moved to binary fields (format 2) the dumps of the two builds were diffed (with
    // YAGURA_TEST_DUMP_DIR): only the fields column of events differed, every other row and every search result was
    // the same, and the digests were taken again (the dump now includes the field_names table too).
    private const string SerialWriterDigest = "F2501B30FCFB451ABFD6969D5BAF5DFCB97ED6B33A21B4B4055F23F79FDE11FC";
    private const string SerialWriterDigest2 = "BBC3C2C55CE4CFA6D5AC1A185A433EABAA2B5F2003D787A6C3E6515CE2254815";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Write_MixedBatchesWithReplays_StoresExactlyWhatTheSerialWriterStored(int shards)
    {
        using var dir = new TempDirectory();
        var options = new SqliteEventStoreOptions { Shards = shards, BloomBlockSize = 16, RowsPerStatement = 8 };
        var time = new ManualTime(Day0.AddDays(3));
        string dump;
        await using (var store = SqliteEventStore.Open(dir.Path, options, time))
        {
            foreach (var batch in Batches())
            {
                await store.WriteAsync(batch);
            }

            dump = await DumpAsync(store, dir.Path, shards);
        }

        var digest = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(dump)));
        output.WriteLine($"shards={shards} digest={digest}");
        if (Environment.GetEnvironmentVariable("YAGURA_TEST_DUMP_DIR") is { Length: > 0 } dumpDirectory)
        {
            // For diffing against an older build when the digest changes.
            await File.WriteAllTextAsync(Path.Combine(dumpDirectory, $"store-dump-{shards}.txt"), dump);
        }

        Assert.Equal(shards == 1 ? SerialWriterDigest : SerialWriterDigest2, digest);
    }

    private static readonly string[] UserNames = ["alice", "BOB"];

    [Fact]
    public async Task Write_ManyBatchesBackToBack_StoresEveryEventAsWritten()
    {
        // Blocks are prepared on helper threads that may still look at one batch while the next starts.
        using var dir = new TempDirectory();
        var options = new SqliteEventStoreOptions { Shards = 2, BloomBlockSize = 8, RowsPerStatement = 4 };
        var random = new Random(11);
        var written = new List<EventRecord>();
        await using (var store = SqliteEventStore.Open(dir.Path, options, new ManualTime(Day0.AddDays(3))))
        {
            var nextId = 1L;
            for (var batch = 0; batch < 150; batch++)
            {
                var size = random.Next(1, 200);
                var events = Realistic(size, nextId, batch % 3 == 0 ? "beta" : "acme", Day0.AddHours(1).AddSeconds(batch), seed: batch);
                nextId += size;
                written.AddRange(events);
                await store.WriteAsync(events);
            }

            var stored = new Dictionary<long, EventRecord>();
            await foreach (var e in store.ScanAsync(new EventScan(TenantScope.AllTenants, null, null, QueryNode.All)))
            {
                stored.Add(e.Id, e);
            }

            Assert.Equal(written.Count, stored.Count);
            foreach (var e in written)
            {
                var s = stored[e.Id];
                Assert.Equal(e.Original, s.Original);
                Assert.Equal(e.Message, s.Message);
                Assert.Equal(e.TenantId, s.TenantId);
                Assert.Equal(e.Fields[FieldNames.SourcePort], s.Fields[FieldNames.SourcePort]);
                Assert.Equal(e.Fields[FieldNames.HostName], s.Fields[FieldNames.HostName]);
            }

            var ip = (string)written[^7].Fields[FieldNames.SourceIp]!;
            var hits = new List<long>();
            await foreach (var e in store.ScanAsync(new EventScan(TenantScope.AllTenants, null, null, new FreeTextNode(ip, false, false))))
            {
                hits.Add(e.Id);
            }

            Assert.Contains(written[^7].Id, hits);
        }
    }

    /// <summary>
    /// Several tenants and days, duplicate ids inside a batch, a replay overlapping stored ids, messages inside and
    /// outside event.original, non-ASCII column values and every kind of field value.
    /// </summary>
    private static List<List<EventRecord>> Batches()
    {
        var first = new List<EventRecord>();
        first.AddRange(Realistic(300, 1, "acme", Day0.AddHours(1)));
        first.AddRange(Realistic(120, 1_000, "beta", Day0.AddDays(1).AddHours(2), seed: 2));
        first.AddRange(Realistic(50, 2_000, "acme", Day0.AddDays(1), seed: 3));
        first.AddRange(Realistic(40, 100, "acme", Day0.AddHours(1), seed: 4)); // duplicate ids 100..139 in the batch
        for (var i = 0; i < 60; i++)
        {
            var ts = Day0.AddHours(5).AddSeconds(i);
            first.Add(new EventRecord
            {
                Id = 3_000 + i,
                TenantId = "acme",
                Timestamp = ts,
                Received = ts.AddMilliseconds(7),
                Original = i % 3 == 0 ? $"raw Ünïcode {i} ｗｉｄｅ 東京 line" : $"<13>1 {ts:O} h app - - - body {i}",
                Message = (i % 4) switch
                {
                    0 => null,
                    1 => "",
                    2 => $"not inside the original {i}",
                    _ => $"body {i}",
                },
                ErrorMessage = i % 5 == 0 ? "truncated at 8192 bytes" : null,
                Fields = new Dictionary<string, object?>
                {
                    [FieldNames.HostName] = i % 2 == 0 ? "Müller-Host" : "plain-host",
                    [FieldNames.SourceIp] = i % 3 == 0 ? 12345L : "10.0.0." + i.ToString(CultureInfo.InvariantCulture),
                    [FieldNames.UserName] = i % 7 == 0 ? UserNames : null,
                    [FieldNames.EventCode] = i % 2 == 0 ? 4625 : 3.5,
                    [FieldNames.EventAction] = i % 3 == 1,
                    ["custom.double"] = i / 3.0,
                    ["custom.whole_double"] = 2.0,
                    ["custom.list"] = new List<object?> { 1L, "x", null, 2.5 },
                    ["custom.text"] = "quote \" and \\ and 東京",
                    ["custom.nan"] = double.NaN,
                },
            });
        }

        var replay = new List<EventRecord>();
        replay.AddRange(Realistic(80, 250, "acme", Day0.AddHours(1).AddMilliseconds(249), seed: 5)); // ids 250..329, half stored
        replay.AddRange(Realistic(10, 1_000, "beta", Day0.AddDays(1).AddHours(2), seed: 2)); // all stored
        return [first, replay, Realistic(1000, 10_000, "acme", Day0.AddHours(9), seed: 6)];
    }

    private static async Task<string> DumpAsync(SqliteEventStore store, string root, int shards)
    {
        var sb = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(root, "*.db", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            sb.Append("file ").AppendLine(Path.GetRelativePath(root, file).Replace('\\', '/'));
            using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
            connection.Open();
            foreach (var table in new[] { "events ORDER BY id", "field_names ORDER BY id", "blocks ORDER BY rowid", "meta" })
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT * FROM " + table;
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    sb.Append(table.Split(' ')[0]).Append(':');
                    for (var c = 0; c < reader.FieldCount; c++)
                    {
                        sb.Append(' ').Append(reader.GetDataTypeName(c)).Append('=');
                        sb.Append(reader.IsDBNull(c) ? "NULL" : reader.GetValue(c) switch
                        {
                            byte[] bytes => Convert.ToHexString(bytes),
                            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                            var v => v.ToString(),
                        });
                    }

                    sb.AppendLine();
                }
            }
        }

        var queries = new QueryNode[]
        {
            QueryNode.All,
            new FreeTextNode("accepted", false, false),
            new FreeTextNode("body", false, false),
            new FreeTextNode("東京", false, false),
            new FreeTextNode("original", false, false),
            new FieldTermNode(FieldNames.HostName, "müller-host", false),
            new FieldTermNode(FieldNames.UserName, "bob", false),
            new FieldTermNode(FieldNames.HostName, "web07", false),
        };
        foreach (var query in queries)
        {
            sb.Append("query ").Append(query).Append(':');
            await foreach (var e in store.ScanAsync(new EventScan(TenantScope.AllTenants, null, null, query)))
            {
                sb.Append(' ').Append(e.TenantId).Append('/').Append(e.Id).Append('/').Append(e.Message).Append('/').Append(e.Fields.Count);
            }

            sb.AppendLine();
        }

        sb.Append("count ").Append(await store.CountAsync(TenantScope.AllTenants)).Append(" shards ").Append(shards);
        return sb.ToString();
    }
}

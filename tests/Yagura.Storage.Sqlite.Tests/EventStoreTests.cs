using Yagura.Core.Events;
using Yagura.Core.Search;
using Yagura.Core.Storage;
using Yagura.Core.Tenancy;

using static Yagura.Storage.Sqlite.Tests.TestEvents;

namespace Yagura.Storage.Sqlite.Tests;

public sealed class EventStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ManualTime _time = new(Day0.AddDays(3));

    public void Dispose() => _dir.Dispose();

    private SqliteEventStore Open(SqliteEventStoreOptions? options = null) =>
        SqliteEventStore.Open(_dir.Path, options ?? SqliteEventStoreOptions.Default, _time);

    private static async Task<List<EventRecord>> ScanAll(SqliteEventStore store, TenantScope scope, QueryNode? filter = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        var list = new List<EventRecord>();
        await foreach (var e in store.ScanAsync(new EventScan(scope, from, to, filter ?? QueryNode.All)))
        {
            list.Add(e);
        }

        return list;
    }

    [Theory]
    [InlineData(FullTextIndex.BlockBloom)]
    [InlineData(FullTextIndex.Fts5)]
    [InlineData(FullTextIndex.None)]
    public async Task Write_SameIdsTwice_StoresEachEventOnce(FullTextIndex index)
    {
        await using var store = Open(new SqliteEventStoreOptions { FullText = index });
        var events = Enumerable.Range(1, 100).Select(i => Make(i, Day0.AddMinutes(i), message: $"login ok {i}")).ToList();

        await store.WriteAsync(events);
        await store.WriteAsync(events);
        await store.WriteAsync(events.Concat(events).ToList());

        Assert.Equal(100, await store.CountAsync(TenantScope.Only("acme")));
        Assert.Equal(100, (await ScanAll(store, TenantScope.Only("acme"))).Count);

        // The full-text index must not hold the replayed rows twice either.
        var hits = await ScanAll(store, TenantScope.Only("acme"), new FreeTextNode("login", false, false));
        Assert.Equal(100, hits.Count);
        Assert.Equal(100, hits.Select(e => e.Id).Distinct().Count());
    }

    [Theory]
    [InlineData(FullTextIndex.BlockBloom)]
    [InlineData(FullTextIndex.Fts5)]
    public async Task Write_ReplayOverlappingStoredIds_AddsOnlyTheNewOnes(FullTextIndex index)
    {
        await using var store = Open(new SqliteEventStoreOptions { FullText = index });
        await store.WriteAsync(Enumerable.Range(1, 50).Select(i => Make(i, Day0.AddMinutes(i), message: "alpha")).ToList());

        // Half stored already, half new: the row-by-row replay path.
        await store.WriteAsync(Enumerable.Range(26, 50).Select(i => Make(i, Day0.AddMinutes(i), message: "alpha")).ToList());

        Assert.Equal(75, await store.CountAsync(TenantScope.Only("acme")));
        var hits = await ScanAll(store, TenantScope.Only("acme"), new FreeTextNode("alpha", false, false));
        Assert.Equal(Enumerable.Range(1, 75).Select(i => (long)i).Reverse(), hits.Select(e => e.Id));
    }

    [Fact]
    public async Task Write_EventsOfTwoTenantsAndDays_GoToOneFilePerTenantReceiveDayAndShard()
    {
        await using var store = Open();
        await store.WriteAsync(
        [
            // @timestamp on another day than receipt: the receive day decides.
            Make(10, Day0.AddDays(-5), received: Day0.AddHours(1)),
            Make(11, Day0.AddHours(2)),
            Make(12, Day0.AddDays(1).AddHours(2)),
            Make(13, Day0.AddHours(3), tenant: "beta"),
        ]);

        var files = Directory.EnumerateFiles(Path.Combine(_dir.Path, "events"), "*.db", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_dir.Path, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(
            [
                "events/acme/2026-11-20.0.db",
                "events/acme/2026-11-20.1.db",
                "events/acme/2026-11-21.0.db",
                "events/beta/2026-11-20.1.db",
            ],
            files);
    }

    [Fact]
    public async Task Write_OneShard_UsesPlainDayFileNames()
    {
        await using var store = Open(new SqliteEventStoreOptions { Shards = 1 });
        await store.WriteAsync([Make(1, Day0), Make(2, Day0)]);

        Assert.True(File.Exists(Path.Combine(_dir.Path, "events", "acme", "2026-11-20.db")));
    }

    [Fact]
    public async Task Scan_EventsSpreadOverDaysAndShards_ComeNewestFirst()
    {
        await using var store = Open(new SqliteEventStoreOptions { Shards = 3 });
        var random = new Random(42);
        var events = Enumerable.Range(1, 600)
            .Select(i =>
            {
                var received = Day0.AddMinutes(random.Next(0, 4 * 24 * 60));
                return Make(i, received.AddSeconds(-random.Next(0, 100_000)), received: received);
            })
            .ToList();
        foreach (var chunk in events.Chunk(97))
        {
            await store.WriteAsync(chunk);
        }

        var scanned = await ScanAll(store, TenantScope.Only("acme"));

        var expected = events.OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id).Select(e => e.Id);
        Assert.Equal(expected, scanned.Select(e => e.Id));
        Assert.True(Directory.GetFiles(Path.Combine(_dir.Path, "events", "acme")).Length >= 12);
    }

    [Fact]
    public async Task Scan_TimeRange_IncludesFromAndExcludesTo()
    {
        await using var store = Open();
        await store.WriteAsync(Enumerable.Range(0, 48).Select(i => Make(i + 1, Day0.AddHours(i))).ToList());

        var scanned = await ScanAll(store, TenantScope.Only("acme"), from: Day0.AddHours(10), to: Day0.AddHours(30));

        Assert.Equal(Enumerable.Range(10, 20).Reverse().Select(h => Day0.AddHours(h)), scanned.Select(e => e.Timestamp));
    }

    [Fact]
    public async Task Scan_EarlyStop_ReadsOnlyWhatIsConsumed()
    {
        await using var store = Open();
        await store.WriteAsync(Enumerable.Range(1, 5000).Select(i => Make(i, Day0.AddSeconds(i))).ToList());

        var first = new List<EventRecord>();
        await foreach (var e in store.ScanAsync(new EventScan(TenantScope.Only("acme"), null, null, QueryNode.All)))
        {
            first.Add(e);
            if (first.Count == 10)
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(4991, 10).Reverse().Select(i => (long)i), first.Select(e => e.Id));
        Assert.Equal(10, store.RowsFetched);
    }

    [Fact]
    public async Task Scan_ScopeOfOneTenant_NeverYieldsAnotherTenantsEvents()
    {
        await using var store = Open();
        await store.WriteAsync(Enumerable.Range(1, 20).Select(i => Make(i, Day0.AddMinutes(i), tenant: i % 2 == 0 ? "alpha" : "beta")).ToList());

        var alpha = await ScanAll(store, TenantScope.Only("alpha"));
        var both = await ScanAll(store, TenantScope.Of(["alpha", "beta"]));
        var all = await ScanAll(store, TenantScope.AllTenants);
        var none = await ScanAll(store, TenantScope.Only("gamma"));

        Assert.Equal(10, alpha.Count);
        Assert.All(alpha, e => Assert.Equal("alpha", e.TenantId));
        Assert.Equal(20, both.Count);
        Assert.Equal(20, all.Count);
        Assert.Empty(none);
        Assert.Equal(10, await store.CountAsync(TenantScope.Only("beta")));
        Assert.Equal(20, await store.CountAsync(TenantScope.AllTenants));
    }

    [Theory]
    [InlineData("../beta")]
    [InlineData("alpha/../beta")]
    [InlineData("Beta")]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("/tmp")]
    [InlineData("alpha\0")]
    public async Task ScanWriteCountDrop_CraftedTenantId_AreRefused(string tenant)
    {
        await using var store = Open();
        await store.WriteAsync([Make(1, Day0, tenant: "beta")]);

        await Assert.ThrowsAsync<ArgumentException>(() => ScanAll(store, TenantScope.Only(tenant)));
        await Assert.ThrowsAsync<ArgumentException>(() => ScanAll(store, TenantScope.Of(["alpha", tenant])));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CountAsync(TenantScope.Only(tenant)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync([Make(2, Day0, tenant: tenant)]));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DropBeforeAsync(tenant, Day0.AddDays(9)));
        Assert.Equal(1, await store.CountAsync(TenantScope.Only("beta")));
    }

    [Fact]
    public async Task Scan_AllTenants_IgnoresDirectoriesThatAreNotTenantIds()
    {
        await using var store = Open();
        await store.WriteAsync([Make(1, Day0, tenant: "beta")]);
        var stray = Path.Combine(_dir.Path, "events", "Not A Tenant");
        Directory.CreateDirectory(stray);
        File.Copy(Directory.GetFiles(Path.Combine(_dir.Path, "events", "beta"), "*.db")[0], Path.Combine(stray, "2026-11-20.db"));

        Assert.Single(await ScanAll(store, TenantScope.AllTenants));
    }

    [Fact]
    public async Task Write_FieldsOfEveryType_RoundTripWithTheirTypes()
    {
        await using var store = Open();
        var fields = new Dictionary<string, object?>
        {
            [FieldNames.HostName] = "Web01",
            [FieldNames.UserName] = "Ärger",
            [FieldNames.SourceIp] = new[] { "10.0.0.1", "10.0.0.2" },
            [FieldNames.EventCode] = 4624L,
            [FieldNames.EventAction] = true,
            [FieldNames.LogFormat] = 1.0,
            ["process.pid"] = 42L,
            ["x.ratio"] = 2.0,
            ["x.half"] = 0.5,
            ["x.flag"] = false,
            ["x.mixed"] = new List<object?> { "a", 1L, 2.5, true },
            ["x.text"] = "日本語 \"quoted\" \\ back",
            ["x.null"] = null,
            ["x.negative"] = -5_000_000_000L,
            ["x.max"] = long.MaxValue,
            ["x.min"] = long.MinValue,
            ["x.long"] = new string('é', 300),
            ["x.nan"] = double.NaN,
        };
        await store.WriteAsync([Make(1, Day0, fields: fields)]);
        var read = Assert.Single(await ScanAll(store, TenantScope.Only("acme")));

        Assert.Equal(fields.Count, read.Fields.Count);
        Assert.Equal("Web01", read.Fields[FieldNames.HostName]);
        Assert.Equal("Ärger", read.Fields[FieldNames.UserName]);
        Assert.Equal(["10.0.0.1", "10.0.0.2"], Assert.IsAssignableFrom<IReadOnlyList<string>>(read.Fields[FieldNames.SourceIp]));
        Assert.Equal(4624L, Assert.IsType<long>(read.Fields[FieldNames.EventCode]));
        Assert.Equal(true, read.Fields[FieldNames.EventAction]);
        Assert.Equal(1.0, Assert.IsType<double>(read.Fields[FieldNames.LogFormat]));
        Assert.Equal(42L, Assert.IsType<long>(read.Fields["process.pid"]));
        Assert.Equal(2.0, Assert.IsType<double>(read.Fields["x.ratio"]));
        Assert.Equal(0.5, read.Fields["x.half"]);
        Assert.Equal(false, read.Fields["x.flag"]);
        Assert.Equal(["a", 1L, 2.5, true], Assert.IsAssignableFrom<IReadOnlyList<object?>>(read.Fields["x.mixed"]));
        Assert.Equal("日本語 \"quoted\" \\ back", read.Fields["x.text"]);
        Assert.True(read.Fields.ContainsKey("x.null"));
        Assert.Null(read.Fields["x.null"]);
        Assert.Equal(-5_000_000_000L, read.Fields["x.negative"]);
        Assert.Equal(long.MaxValue, read.Fields["x.max"]);
        Assert.Equal(long.MinValue, read.Fields["x.min"]);
        Assert.Equal(new string('é', 300), read.Fields["x.long"]);
        Assert.True(double.IsNaN(Assert.IsType<double>(read.Fields["x.nan"])));
    }

    [Fact]
    public async Task Partition_OfFormat1_IsStillReadSearchedAndWrittenWithJsonFields()
    {
        // A partition file of format 1 (fields as JSON text), as builds before binary fields wrote it.
        await using (var store = Open(new SqliteEventStoreOptions { Shards = 1 }))
        {
            await store.WriteAsync([Make(1, Day0, fields: new() { ["process.name"] = "sshd" })]);
        }

        var file = Directory.GetFiles(Path.Combine(_dir.Path, "events", "acme"), "*.db").Single();
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False"))
        {
            connection.Open();
            using var convert = connection.CreateCommand();
            convert.CommandText = """
                UPDATE events SET fields = '{"process.name":"sshd","process.pid":7}';
                DROP TABLE field_names;
                PRAGMA user_version = 1;
                """;
            convert.ExecuteNonQuery();
        }

        await using (var store = Open(new SqliteEventStoreOptions { Shards = 1 }))
        {
            await store.WriteAsync([Make(2, Day0.AddMinutes(1), fields: new() { ["process.name"] = "cron", ["x.list"] = new List<string> { "a", "b" } })]);
            var all = await ScanAll(store, TenantScope.Only("acme"));
            var withPid = await ScanAll(store, TenantScope.Only("acme"), new FieldTermNode("process.pid", "7", false));

            Assert.Equal(2, all.Count);
            Assert.Equal(7L, all.Single(e => e.Id == 1).Fields["process.pid"]);
            Assert.Equal("cron", all.Single(e => e.Id == 2).Fields["process.name"]);
            Assert.Equal(["a", "b"], Assert.IsAssignableFrom<IReadOnlyList<string>>(all.Single(e => e.Id == 2).Fields["x.list"]));
            Assert.Equal(1L, Assert.Single(withPid).Id); // narrowed by the JSON key, as in format 1
        }

        using var check = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        check.Open();
        using var query = check.CreateCommand();
        query.CommandText = "SELECT typeof(fields), (SELECT user_version FROM pragma_user_version) FROM events WHERE id = 2";
        using var reader = query.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal("text", reader.GetString(0));
        Assert.Equal(1L, reader.GetInt64(1));
    }

    [Fact]
    public async Task Flush_AfterWrites_LeavesEveryEventInTheDatabaseFileItself()
    {
        // Writers only append to the WAL; the checkpoint thread copies it into the database file. A copy of the
        // .db file alone (no -wal) shows what a flush made durable there.
        await using var store = Open(new SqliteEventStoreOptions { Shards = 1 });
        await store.WriteAsync(Realistic(3000, 1, "acme", Day0));
        var file = Directory.GetFiles(Path.Combine(_dir.Path, "events", "acme"), "*.db").Single();

        await store.FlushAsync();

        var copy = Path.Combine(_dir.Path, "copy.db");
        File.Copy(file, copy);
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={copy};Pooling=False");
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM events";
        Assert.Equal(3000L, (long)count.ExecuteScalar()!);
    }

    [Fact]
    public async Task Write_PropertiesOfTheEvent_RoundTrip()
    {
        await using var store = Open();
        var original = new EventRecord
        {
            Id = 77,
            TenantId = "acme",
            Timestamp = new DateTimeOffset(2026, 11, 20, 9, 30, 1, 123, TimeSpan.FromHours(9)).AddTicks(4567),
            Received = Day0.AddHours(1).AddTicks(1),
            Original = "raw ✓ bytes",
            Message = null,
            ErrorMessage = "truncated",
        };
        await store.WriteAsync([original]);

        var read = Assert.Single(await ScanAll(store, TenantScope.Only("acme")));

        Assert.Equal(original.Timestamp, read.Timestamp);
        Assert.Equal(original.Timestamp.UtcTicks, read.Timestamp.UtcTicks);
        Assert.Equal(original.Received, read.Received);
        Assert.Equal(original.Original, read.Original);
        Assert.Null(read.Message);
        Assert.Equal("truncated", read.ErrorMessage);
        Assert.Empty(read.Fields);
    }

    [Theory]
    [InlineData("<13>1 - h app - - Failed login ✓", "Failed login ✓")]
    [InlineData("<13>1 - h app - - a\\=b", "a=b")]
    [InlineData("same", "same")]
    [InlineData("raw", "")]
    public async Task Write_MessageInsideOrOutsideTheOriginal_RoundTrips(string original, string message)
    {
        await using var store = Open();
        await store.WriteAsync([Make(1, Day0) is var e ? new EventRecord
        {
            Id = e.Id, TenantId = e.TenantId, Timestamp = e.Timestamp, Received = e.Received, Original = original, Message = message,
        } : null!]);

        var read = Assert.Single(await ScanAll(store, TenantScope.Only("acme")));

        Assert.Equal(original, read.Original);
        Assert.Equal(message, read.Message);
    }

    [Fact]
    public async Task DropBefore_WholeDaysBeforeCutoff_DeletesTheirFilesOnly()
    {
        await using var store = Open();
        await store.WriteAsync(Enumerable.Range(0, 40).Select(i => Make(i + 1, Day0.AddHours(i * 2))).ToList());
        var tenantDir = Path.Combine(_dir.Path, "events", "acme");
        Assert.Contains(Directory.GetFiles(tenantDir), f => f.EndsWith("-wal", StringComparison.Ordinal));

        // Cutoff in the middle of day 2: days 0 and 1 go, day 2 stays (it holds events after the cutoff).
        var result = await store.DropBeforeAsync("acme", Day0.AddDays(2).AddHours(5));

        Assert.Equal(4, result.PartitionsDropped);
        Assert.Equal(24, result.EventsDropped);
        Assert.Equal(16, await store.CountAsync(TenantScope.Only("acme")));
        Assert.DoesNotContain(Directory.GetFiles(tenantDir), f => Path.GetFileName(f).StartsWith("2026-11-20", StringComparison.Ordinal));
        Assert.DoesNotContain(Directory.GetFiles(tenantDir), f => Path.GetFileName(f).StartsWith("2026-11-21", StringComparison.Ordinal));
        Assert.Equal(16, (await ScanAll(store, TenantScope.Only("acme"))).Count);

        // Writing to a dropped day again works (a late event): the partition is recreated.
        await store.WriteAsync([Make(1000, Day0.AddHours(1))]);
        Assert.Equal(17, await store.CountAsync(TenantScope.Only("acme")));
    }

    [Fact]
    public async Task DropBefore_CutoffAtMidnight_DropsTheDayBefore()
    {
        await using var store = Open();
        await store.WriteAsync([Make(1, Day0.AddHours(23)), Make(3, Day0.AddDays(1))]);

        var result = await store.DropBeforeAsync("acme", Day0.AddDays(1));

        Assert.Equal(new RetentionResult(1, 1), result);
        Assert.Equal([3L], (await ScanAll(store, TenantScope.Only("acme"))).Select(e => e.Id));
    }

    [Fact]
    public async Task DropBefore_OtherTenant_IsUntouched()
    {
        await using var store = Open();
        await store.WriteAsync([Make(1, Day0, tenant: "alpha"), Make(2, Day0, tenant: "beta")]);

        await store.DropBeforeAsync("alpha", Day0.AddDays(5));

        Assert.Equal(0, await store.CountAsync(TenantScope.Only("alpha")));
        Assert.Equal(1, await store.CountAsync(TenantScope.Only("beta")));
    }

    [Fact]
    public async Task Scan_SecondInstanceWhileWriterWrites_SeesCommittedBatches()
    {
        await using var writer = Open();
        await using var reader = SqliteEventStore.Open(_dir.Path, SqliteEventStoreOptions.Default, _time);
        await writer.WriteAsync(Realistic(1000, 1, "acme", Day0));

        var writing = Task.Run(async () =>
        {
            for (var b = 1; b <= 20; b++)
            {
                await writer.WriteAsync(Realistic(1000, 1 + (b * 1000), "acme", Day0.AddSeconds(b)));
            }
        });
        var seen = new List<long>();
        while (!writing.IsCompleted)
        {
            var count = 0L;
            await foreach (var e in reader.ScanAsync(new EventScan(TenantScope.Only("acme"), null, null, QueryNode.All)))
            {
                count++;
            }

            // Whole transactions only. A batch is one transaction per shard file (ids alternate between the two
            // shards), so a reader may see one shard's half of a batch before the other's, never less.
            Assert.Equal(0, count % 500);
            seen.Add(count);
        }

        await writing;
        Assert.Equal(21_000, await reader.CountAsync(TenantScope.Only("acme")));
        Assert.Equal(21_000, (await ScanAll(reader, TenantScope.Only("acme"))).Count);
        Assert.Equal(seen.Order(), seen);
    }

    [Fact]
    public async Task Scan_AfterTheWriterClosed_ReadsTheFilesReadOnly()
    {
        await using (var writer = Open())
        {
            await writer.WriteAsync(Realistic(300, 1, "acme", Day0));
        }

        await using var reader = Open();
        var sshd = await ScanAll(reader, TenantScope.Only("acme"), new FreeTextNode("sshd", false, false));

        Assert.Equal(300, sshd.Count);
        Assert.Equal(300, await reader.CountAsync(TenantScope.AllTenants));
        Assert.Equal(0, reader.OpenWriters);
    }

    [Fact]
    public async Task Write_IdleWriterConnections_AreClosed()
    {
        await using var store = Open();
        await store.WriteAsync([Make(1, Day0), Make(2, Day0)]);
        Assert.Equal(2, store.OpenWriters);

        _time.Advance(TimeSpan.FromMinutes(5));
        await store.WriteAsync([Make(4, Day0.AddDays(1))]);

        Assert.Equal(1, store.OpenWriters);
        Assert.Equal(3, await store.CountAsync(TenantScope.Only("acme")));
    }

    [Fact]
    public async Task Summarize_PerTenant_GivesEventsTimestampRangeAndReceiptDays()
    {
        await using var store = Open();
        await store.WriteAsync(
        [
            Make(1, Day0.AddDays(-9), received: Day0.AddHours(1)),
            Make(2, Day0.AddDays(1).AddHours(5)),
            Make(3, Day0.AddDays(2).AddHours(1)),
            Make(4, Day0.AddHours(3), tenant: "beta"),
        ]);

        var all = await store.SummarizeAsync(TenantScope.AllTenants);
        var acme = Assert.Single(await store.SummarizeAsync(TenantScope.Only("acme")));

        Assert.Equal(["acme", "beta"], all.Select(s => s.TenantId).Order(StringComparer.Ordinal));
        Assert.Equal(
            new TenantEventSummary("acme", 3, Day0.AddDays(-9), Day0.AddDays(2).AddHours(1), DateOnly.FromDateTime(Day0.UtcDateTime), DateOnly.FromDateTime(Day0.UtcDateTime).AddDays(2)),
            acme);
        Assert.Empty(await store.SummarizeAsync(TenantScope.Only("gamma")));
    }

    [Fact]
    public async Task Sources_SinceATime_GroupHostAndFormatPerTenant_CountingOnlyEventsReceivedSince()
    {
        await using var store = Open();
        static Dictionary<string, object?> Source(object? host, string format) => new() { [FieldNames.HostName] = host, [FieldNames.LogFormat] = format };
        await store.WriteAsync(
        [
            Make(1, Day0.AddHours(1), fields: Source("web1", "rfc5424")),
            Make(2, Day0.AddDays(1).AddHours(1), fields: Source("web1", "rfc5424")),
            Make(3, Day0.AddDays(1).AddHours(2), fields: Source("WEB1", "rfc5424")),
            Make(4, Day0.AddDays(1).AddHours(3), fields: Source("fw", "cef")),
            Make(5, Day0.AddDays(1).AddHours(4), fields: Source(null, "json")),
            Make(6, Day0.AddDays(1).AddHours(5), tenant: "beta", fields: Source("db", "rfc3164")),

            // Received today, stamped long ago: it is sending now.
            Make(7, Day0.AddDays(-30), received: Day0.AddDays(2), fields: Source("old", "rfc3164")),
        ]);

        var acme = await store.SourcesAsync(TenantScope.Only("acme"), Day0.AddDays(1));

        Assert.Equal(
            [("cef", "fw", 1L), ("json", null, 1L), ("rfc3164", "old", 1L), ("rfc5424", "web1", 2L)],
            acme.Select(s => (s.LogFormat!, s.HostName?.ToLowerInvariant(), s.Events)).OrderBy(s => s.Item1, StringComparer.Ordinal));
        Assert.All(acme, s => Assert.Equal("acme", s.TenantId));
        Assert.Equal(Day0.AddDays(1).AddHours(2), acme.Single(s => s.LogFormat == "rfc5424").LastReceived);
        Assert.Equal(7, (await store.SourcesAsync(TenantScope.AllTenants, Day0)).Sum(s => s.Events));
        Assert.Single(await store.SourcesAsync(TenantScope.Only("beta"), Day0));
    }

    [Fact]
    public void ContainsAsWords_PartInsideALongerWord_IsNotContained()
    {
        Assert.True(Internal.PartitionWriter.ContainsAsWords("<13>1 host app - - login failed", "login failed"));
        Assert.True(Internal.PartitionWriter.ContainsAsWords("a xdef def b", "def"));
        Assert.False(Internal.PartitionWriter.ContainsAsWords("<13>xlogin failed", "login failed"));
        Assert.False(Internal.PartitionWriter.ContainsAsWords("a=b\\=c", "b=c"));
    }
}

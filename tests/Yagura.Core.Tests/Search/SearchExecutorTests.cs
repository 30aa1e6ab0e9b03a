using Yagura.Core.Events;
using Yagura.Core.Search;
using Yagura.Core.Tenancy;

using static Yagura.Core.Tests.Search.TestEvents;

namespace Yagura.Core.Tests.Search;

public sealed class SearchExecutorTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Now = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TenantScope Default = TenantScope.Only("default");

    private readonly InMemoryEventStore _store = new();
    private readonly ManualTimeProvider _time = new(Now);

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private async Task<SearchResult> RunAsync(string query, int limit = 100, DateTimeOffset? from = null, DateTimeOffset? to = null, TenantScope? scope = null) =>
        await new SearchExecutor(_store, _time).ExecuteAsync(QueryParser.Parse(query), scope ?? Default, from, to, limit, CancellationToken.None);

    /// <summary>Adds events one minute apart, the first the oldest.</summary>
    private async Task AddAsync(params EventRecord[] events)
    {
        var stamped = events.Select((e, i) => new EventRecord
        {
            Id = e.Id,
            TenantId = e.TenantId,
            Timestamp = Now.AddMinutes(-events.Length + i),
            Received = Now,
            Original = e.Original,
            Message = e.Message,
            ErrorMessage = e.ErrorMessage,
            Fields = e.Fields,
        }).ToArray();
        await _store.WriteAsync(stamped);
    }

    private static EventRecord Login(string outcome, string ip, string user, long bytes = 0, string tenant = "default") => Event(
        message: $"{outcome} login for {user} from {ip}",
        tenant: tenant,
        fields: [("event.code", outcome == "failed" ? "4625" : "4624"), ("source.ip", ip), ("user.name", user), ("bytes", bytes)]);

    [Fact]
    public async Task Execute_WithoutPipes_ReturnsMatchesNewestFirstAndRechecksTheStore()
    {
        await AddAsync(Login("failed", "10.0.0.1", "root"), Login("ok", "10.0.0.2", "bob"), Login("failed", "10.0.0.3", "alice"));

        var result = await RunAsync("failed");

        Assert.False(result.IsTable);
        Assert.Equal(["alice", "root"], result.Events!.Select(e => (string)e.Fields["user.name"]!));
        Assert.Equal(3, result.Scanned);
        Assert.Equal(2, result.Matched);
        Assert.False(result.Truncated);
    }

    [Fact]
    public async Task Execute_LimitReached_StopsScanningAndMarksTruncated()
    {
        await AddAsync([.. Enumerable.Range(0, 50).Select(i => Login("failed", "10.0.0.1", $"u{i}"))]);

        var result = await RunAsync("failed", limit: 10);

        Assert.Equal(10, result.Events!.Count);
        Assert.Equal("u49", result.Events[0].Fields["user.name"]);
        Assert.True(result.Truncated);
        Assert.Equal(10, result.Scanned);
        Assert.Equal(10, _store.Yielded);
    }

    [Fact]
    public async Task Execute_FewerMatchesThanLimit_ReadsEverythingAndIsNotTruncated()
    {
        await AddAsync(Login("failed", "1.1.1.1", "a"), Login("failed", "1.1.1.1", "b"), Login("ok", "1.1.1.1", "c"));

        var result = await RunAsync("failed", limit: 3);

        Assert.Equal(2, result.Events!.Count);
        Assert.Equal(3, result.Scanned);
        Assert.False(result.Truncated);
    }

    [Fact]
    public async Task Execute_LimitOutOfRange_UsesDefaultAndMaximum()
    {
        await AddAsync([.. Enumerable.Range(0, SearchExecutor.MaxLimit + 5).Select(i => Event(message: "x"))]);

        var byDefault = await RunAsync("x", limit: 0);
        var capped = await RunAsync("x", limit: 1_000_000);

        Assert.Equal(SearchExecutor.DefaultLimit, byDefault.Events!.Count);
        Assert.Equal(SearchExecutor.MaxLimit, capped.Events!.Count);
        Assert.True(capped.Truncated);
    }

    [Fact]
    public async Task Execute_OnlyReturnsEventsOfTheScopeAndTimeRange()
    {
        await AddAsync(Login("failed", "1.1.1.1", "old"), Login("failed", "1.1.1.1", "other", tenant: "acme"), Login("failed", "1.1.1.1", "new"));

        var scoped = await RunAsync("failed");
        var windowed = await RunAsync("failed", from: Now.AddMinutes(-1), to: Now);

        Assert.Equal(["new", "old"], scoped.Events!.Select(e => (string)e.Fields["user.name"]!));
        Assert.Equal(["new"], windowed.Events!.Select(e => (string)e.Fields["user.name"]!));
    }

    [Fact]
    public async Task Execute_RelativeTimes_ResolveAgainstTheClockForStoreAndEvaluator()
    {
        await AddAsync([.. Enumerable.Range(0, 30).Select(i => Event(message: $"m{i}"))]);
        _time.Now = Now.AddMinutes(5);

        var result = await RunAsync("@timestamp>=now-15m");

        // Events are at Now-30m … Now-1m; with the clock at Now+5m the last 15 minutes hold Now-10m … Now-1m.
        Assert.Equal(10, result.Events!.Count);
        Assert.Equal(
            "range(@timestamp,[2024-05-01T11:50:00.0000000Z,*})",
            QueryAst.Print(_store.Scans.Single().Filter));
    }

    [Fact]
    public async Task Execute_StatsCountByTwoFields_GroupsEveryMatch()
    {
        await AddAsync(
            Login("failed", "10.0.0.1", "root"),
            Login("failed", "10.0.0.1", "root"),
            Login("failed", "10.0.0.1", "admin"),
            Login("failed", "10.0.0.2", "root"),
            Login("ok", "10.0.0.1", "root"));

        var result = await RunAsync("event.code:4625 | stats count() by source.ip, user.name");

        Assert.True(result.IsTable);
        Assert.Null(result.Events);
        Assert.Equal(["source.ip", "user.name", "count()"], result.Columns);
        var rows = result.Rows.Select(r => $"{r[0]} {r[1]} {r[2]}").Order().ToList();
        Assert.Equal(["10.0.0.1 admin 1", "10.0.0.1 root 2", "10.0.0.2 root 1"], rows);
        Assert.Equal(4, result.Matched);
        Assert.Equal(5, result.Scanned);
    }

    [Fact]
    public async Task Execute_SocTopSources_SortsCountsDescendingAndTakesTheHead()
    {
        var events = new List<EventRecord>();
        for (var source = 1; source <= 15; source++)
        {
            events.AddRange(Enumerable.Range(0, source).Select(_ => Login("failed", $"10.0.0.{source}", "root")));
        }

        events.Add(Login("ok", "10.0.0.99", "root"));
        await AddAsync([.. events]);

        var result = await RunAsync("event.code:4625 | stats count() by source.ip | sort count() desc | head 10");

        Assert.Equal(["source.ip", "count()"], result.Columns);
        Assert.Equal(10, result.Rows.Count);
        Assert.Equal(Enumerable.Range(6, 10).Reverse().Select(i => (object?)(long)i), result.Rows.Select(r => r[1]));
        Assert.Equal("10.0.0.15", result.Rows[0][0]);
        Assert.False(result.Truncated);
    }

    [Fact]
    public async Task Execute_StatsFunctions_ComputeDistinctSumAverageMinMax()
    {
        await AddAsync(
            Login("failed", "10.0.0.1", "root", bytes: 10),
            Login("failed", "10.0.0.1", "ROOT", bytes: 30),
            Login("failed", "10.0.0.1", "bob", bytes: 20),
            Event(message: "failed without fields"));

        var result = await RunAsync(
            "failed | stats count() as n, count(user.name), dc(user.name), sum(bytes), avg(bytes), min(bytes), max(bytes), min(@timestamp)");

        Assert.Equal(["n", "count(user.name)", "dc(user.name)", "sum(bytes)", "avg(bytes)", "min(bytes)", "max(bytes)", "min(@timestamp)"], result.Columns);
        var row = Assert.Single(result.Rows);
        Assert.Equal(
            ["Int64 4", "Int64 3", "Int64 3", "Int64 60", "Double 20", "Int64 10", "Int64 30", "DateTimeOffset 2024-05-01T11:56:00.0000000+00:00"],
            row.Select(v => $"{v!.GetType().Name} {(v is IFormattable f ? f.ToString(v is DateTimeOffset ? "O" : null, System.Globalization.CultureInfo.InvariantCulture) : v)}"));
    }

    [Fact]
    public async Task Execute_StatsByListField_CountsTheEventInEachElementsGroup()
    {
        await AddAsync(
            Event(message: "a", fields: ("tags", new List<string> { "ssh", "auth" })),
            Event(message: "b", fields: ("tags", new List<string> { "auth" })),
            Event(message: "c"));

        var result = await RunAsync("| stats count() by tags | sort count() desc");

        // Equal counts keep the order groups first appeared in, newest first.
        Assert.Equal(["auth 2", " 1", "ssh 1"], result.Rows.Select(r => $"{r[0]} {r[1]}"));
    }

    [Fact]
    public async Task Execute_StatsOverNothing_IsOneRowOfZeros()
    {
        await AddAsync(Event(message: "a"));

        var total = await RunAsync("nomatch | stats count()");
        var grouped = await RunAsync("nomatch | stats count() by user.name");

        Assert.Equal([0L], Assert.Single(total.Rows));
        Assert.Empty(grouped.Rows);
    }

    [Fact]
    public async Task Execute_SortOnEvents_OrdersByFieldWithMissingValuesLast()
    {
        await AddAsync(
            Login("failed", "1.1.1.1", "b", bytes: 5),
            Event(message: "failed, no bytes"),
            Login("failed", "1.1.1.1", "c", bytes: 100),
            Login("failed", "1.1.1.1", "a", bytes: 20));

        var descending = await RunAsync("failed | sort bytes desc");
        var byUser = await RunAsync("failed | sort user.name | fields user.name");

        Assert.Equal([100L, 20L, 5L, null], descending.Events!.Select(e => e.GetField("bytes")));
        Assert.Equal(["a", "b", "c", null], byUser.Rows.Select(r => r[0]));
    }

    [Fact]
    public async Task Execute_HeadOnEvents_StopsScanningOnceEnoughMatched()
    {
        await AddAsync([.. Enumerable.Range(0, 100).Select(i => Event(message: "x"))]);

        var result = await RunAsync("x | head 5", limit: 50);

        Assert.Equal(5, result.Events!.Count);
        Assert.False(result.Truncated);
        Assert.Equal(5, result.Scanned);
    }

    [Fact]
    public async Task Execute_HeadBeforeSort_SortsOnlyTheNewestMatches()
    {
        await AddAsync(Login("failed", "1.1.1.1", "a", bytes: 1), Login("failed", "1.1.1.1", "b", bytes: 2), Login("failed", "1.1.1.1", "c", bytes: 3));

        var result = await RunAsync("failed | head 2 | sort bytes");

        Assert.Equal(["b", "c"], result.Events!.Select(e => (string)e.Fields["user.name"]!));
    }

    [Fact]
    public async Task Execute_FieldsOnEvents_YieldsATable()
    {
        await AddAsync(Login("failed", "10.0.0.1", "root"), Event(message: "failed other"));

        var result = await RunAsync("failed | fields user.name, @timestamp, missing");

        Assert.True(result.IsTable);
        Assert.Equal(["user.name", "@timestamp", "missing"], result.Columns);
        Assert.Equal([null, Now.AddMinutes(-1), null], result.Rows[0]);
        Assert.Equal(["root", Now.AddMinutes(-2), null], result.Rows[1]);
    }

    [Fact]
    public async Task Execute_LimitOnTableRows_TruncatesTheTable()
    {
        await AddAsync([.. Enumerable.Range(0, 20).Select(i => Login("failed", $"10.0.0.{i}", "root"))]);

        var result = await RunAsync("failed | stats count() by source.ip", limit: 5);

        Assert.Equal(5, result.Rows.Count);
        Assert.True(result.Truncated);
        Assert.Equal(20, result.Matched);
    }

    [Fact]
    public async Task Execute_StatsOverATable_AggregatesItsRows()
    {
        await AddAsync(Login("failed", "10.0.0.1", "root"), Login("failed", "10.0.0.1", "bob"), Login("failed", "10.0.0.2", "root"));

        var result = await RunAsync("failed | stats count() by source.ip, user.name | stats count() as pairs, dc(user.name) by source.ip | sort source.ip");

        Assert.Equal(["source.ip", "pairs", "dc(user.name)"], result.Columns);
        Assert.Equal(["10.0.0.1 2 2", "10.0.0.2 1 1"], result.Rows.Select(r => $"{r[0]} {r[1]} {r[2]}"));
    }

    [Fact]
    public async Task Execute_TooManyGroups_KeepsTheCapAndMarksTruncated()
    {
        await AddAsync([.. Enumerable.Range(0, SearchExecutor.MaxGroups + 10).Select(i => Event(message: "x", fields: ("n", (long)i)))]);

        var result = await RunAsync("x | stats count() by n | head 3");

        Assert.True(result.Truncated);
        Assert.Equal(3, result.Rows.Count);
        Assert.Equal(SearchExecutor.MaxGroups + 10, result.Matched);
    }
}

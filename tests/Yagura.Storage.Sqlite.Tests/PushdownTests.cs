using System.Net;

using Yagura.Core.Events;
using Yagura.Core.Search;
using Yagura.Core.Storage;
using Yagura.Core.Tenancy;

using static Yagura.Storage.Sqlite.Tests.TestEvents;

namespace Yagura.Storage.Sqlite.Tests;

/// <summary>With FTS5: per-event narrowing of free text, prefixes included.</summary>
public sealed class Fts5PushdownTests : PushdownTests
{
    protected override SqliteEventStoreOptions Options => new() { FullText = FullTextIndex.Fts5 };

    [Fact]
    public async Task Scan_SelectiveFreeText_FetchesOnlyCandidates()
    {
        Assert.InRange(await Fetched(F("sshd")), 1, EventCount / 4);
        Assert.InRange(await Fetched(F("pass*")), 1, EventCount / 3);
        Assert.InRange(await Fetched(F("Login Failed", phrase: true)), 1, EventCount / 3);
        Assert.Equal(0, await Fetched(F("nothingmatches")));
        Assert.InRange(await Fetched(new OrNode([F("sshd"), T(FieldNames.EventId, "3")])), 1, EventCount / 4);
    }

    [Fact]
    public async Task Scan_FreeText_TokenPhraseAndPrefix()
    {
        Assert.Equal(Expected(F("sshd")), (await Scan(F("sshd"))).Order());
        var prefix = await Scan(F("passw*"));
        Assert.Contains(prefix, id => Event(id).Original.Contains("passwd", StringComparison.Ordinal));
        Assert.Contains(prefix, id => Event(id).Original.Contains("password123", StringComparison.Ordinal));
        var phrase = await Scan(F("failed login", phrase: true));
        Assert.Superset(Expected(F("failed login", phrase: true)).ToHashSet(), phrase.ToHashSet());
        Assert.DoesNotContain(phrase, id => !Event(id).Original.Contains("failed", StringComparison.OrdinalIgnoreCase)
            && !(Event(id).Message ?? "").Contains("failed", StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>With Bloom filters per block (of 8 events here, so a rare word narrows to a few blocks).</summary>
public sealed class BloomPushdownTests : PushdownTests
{
    protected override SqliteEventStoreOptions Options => new() { FullText = FullTextIndex.BlockBloom, BloomBlockSize = 8 };

    [Fact]
    public async Task Scan_RareWord_FetchesOnlyItsBlocks()
    {
        var expected = Expected(F("raw123"));
        Assert.Single(expected);
        // Its own block, and at most a few more by false positives (about 2 % of 75 blocks of 8).
        Assert.InRange(await Fetched(F("raw123")), 1, 32);
        Assert.InRange(await Fetched(new FieldTermNode(FieldNames.EventOriginal, "RAW123", false)), 1, 32);
        Assert.Equal(0, await Fetched(F("nothingmatches")));
        Assert.Equal(0, await Fetched(F("raw123 nothingmatches", phrase: true)));
    }

    [Fact]
    public async Task Scan_WordInFewEvents_FetchesFewBlocks()
    {
        var expected = Expected(F("sshd"));
        Assert.Equal(expected, (await Scan(F("sshd"))).Where(id => expected.Contains(id)).Order());
        Assert.InRange(await Fetched(F("sshd")), expected.Count, EventCount * 3 / 4);
    }

    [Fact]
    public async Task Scan_PhraseOfCommonWords_IsNarrowedByAdjacentPairs()
    {
        // "failed" and "login" are in two messages of twelve, but in that order and adjacent only in one.
        var phrase = await Fetched(F("failed login", phrase: true));
        var words = await Fetched(new AndNode([F("failed"), F("login")]));

        Assert.InRange(phrase, Expected(F("failed login", phrase: true)).Count, words - 1);
    }

    [Fact]
    public async Task Scan_PrefixTerm_IsNotNarrowed() => Assert.Equal(EventCount, await Fetched(F("raw12*")));
}

/// <summary>The store may narrow with SQL but must return every event the filter matches.</summary>
public abstract class PushdownTests : IAsyncLifetime, IDisposable
{
    protected abstract SqliteEventStoreOptions Options { get; }

    protected const int EventCount = 600;

    private readonly TempDirectory _dir = new();
    private readonly ManualTime _time = new(Day0.AddDays(1));
    private SqliteEventStore _store = null!;
    private List<EventRecord> _events = null!;

    private static readonly object?[] Hosts = ["web01", "WEB02", "db01", new[] { "web01", "x" }, "Ärger-Host", 5L, 5.0, true, null];
    private static readonly object?[] Users = ["alice", "Bob", "ıdris", "IDRIS", "straße", "\u212Aelvin", null];
    private static readonly object?[] Codes = [4624L, "4625", "04624", 4624.0, "4624", null];
    private static readonly object?[] Ips = ["10.0.0.5", "192.168.1.9", "2001:db8::1", null];
    private static readonly string[] Messages =
    [
        "Login Failed for user_name admin", "login ok", "password123 changed", "café au lait", "CAFÉ OPEN",
        "東京 サーバー 停止", "passwd file read", "mail relay", "the user name is bob", "failed failed login",
        "Ärger im Büro", "sshd[42]: error: PAM",
    ];

    public async Task InitializeAsync()
    {
        _store = SqliteEventStore.Open(_dir.Path, Options, _time);
        var random = new Random(5);
        _events = Enumerable.Range(1, EventCount).Select(i =>
        {
            var fields = new Dictionary<string, object?>();
            void Maybe(string name, object?[] pool)
            {
                var v = pool[random.Next(pool.Length)];
                if (v is not null || random.Next(4) == 0)
                {
                    fields[name] = v;
                }
            }

            Maybe(FieldNames.HostName, Hosts);
            Maybe(FieldNames.UserName, Users);
            Maybe(FieldNames.EventCode, Codes);
            Maybe(FieldNames.SourceIp, Ips);
            if (random.Next(3) == 0)
            {
                fields["process.pid"] = (long)random.Next(40, 45);
            }

            var message = Messages[random.Next(Messages.Length)];
            var ts = Day0.AddMinutes(i * 3);
            return new EventRecord
            {
                Id = i,
                TenantId = "acme",
                Timestamp = ts,
                Received = ts,
                Message = random.Next(5) == 0 ? null : message,
                Original = random.Next(3) == 0 ? $"<13>1 {ts:O} h app - - {message}" : $"raw{i} {Messages[random.Next(Messages.Length)]}",
                ErrorMessage = random.Next(6) == 0 ? "parse failed" : null,
                Fields = fields,
            };
        }).ToList();
        await _store.WriteAsync(_events);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    public void Dispose()
    {
        _dir.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static FieldTermNode T(string field, string value) => new(field, value, value.Contains('*') || value.Contains('?'));

    protected static FreeTextNode F(string text, bool phrase = false) => new(text, phrase, !phrase && text.Contains('*'));

    public static readonly QueryNode[] Leaves =
    [
        T(FieldNames.HostName, "web01"), T(FieldNames.HostName, "WEB01"), T(FieldNames.HostName, "web0*"),
        T(FieldNames.HostName, "*01"), T(FieldNames.HostName, "w?b02"), T(FieldNames.HostName, "ärger-host"),
        T(FieldNames.HostName, "5"), T(FieldNames.HostName, "5.0"), T(FieldNames.HostName, "true"), T(FieldNames.HostName, "x"),
        T(FieldNames.UserName, "idris"), T(FieldNames.UserName, "IDRIS"), T(FieldNames.UserName, "STRASSE"),
        T(FieldNames.UserName, "Straße"), T(FieldNames.UserName, "bob"), T(FieldNames.UserName, "k*"), T(FieldNames.UserName, "kelvin"),
        T(FieldNames.EventCode, "4624"), T(FieldNames.EventCode, "4624.0"), T(FieldNames.EventCode, "4625"),
        T(FieldNames.EventCode, "04624"), T(FieldNames.EventCode, "46*"),
        T(FieldNames.SourceIp, "10.0.0.5"), T("process.pid", "42"), T("process.pid", "4*"),
        T(FieldNames.Message, "login"), T(FieldNames.EventOriginal, "raw7"), T(FieldNames.ErrorMessage, "failed"),
        T(FieldNames.EventId, "17"), T(FieldNames.TenantId, "acme"),
        new FieldExistsNode(FieldNames.HostName), new FieldExistsNode(FieldNames.UserName), new FieldExistsNode("process.pid"),
        new FieldExistsNode(FieldNames.ErrorMessage), new FieldExistsNode(FieldNames.Message), new FieldExistsNode("nope"),
        new FieldCidrNode(FieldNames.SourceIp, IPNetwork.Parse("10.0.0.0/8")),
        new FieldCidrNode(FieldNames.SourceIp, IPNetwork.Parse("2001:db8::/32")),
        new FieldRangeNode(FieldNames.Timestamp, new RangeBound("2026-11-20T05:00:00Z", true), new RangeBound("2026-11-20T09:00:00Z", false)),
        new FieldRangeNode(FieldNames.Timestamp, new RangeBound("now-20h", true), null),
        new FieldRangeNode(FieldNames.Timestamp, null, new RangeBound("2026-11-20", true)),
        new FieldRangeNode(FieldNames.Timestamp, new RangeBound("2026-11-20T10:00:00", false), new RangeBound("now", false)),
        new FieldRangeNode(FieldNames.Timestamp, new RangeBound("2026-11-20T10:00:00+09:00", false), null),
        new FieldRangeNode("process.pid", new RangeBound("42", true), null),
        new FieldRangeNode(FieldNames.EventCode, new RangeBound("4624", true), new RangeBound("4624", true)),
        F("login"), F("LOGIN"), F("failed"), F("Login Failed", phrase: true), F("failed login", phrase: true),
        F("user_name"), F("pass*"), F("*word*"), F("pa?swd"), F("東京"), F("サーバー"), F("café"), F("CAFÉ"), F("cafe"),
        F("ärger"), F("sshd"), F("42"), F("raw1*"), F("nothingmatches"),
    ];

    public static TheoryData<int> LeafIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Leaves.Length; i++)
        {
            data.Add(i);
        }

        return data;
    }

    protected async Task<List<long>> Scan(QueryNode filter)
    {
        var ids = new List<long>();
        await foreach (var e in _store.ScanAsync(new EventScan(TenantScope.Only("acme"), null, null, filter)))
        {
            ids.Add(e.Id);
        }

        return ids;
    }

    protected EventRecord Event(long id) => _events[(int)id - 1];

    protected List<long> Expected(QueryNode filter) =>
        _events.Where(e => ReferenceEvaluator.Matches(filter, e, _time.GetUtcNow())).Select(e => e.Id).ToList();

    private async Task AssertSuperset(QueryNode filter)
    {
        var returned = (await Scan(filter)).ToHashSet();
        var missing = Expected(filter).Where(id => !returned.Contains(id)).ToList();
        Assert.True(missing.Count == 0, $"{filter} dropped {missing.Count} matching events, e.g. {string.Join(", ", missing.Take(5))}");
    }

    [Theory]
    [MemberData(nameof(LeafIndexes))]
    public Task Scan_EachLeaf_ReturnsEveryMatch(int leaf) => AssertSuperset(Leaves[leaf]);

    [Theory]
    [MemberData(nameof(LeafIndexes))]
    public Task Scan_NotOfEachLeaf_ReturnsEveryMatch(int leaf) => AssertSuperset(new NotNode(Leaves[leaf]));

    [Fact]
    public async Task Scan_RandomAndOrNotTrees_ReturnEveryMatch()
    {
        var random = new Random(11);
        QueryNode Tree(int depth)
        {
            if (depth == 0 || random.Next(4) == 0)
            {
                return Leaves[random.Next(Leaves.Length)];
            }

            return random.Next(3) switch
            {
                0 => new AndNode([.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => Tree(depth - 1))]),
                1 => new OrNode([.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => Tree(depth - 1))]),
                _ => new NotNode(Tree(depth - 1)),
            };
        }

        for (var i = 0; i < 300; i++)
        {
            await AssertSuperset(Tree(4));
        }
    }

    [Fact]
    public async Task Scan_EmptyAndOr_AreTrueAndFalse()
    {
        Assert.Equal(EventCount, (await Scan(new AndNode([]))).Count);
        await AssertSuperset(new OrNode([]));
        await AssertSuperset(new NotNode(new OrNode([])));
    }

    protected async Task<long> Fetched(QueryNode filter)
    {
        var before = _store.RowsFetched;
        await Scan(filter);
        return _store.RowsFetched - before;
    }

    [Fact]
    public async Task Scan_SelectiveFilters_FetchOnlyCandidates()
    {
        // Each of these must be narrowed in SQL, not by reading every row.
        Assert.Equal(Expected(T(FieldNames.EventId, "17")).Count, await Fetched(T(FieldNames.EventId, "17")));
        Assert.InRange(await Fetched(T(FieldNames.HostName, "WEB01")), 1, EventCount / 2);
        Assert.InRange(await Fetched(T(FieldNames.HostName, "web0*")), 1, EventCount * 3 / 4);
        Assert.InRange(await Fetched(new FieldExistsNode("process.pid")), 1, EventCount / 2);
        Assert.InRange(await Fetched(new FieldExistsNode(FieldNames.ErrorMessage)), 1, EventCount / 3);
        Assert.InRange(
            await Fetched(new FieldRangeNode(FieldNames.Timestamp, new RangeBound("2026-11-20T05:00:00Z", true), new RangeBound("2026-11-20T09:00:00+00:00", false))),
            80,
            81);
    }

    [Fact]
    public async Task Scan_NotOfExactTerm_IsNarrowedAndKeepsEventsWithoutTheField()
    {
        var filter = new NotNode(T(FieldNames.HostName, "web01"));

        var fetched = await Fetched(filter);
        var ids = (await Scan(filter)).ToHashSet();

        Assert.InRange(fetched, EventCount / 2, EventCount - 1);
        Assert.Contains(_events.First(e => !e.Fields.ContainsKey(FieldNames.HostName)).Id, ids);
        Assert.Contains(_events.First(e => e.Fields.TryGetValue(FieldNames.HostName, out var v) && v is string[]).Id, ids);
    }

    [Fact]
    public async Task Scan_NotOfInexactFreeText_PushesNothingDown()
    {
        // Free text is a superset (AND of tokens), so its negation cannot be narrowed.
        Assert.Equal(EventCount, await Fetched(new NotNode(F("Login Failed", phrase: true))));
    }
}

using Yagura.Core.Alerts;
using Yagura.Core.Tenancy;
using Yagura.Storage.Sqlite.Cases;

namespace Yagura.Storage.Sqlite.Tests;

public sealed class AlertStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private static Alert Make(string tenant, string rule, long firstEvent, int minutes, Severity severity = Severity.Warning, AlertKind kind = AlertKind.Rule) =>
        new(
            Alert.DeriveId(tenant, rule, firstEvent),
            tenant,
            kind,
            rule,
            "Title of " + rule,
            "medium",
            severity,
            ["attack.credential_access", "attack.t1110"],
            [firstEvent, firstEvent + 7],
            kind == AlertKind.Correlation ? "user.name=alice" : null,
            T0.AddMinutes(minutes - 1),
            T0.AddMinutes(minutes),
            2);

    [Fact]
    public void DeriveId_SameInputs_SameId_AndEachInputMatters()
    {
        var id = Alert.DeriveId("acme", "rule-1", 42);

        Assert.Equal(id, Alert.DeriveId("acme", "rule-1", 42));
        Assert.Equal(32, id.Length);
        Assert.NotEqual(id, Alert.DeriveId("beta", "rule-1", 42));
        Assert.NotEqual(id, Alert.DeriveId("acme", "rule-2", 42));
        Assert.NotEqual(id, Alert.DeriveId("acme", "rule-1", 43));
    }

    [Fact]
    public async Task Add_SameAlertTwice_StoresItOnce_AndKeepsEveryField()
    {
        await using var store = SqliteAlertStore.Open(_dir.Path);
        var alert = Make("acme", "rule-1", 42, 5, Severity.Critical, AlertKind.Correlation);

        Assert.Equal(1, await store.AddAsync([alert]));
        Assert.Equal(0, await store.AddAsync([alert, alert]));

        // A second instance (another process, such as yagura alerts) reads the same file.
        var listed = Assert.Single(await SqliteAlertStore.Open(_dir.Path).ListAsync(TenantScope.Only("acme"), null, null, 10, null));
        Assert.Equal(alert.Id, listed.Id);
        Assert.Equal(alert.TenantId, listed.TenantId);
        Assert.Equal(AlertKind.Correlation, listed.Kind);
        Assert.Equal(alert.RuleId, listed.RuleId);
        Assert.Equal(alert.Title, listed.Title);
        Assert.Equal("medium", listed.Level);
        Assert.Equal(Severity.Critical, listed.Severity);
        Assert.Equal(alert.Tags, listed.Tags);
        Assert.Equal(alert.EventIds, listed.EventIds);
        Assert.Equal("user.name=alice", listed.GroupKey);
        Assert.Equal(alert.FirstSeen, listed.FirstSeen);
        Assert.Equal(alert.LastSeen, listed.LastSeen);
        Assert.Equal(2, listed.Count);
    }

    [Fact]
    public async Task Add_SameIdWithAHigherCount_UpdatesCountEventsAndTimes_AndKeepsTheRest()
    {
        await using var store = SqliteAlertStore.Open(_dir.Path);
        var alert = Make("acme", "rule-1", 42, 5);
        await store.AddAsync([alert]);
        var grown = alert with
        {
            Count = 5,
            EventIds = [42, 49, 50, 51, 52],
            FirstSeen = alert.FirstSeen.AddMinutes(-3),
            LastSeen = alert.LastSeen.AddMinutes(8),
            Title = "Another title",
            Severity = Severity.Emergency,
        };

        Assert.Equal(0, await store.AddAsync([grown]));

        var listed = Assert.Single(await store.ListAsync(TenantScope.Only("acme"), null, null, 10, null));
        Assert.Equal(5, listed.Count);
        Assert.Equal([42L, 49, 50, 51, 52], listed.EventIds);
        Assert.Equal(grown.FirstSeen, listed.FirstSeen);
        Assert.Equal(grown.LastSeen, listed.LastSeen);
        Assert.Equal(alert.Title, listed.Title);
        Assert.Equal(alert.Severity, listed.Severity);
    }

    [Fact]
    public async Task Add_SameIdWithAnEqualOrLowerCount_LeavesTheStoredAlert_UnlessTheSameCountIsLater()
    {
        await using var store = SqliteAlertStore.Open(_dir.Path);
        var five = Make("acme", "rule-1", 42, 5) with { Count = 5, EventIds = [42, 43, 44, 45, 46] };
        await store.AddAsync([five]);

        // A replay that has only seen part of the repeats yet, even with a later last event, never shrinks the alert.
        await store.AddAsync([five with { Count = 3, EventIds = [42, 43, 44], LastSeen = five.LastSeen.AddHours(1) }]);
        await store.AddAsync([five with { EventIds = [1, 2, 3, 4, 5], LastSeen = five.LastSeen.AddMinutes(-1) }]);
        var kept = Assert.Single(await store.ListAsync(TenantScope.Only("acme"), null, null, 10, null));
        Assert.Equal((5, five.LastSeen), (kept.Count, kept.LastSeen));
        Assert.Equal(five.EventIds, kept.EventIds);

        await store.AddAsync([five with { EventIds = [42, 43, 44, 45, 47], LastSeen = five.LastSeen.AddMinutes(1) }]);
        var later = Assert.Single(await store.ListAsync(TenantScope.Only("acme"), null, null, 10, null));
        Assert.Equal((5, five.LastSeen.AddMinutes(1)), (later.Count, later.LastSeen));
        Assert.Equal([42L, 43, 44, 45, 47], later.EventIds);
    }

    [Fact]
    public async Task Add_GrowingCopiesInAnyOrderOrTwice_EndsWithTheLargest()
    {
        await using var store = SqliteAlertStore.Open(_dir.Path);
        var one = Make("acme", "rule-1", 42, 5) with { Count = 1, EventIds = [42] };
        var copies = Enumerable.Range(1, 4).Select(n => one with { Count = n, EventIds = [.. Enumerable.Range(42, n).Select(i => (long)i)], LastSeen = one.LastSeen.AddMinutes(n) }).ToList();

        Assert.Equal(1, await store.AddAsync([copies[1], copies[3], copies[0], copies[2]]));
        Assert.Equal(0, await store.AddAsync([.. Enumerable.Reverse(copies)]));

        var listed = Assert.Single(await store.ListAsync(TenantScope.Only("acme"), null, null, 10, null));
        Assert.Equal((4, copies[3].LastSeen), (listed.Count, listed.LastSeen));
        Assert.Equal(copies[3].EventIds, listed.EventIds);
    }

    [Fact]
    public async Task List_ScopedToOneTenant_NeverReturnsAnotherTenantsAlerts()
    {
        await using var store = SqliteAlertStore.Open(_dir.Path);
        await store.AddAsync([Make("acme", "rule-1", 1, 1), Make("beta", "rule-1", 1, 2), Make("beta", "rule-2", 5, 3)]);

        Assert.Equal(["acme"], (await store.ListAsync(TenantScope.Only("acme"), null, null, 100, null)).Select(a => a.TenantId));
        Assert.Equal(["beta", "beta"], (await store.ListAsync(TenantScope.Only("beta"), null, null, 100, null)).Select(a => a.TenantId));
        Assert.Empty(await store.ListAsync(TenantScope.Only("gamma"), null, null, 100, null));
        Assert.Empty(await store.ListAsync(TenantScope.Of([]), null, null, 100, null));
        Assert.Equal(3, (await store.ListAsync(TenantScope.AllTenants, null, null, 100, null)).Count);
    }

    [Fact]
    public async Task List_ReturnsNewestLastSeenFirst_UpToTheLimit()
    {
        await using var store = SqliteAlertStore.Open(_dir.Path);
        await store.AddAsync([Make("acme", "r", 1, 10), Make("acme", "r", 2, 30), Make("acme", "r", 3, 20)]);

        var all = await store.ListAsync(TenantScope.Only("acme"), null, null, 100, null);
        Assert.Equal([T0.AddMinutes(30), T0.AddMinutes(20), T0.AddMinutes(10)], all.Select(a => a.LastSeen));

        var two = await store.ListAsync(TenantScope.Only("acme"), null, null, 2, null);
        Assert.Equal([T0.AddMinutes(30), T0.AddMinutes(20)], two.Select(a => a.LastSeen));
    }

    [Fact]
    public async Task List_FiltersByTimeRangeOnLastSeen_AndByMinimumSeverity()
    {
        await using var store = SqliteAlertStore.Open(_dir.Path);
        await store.AddAsync(
        [
            Make("acme", "r", 1, 10, Severity.Information),
            Make("acme", "r", 2, 20, Severity.Warning),
            Make("acme", "r", 3, 30, Severity.Critical),
            Make("acme", "r", 4, 40, Severity.Emergency),
        ]);
        var scope = TenantScope.Only("acme");

        // From inclusive, to exclusive.
        var range = await store.ListAsync(scope, T0.AddMinutes(20), T0.AddMinutes(40), 100, null);
        Assert.Equal([3L, 2L], range.Select(a => a.EventIds[0]));

        var severe = await store.ListAsync(scope, null, null, 100, Severity.Critical);
        Assert.Equal([Severity.Emergency, Severity.Critical], severe.Select(a => a.Severity));

        var both = await store.ListAsync(scope, null, T0.AddMinutes(35), 100, Severity.Warning);
        Assert.Equal([3L, 2L], both.Select(a => a.EventIds[0]));
    }

    [Fact]
    public async Task Add_InvalidTenantId_IsRefusedAndStoresNothing()
    {
        await using var store = SqliteAlertStore.Open(_dir.Path);

        await Assert.ThrowsAsync<ArgumentException>(() => store.AddAsync([Make("acme", "r", 1, 1), Make("../x", "r", 1, 1)]));
        Assert.Empty(await store.ListAsync(TenantScope.AllTenants, null, null, 100, null));
    }

    [Fact]
    public async Task Count_CountsTheScopesAlertsInTheRangeAndSeverity_WithoutAnotherTenants()
    {
        await using var store = SqliteAlertStore.Open(_dir.Path);
        await store.AddAsync(
        [
            Make("acme", "r", 1, 10, Severity.Information),
            Make("acme", "r", 2, 20, Severity.Critical),
            Make("acme", "r", 3, 30, Severity.Emergency),
            Make("beta", "r", 4, 30, Severity.Emergency),
        ]);

        Assert.Equal(3, await store.CountAsync(TenantScope.Only("acme"), null, null, null));
        Assert.Equal(4, await store.CountAsync(TenantScope.AllTenants, null, null, null));
        Assert.Equal(2, await store.CountAsync(TenantScope.Only("acme"), T0.AddMinutes(20), null, null));
        Assert.Equal(1, await store.CountAsync(TenantScope.Only("acme"), T0.AddMinutes(20), T0.AddMinutes(30), null));
        Assert.Equal(3, await store.CountAsync(TenantScope.AllTenants, null, null, Severity.Critical));
        Assert.Equal(0, await store.CountAsync(TenantScope.Only("gamma"), null, null, null));
    }
}

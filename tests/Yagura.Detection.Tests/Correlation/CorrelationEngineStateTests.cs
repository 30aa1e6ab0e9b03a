using Yagura.Detection.Correlation;
using Yagura.Detection.Events;

using static Yagura.Detection.Tests.Correlation.CorrelationKit;

namespace Yagura.Detection.Tests.Correlation;

/// <summary>Event time, out-of-order and late events, expiry, state limits and replay determinism.</summary>
public sealed class CorrelationEngineStateTests
{
    private static CorrelationRule Count(string condition, string timespan = "1m", string groupBy = "[User]") => Rule($"""
        title: t
        correlation:
            type: event_count
            rules: [r]
            group-by: {groupBy}
            timespan: {timespan}
            condition: {condition}
        """);

    [Fact]
    public void OutOfOrderEvents_WithinTheWindow_AreCountedInEventTimeOrder()
    {
        var engine = new CorrelationEngine([Count("{gte: 3}")]);

        var alerts = Feed(engine, "r", Event(1, 30, ("User", "a")), Event(2, 10, ("User", "a")), Event(3, 20, ("User", "a")));

        var alert = Assert.Single(alerts);
        Assert.Equal([2L, 3L, 1L], alert.EventIds);
        Assert.Equal(T0.AddSeconds(10), alert.FirstSeen);
        Assert.Equal(T0.AddSeconds(30), alert.LastSeen);
    }

    [Fact]
    public void LateEvents_OlderThanTheTimespanBeforeTheNewest_AreDroppedAndCounted()
    {
        var engine = new CorrelationEngine([Count("{gte: 2}")]);

        var alerts = Feed(engine, "r", Event(1, 100, ("User", "a")), Event(2, 39, ("User", "a")));

        Assert.Empty(alerts);
        Assert.Equal(1, engine.GetStatistics("t")!.LateEvents);
        Assert.Single(Feed(engine, "r", Event(3, 40, ("User", "a"))));
    }

    [Fact]
    public void FixedWindows_OutOfOrderEventsBeforeTheClose_AreCountedAndLaterOnesAreLate()
    {
        var engine = new CorrelationEngine([Count("{eq: 2}")]);

        var alerts = Feed(engine, "r", Event(1, 50, ("User", "a")), Event(2, 5, ("User", "a")), Event(3, 61, ("User", "b")), Event(4, 55, ("User", "a")));

        Assert.Equal([1L, 2L], Assert.Single(alerts).EventIds.Order());
        Assert.Equal(1, engine.GetStatistics("t")!.LateEvents);
    }

    [Fact]
    public void FixedWindows_AllowedLateness_KeepsTheWindowOpenLonger()
    {
        var engine = new CorrelationEngine([Count("{eq: 3}")], options: new CorrelationEngineOptions { AllowedLateness = TimeSpan.FromSeconds(30) });

        var alerts = Feed(engine, "r", Event(1, 50, ("User", "a")), Event(2, 5, ("User", "a")), Event(3, 61, ("User", "b")), Event(4, 55, ("User", "a")));
        Assert.Empty(alerts);

        var alert = Assert.Single(Feed(engine, "r", Event(5, 90, ("User", "b"))));
        Assert.Equal([2L, 1L, 4L], alert.EventIds);
        Assert.Equal(0, engine.GetStatistics("t")!.LateEvents);
    }

    [Fact]
    public void EventsWithoutTimestamp_TakeTheNewestEventTimeOfTheirTenant()
    {
        var engine = new CorrelationEngine([Count("{gte: 2}")]);
        var untimed = new DetectionEvent(new Dictionary<string, object?> { ["User"] = "a" }, id: 2);

        Assert.Empty(Feed(engine, "r", Event(1, 100, ("User", "a"))));
        var alert = Assert.Single(Feed(engine, "r", untimed));

        Assert.Equal(T0.AddSeconds(100), alert.LastSeen);
    }

    [Fact]
    public void EventsWithoutTimestamp_BeforeAnyEventTime_StartAtTheUnixEpoch()
    {
        var engine = new CorrelationEngine([Count("{gte: 2}")]);
        var untimed = new DetectionEvent(new Dictionary<string, object?> { ["User"] = "a" }, id: 1);

        Assert.Empty(Feed(engine, "r", untimed));
        Assert.Equal(DateTimeOffset.UnixEpoch, Assert.Single(Feed(engine, "r", untimed)).FirstSeen);
    }

    [Fact]
    public void SlidingState_OlderThanTheTimespan_IsReleased()
    {
        var engine = new CorrelationEngine([Count("{gte: 5}")]);

        Feed(engine, "r", Enumerable.Range(1, 500).Select(i => Event(i, i % 50, ("User", "u" + i))).ToArray());
        Assert.Equal(500, engine.GetStatistics("t")!.Groups);

        Feed(engine, "r", Event(1000, 200, ("User", "late-comer")));

        var stats = engine.GetStatistics("t")!;
        Assert.Equal(1, stats.Groups);
        Assert.Equal(1, stats.Events);
    }

    [Fact]
    public void SlidingState_OfAGroupTouchedAgain_KeepsOnlyTheWindow()
    {
        var engine = new CorrelationEngine([Count("{gte: 100}")]);

        Feed(engine, "r", Enumerable.Range(0, 90).Select(i => Event(i, i, ("User", "a"))).ToArray());

        // Events before 29s are more than a minute before the newest (89s); the one at 29s is exactly a minute
        // before it, and windows include both ends.
        Assert.Equal(61, engine.GetStatistics("t")!.Events);
    }

    [Fact]
    public void FixedWindowState_IsReleasedWhenTheWindowCloses()
    {
        var engine = new CorrelationEngine([Count("{lt: 2}")]);

        Feed(engine, "r", Enumerable.Range(1, 100).Select(i => Event(i, i % 50, ("User", "u" + (i % 10)))).ToArray());
        Assert.Equal(10, engine.GetStatistics("t")!.Groups);

        engine.AdvanceTime(T0.AddMinutes(1));

        var stats = engine.GetStatistics("t")!;
        Assert.Equal(0, stats.Groups);
        Assert.Equal(0, stats.Events);
    }

    [Fact]
    public void StateLimit_Groups_EvictsTheLeastRecentCountsAndAlertsOncePerTimespan()
    {
        var engine = new CorrelationEngine([Count("{gte: 2}", "1h")], options: new CorrelationEngineOptions { MaxGroupsPerRule = 3 });

        var alerts = Feed(engine, "r", Event(1, 0, ("User", "a")), Event(2, 1, ("User", "b")), Event(3, 2, ("User", "c")), Event(4, 3, ("User", "d")), Event(5, 4, ("User", "e")));

        var limit = Assert.Single(alerts);
        Assert.Equal(CorrelationAlertKind.StateLimitReached, limit.Kind);
        Assert.Equal("t", limit.RuleId);
        Assert.Equal(3, limit.Value);
        Assert.Equal(T0.AddSeconds(3), limit.FirstSeen);
        Assert.Contains("group limit", limit.Reason, StringComparison.Ordinal);
        Assert.Equal(2, engine.StateLimitHits);
        var stats = engine.GetStatistics("t")!;
        Assert.Equal(3, stats.Groups);
        Assert.Equal(2, stats.EvictedGroups);
        Assert.Equal(2, stats.StateLimitHits);

        // a was evicted, so its second event starts again; e is still held and completes.
        Assert.Empty(Matches(Feed(engine, "r", Event(6, 5, ("User", "a")))));
        Assert.Equal("e", Assert.Single(Matches(Feed(engine, "r", Event(7, 6, ("User", "e"))))).GroupKey[0].Value);

        // The next hit within the hour only counts; one an hour later alerts again.
        Assert.Empty(Feed(engine, "r", Event(8, 7, ("User", "f")), Event(9, 8, ("User", "g"))));
        Assert.Equal(4, engine.StateLimitHits);
        var later = Feed(engine, "r", Event(10, 3700, ("User", "h")), Event(11, 3701, ("User", "i")), Event(12, 3702, ("User", "j")), Event(13, 3703, ("User", "k")));
        Assert.Equal(CorrelationAlertKind.StateLimitReached, Assert.Single(later).Kind);
    }

    [Fact]
    public void StateLimit_Events_CapsWhatOneRuleHolds()
    {
        var engine = new CorrelationEngine([Count("{lt: 1000}", "1h")], options: new CorrelationEngineOptions { MaxEventsPerRule = 20 });

        var alerts = Feed(engine, "r", Enumerable.Range(1, 100).Select(i => Event(i, i, ("User", "u" + (i % 4)))).ToArray());

        Assert.Equal(CorrelationAlertKind.StateLimitReached, Assert.Single(alerts).Kind);
        Assert.Contains("event limit", alerts[0].Reason, StringComparison.Ordinal);
        var stats = engine.GetStatistics("t")!;
        Assert.InRange(stats.Events, 1, 20);
        Assert.Equal(100, stats.Events + stats.DroppedEvents);
        Assert.True(engine.StateLimitHits > 0);
    }

    [Fact]
    public void StateLimit_OneGroupAboveTheEventLimit_LosesItsOldestEventsNotItself()
    {
        var engine = new CorrelationEngine([Count("{gte: 1000}", "1h")], options: new CorrelationEngineOptions { MaxEventsPerRule = 10 });

        Feed(engine, "r", Enumerable.Range(1, 30).Select(i => Event(i, i, ("User", "a"))).ToArray());

        var stats = engine.GetStatistics("t")!;
        Assert.Equal(1, stats.Groups);
        Assert.InRange(stats.Events, 1, 10);
        Assert.Equal(0, stats.EvictedGroups);
        Assert.Single(engine.Problems, p => p.RuleId == "t" && !p.Disabled);
    }

    [Fact]
    public void EventIds_AboveTheCap_AreCutAndFlagged()
    {
        var engine = new CorrelationEngine([Count("{gte: 8}")], options: new CorrelationEngineOptions { MaxEventIdsPerAlert = 5 });

        var alert = Assert.Single(Feed(engine, "r", Enumerable.Range(1, 8).Select(i => Event(i, i, ("User", "a"))).ToArray()));

        Assert.Equal([1L, 2L, 3L, 4L, 5L], alert.EventIds);
        Assert.True(alert.EventIdsTruncated);
        Assert.Equal(8, alert.EventCount);
    }

    [Fact]
    public void Replay_TheSameStreamIntoAFreshEngine_GivesTheSameAlerts()
    {
        var first = Replay();
        var second = Replay();

        Assert.True(first.Count > 20, $"the stream should raise alerts of several kinds, raised {first.Count}");
        Assert.Contains(first, a => a.StartsWith("StateLimitReached", StringComparison.Ordinal));
        Assert.Equal(7, first.Select(a => a.Split(' ')[2]).Where(t => t != "").Distinct().Count());
        Assert.Equal(first, second);
    }

    /// <summary>
    /// A pseudo-random (fixed seed) stream for every type, with out-of-order and untimed events, three tenants and a
    /// small group limit, rendered alert by alert.
    /// </summary>
    private static List<string> Replay()
    {
        var rules = Rules("""
            title: count
            correlation: {type: event_count, rules: [r0], group-by: [User], timespan: 1m, condition: {gte: 4}}
            ---
            title: count-lt
            correlation: {type: event_count, rules: [r0], group-by: [User], timespan: 1m, condition: {lt: 3}}
            ---
            title: distinct
            correlation: {type: value_count, rules: [r1], group-by: [Host], timespan: 2m, condition: {field: User, gte: 3}}
            ---
            title: sum
            correlation: {type: value_sum, rules: [r1, r2], group-by: [User], timespan: 1m, condition: {field: bytes, gt: 2000}}
            ---
            title: avg
            correlation: {type: value_avg, rules: [r2], group-by: [Host], timespan: 1m, condition: {field: bytes, gt: 400}}
            ---
            title: p90
            correlation: {type: value_percentile, rules: [r2], group-by: [Host], timespan: 1m, condition: {field: bytes, percentile: 90, gte: 800}}
            ---
            title: temporal
            name: temporal
            correlation: {type: temporal, rules: [r0, r1, r2], group-by: [User], timespan: 30s}
            ---
            title: ordered
            correlation: {type: temporal_ordered, rules: [r1, temporal], group-by: [User], timespan: 5m, generate: true}
            """);
        var engine = new CorrelationEngine(rules, options: new CorrelationEngineOptions { MaxGroupsPerRule = 12 });
        var random = new Random(20260105);
        var tenants = new[] { "acme", "globex", "initech" };
        var alerts = new List<string>();
        for (var i = 0; i < 3000; i++)
        {
            var seconds = (i / 3.0) + random.Next(-20, 5);
            var fields = new Dictionary<string, object?>
            {
                ["User"] = "u" + random.Next(8),
                ["Host"] = "h" + random.Next(20),
                ["bytes"] = random.Next(5) == 0 ? "n/a" : random.Next(1000),
            };
            var timestamp = random.Next(50) == 0 ? (DateTimeOffset?)null : T0.AddSeconds(seconds);
            var e = new DetectionEvent(fields, timestamp: timestamp, id: i, tenantId: tenants[random.Next(tenants.Length)]);
            alerts.AddRange(engine.Process("r" + random.Next(3), null, e).Select(Render));
        }

        alerts.AddRange(engine.AdvanceTime(T0.AddHours(2)).Select(Render));
        return alerts;
    }
}

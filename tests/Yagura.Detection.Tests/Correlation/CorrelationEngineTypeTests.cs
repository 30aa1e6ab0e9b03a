using Yagura.Detection.Correlation;

using static Yagura.Detection.Tests.Correlation.CorrelationKit;

namespace Yagura.Detection.Tests.Correlation;

/// <summary>Each correlation type and each condition operator.</summary>
public sealed class CorrelationEngineTypeTests
{
    private static CorrelationEngine EventCount(string condition, string timespan = "1m") => new([Rule($"""
        title: Many failed logins
        id: many-failed
        level: high
        correlation:
            type: event_count
            rules: [failed_login]
            group-by: [User]
            timespan: {timespan}
            condition: {condition}
        """)]);

    [Fact]
    public void EventCount_Gte_FiresOnTheEventThatReachesTheThreshold()
    {
        var engine = EventCount("{gte: 3}");

        Assert.Empty(engine.Process("failed_login", null, Event(1, 0, ("User", "alice"))));
        Assert.Empty(engine.Process("failed_login", null, Event(2, 10, ("User", "alice"))));
        var alert = Assert.Single(engine.Process("failed_login", null, Event(3, 20, ("User", "alice"))));

        Assert.Equal(CorrelationAlertKind.Match, alert.Kind);
        Assert.Equal("many-failed", alert.RuleId);
        Assert.Equal("Many failed logins", alert.Title);
        Assert.Equal("high", alert.Level);
        Assert.Equal(CorrelationType.EventCount, alert.Type);
        Assert.Equal("default", alert.TenantId);
        Assert.Equal([new KeyValuePair<string, string>("User", "alice")], alert.GroupKey);
        Assert.Equal([1L, 2L, 3L], alert.EventIds);
        Assert.False(alert.EventIdsTruncated);
        Assert.Equal(3, alert.EventCount);
        Assert.Equal(T0, alert.FirstSeen);
        Assert.Equal(T0.AddSeconds(20), alert.LastSeen);
        Assert.Equal(3, alert.Value);
    }

    [Fact]
    public void EventCount_Gt_NeedsMoreThanTheThreshold()
    {
        var engine = EventCount("{gt: 2}");

        var alerts = Feed(engine, "failed_login", Event(1, 0, ("User", "a")), Event(2, 1, ("User", "a")));
        Assert.Empty(alerts);
        Assert.Equal(3, Assert.Single(Feed(engine, "failed_login", Event(3, 2, ("User", "a")))).Value);
    }

    [Fact]
    public void EventCount_WindowIncludesBothEnds()
    {
        var engine = EventCount("{gte: 3}");

        var alerts = Feed(engine, "failed_login", Event(1, 0, ("User", "a")), Event(2, 30, ("User", "a")), Event(3, 60, ("User", "a")));

        Assert.Single(alerts);
    }

    [Fact]
    public void EventCount_EventsSpreadWiderThanTheTimespan_DoNotFire()
    {
        var engine = EventCount("{gte: 3}");

        var alerts = Feed(engine, "failed_login", Event(1, 0, ("User", "a")), Event(2, 40, ("User", "a")), Event(3, 80, ("User", "a")), Event(4, 130, ("User", "a")));

        Assert.Empty(alerts);
    }

    [Fact]
    public void EventCount_SlidingWindow_CatchesABurstAcrossAMinuteBoundary()
    {
        var engine = EventCount("{gte: 3}");

        var alerts = Feed(engine, "failed_login", Event(1, 50, ("User", "a")), Event(2, 59, ("User", "a")), Event(3, 61, ("User", "a")));

        Assert.Equal([1L, 2L, 3L], Assert.Single(alerts).EventIds);
    }

    [Fact]
    public void EventCount_Burst_FiresOncePerThresholdCrossingThenStartsAgain()
    {
        var engine = EventCount("{gte: 10}");

        var alerts = Feed(engine, "failed_login", Enumerable.Range(1, 25).Select(i => Event(i, i, ("User", "a"))).ToArray());

        Assert.Equal(2, alerts.Count);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), alerts[0].EventIds);
        Assert.Equal(Enumerable.Range(11, 10).Select(i => (long)i), alerts[1].EventIds);
    }

    [Fact]
    public void EventCount_Lt_IsEvaluatedOnlyWhenEventTimePassesTheWindowEnd()
    {
        var engine = EventCount("{lt: 3}");

        Assert.Empty(Feed(engine, "failed_login", Event(1, 0, ("User", "a")), Event(2, 10, ("User", "a"))));
        // An event of another group moves the rule's clock past the end of alice's window [0s, 60s).
        var closed = Assert.Single(Feed(engine, "failed_login", Event(3, 65, ("User", "b"))));
        Assert.Equal([new KeyValuePair<string, string>("User", "a")], closed.GroupKey);
        Assert.Equal(2, closed.Value);
        Assert.Equal([1L, 2L], closed.EventIds);

        // Bob's window [60s, 120s) closes without any further event when the host advances time.
        Assert.Empty(engine.AdvanceTime("default", T0.AddSeconds(119)));
        var idle = Assert.Single(engine.AdvanceTime("default", T0.AddSeconds(120)));
        Assert.Equal([3L], idle.EventIds);
        Assert.Equal(1, idle.Value);
    }

    [Theory]
    [InlineData("gt", 2, true)]
    [InlineData("gt", 3, false)]
    [InlineData("gte", 3, true)]
    [InlineData("gte", 4, false)]
    [InlineData("lt", 4, true)]
    [InlineData("lt", 3, false)]
    [InlineData("lte", 3, true)]
    [InlineData("lte", 2, false)]
    [InlineData("eq", 3, true)]
    [InlineData("eq", 2, false)]
    [InlineData("eq", 4, false)]
    [InlineData("neq", 2, true)]
    [InlineData("neq", 3, false)]
    public void EventCount_EachOperator_ComparesTheWindowsCount(string op, int threshold, bool fires)
    {
        var engine = EventCount($"{{{op}: {threshold}}}");

        var alerts = Feed(engine, "failed_login", Event(1, 0, ("User", "a")), Event(2, 5, ("User", "a")), Event(3, 10, ("User", "a")));
        alerts.AddRange(engine.AdvanceTime("default", T0.AddMinutes(5)));

        Assert.Equal(fires ? 1 : 0, alerts.Count);
        Assert.All(alerts, a => Assert.Equal(3, a.Value));
    }

    [Fact]
    public void EventCount_Range_FiresOnlyForCountsInsideIt()
    {
        var engine = EventCount("{gt: 1, lte: 3}");
        var events = new[]
        {
            // Window [0s, 60s): 2 events, inside. Window [60s, 120s): 5 events, above. Window [120s, 180s): 1, below.
            Event(1, 0, ("User", "a")), Event(2, 1, ("User", "a")),
            Event(3, 60, ("User", "a")), Event(4, 61, ("User", "a")), Event(5, 62, ("User", "a")), Event(6, 63, ("User", "a")), Event(7, 64, ("User", "a")),
            Event(8, 120, ("User", "a")),
        };

        var alerts = Feed(engine, "failed_login", events);
        alerts.AddRange(engine.AdvanceTime("default", T0.AddMinutes(10)));

        Assert.Equal([2.0], alerts.Select(a => a.Value));
    }

    [Fact]
    public void ValueCount_Gte_CountsDistinctValuesNotEvents()
    {
        var engine = new CorrelationEngine([Rule("""
            title: Password spraying
            correlation:
                type: value_count
                rules: [failed_login]
                group-by: [SourceIp]
                timespan: 5m
                condition: {field: User, gte: 3}
            """)]);

        var alerts = Feed(engine, "failed_login",
            Event(1, 0, ("SourceIp", "10.0.0.1"), ("User", "a")),
            Event(2, 1, ("SourceIp", "10.0.0.1"), ("User", "a")),
            Event(3, 2, ("SourceIp", "10.0.0.1"), ("User", "b")),
            Event(4, 3, ("SourceIp", "10.0.0.1"), ("User", "b")),
            Event(5, 4, ("SourceIp", "10.0.0.1"), ("User", "c")));

        var alert = Assert.Single(alerts);
        Assert.Equal(3, alert.Value);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], alert.EventIds);
    }

    [Fact]
    public void ValueCount_ValuesLeavingTheWindow_NoLongerCount()
    {
        var engine = new CorrelationEngine([Rule("""
            title: t
            correlation:
                type: value_count
                rules: [r]
                timespan: 1m
                condition: {field: User, gte: 3}
            """)]);

        var alerts = Feed(engine, "r", Event(1, 0, ("User", "a")), Event(2, 30, ("User", "b")), Event(3, 61, ("User", "c")), Event(4, 62, ("User", "b")));

        Assert.Empty(alerts);
        Assert.Equal(3, Assert.Single(Feed(engine, "r", Event(5, 63, ("User", "d")))).Value);
    }

    [Fact]
    public void ValueCount_SeveralFields_CountsDistinctCombinations()
    {
        var engine = new CorrelationEngine([Rule("""
            title: t
            correlation:
                type: value_count
                rules: [r]
                timespan: 1m
                condition: {field: [User, Domain], gte: 3}
            """)]);

        var alerts = Feed(engine, "r",
            Event(1, 0, ("User", "a"), ("Domain", "x")),
            Event(2, 1, ("User", "a"), ("Domain", "y")),
            Event(3, 2, ("User", "a"), ("Domain", "x")),
            Event(4, 3, ("User", "a"), ("Domain", null)));
        Assert.Empty(alerts);

        Assert.Equal(3, Assert.Single(Feed(engine, "r", Event(5, 4, ("User", "b"), ("Domain", "x")))).Value);
        Assert.Equal(1, engine.GetStatistics("t")!.EventsWithoutValue);
    }

    [Fact]
    public void ValueCount_EventWithoutTheField_TakesNoPart()
    {
        var engine = new CorrelationEngine([Rule("""
            title: t
            correlation:
                type: value_count
                rules: [r]
                timespan: 1m
                condition: {field: User, gte: 2}
            """)]);

        var alerts = Feed(engine, "r", Event(1, 0, ("User", "a")), Event(2, 1, ("Other", "b")), Event(3, 2));

        Assert.Empty(alerts);
        Assert.Equal(2, engine.GetStatistics("t")!.EventsWithoutValue);
    }

    private static CorrelationEngine Metric(string type, string condition) => new([Rule($"""
        title: Exfiltration
        correlation:
            type: {type}
            rules: [website_access]
            group-by: [User]
            timespan: 1h
            condition: {condition}
        """)]);

    [Fact]
    public void ValueSum_Gt_FiresOnTheEventThatTakesTheSumOverTheThreshold()
    {
        var engine = Metric("value_sum", "{field: bytes_sent, gt: 1000}");

        // Numbers as text count too: key=value and CEF parsers leave them so.
        var alerts = Feed(engine, "website_access", Event(1, 0, ("User", "a"), ("bytes_sent", 400L)), Event(2, 10, ("User", "a"), ("bytes_sent", "300")));
        Assert.Empty(alerts);

        var alert = Assert.Single(Feed(engine, "website_access", Event(3, 20, ("User", "a"), ("bytes_sent", 400.5))));
        Assert.Equal(1100.5, alert.Value);
    }

    [Fact]
    public void ValueSum_NonNumericValues_AreLeftOut()
    {
        var engine = Metric("value_sum", "{field: bytes_sent, gte: 10}");

        var alerts = Feed(engine, "website_access", Event(1, 0, ("User", "a"), ("bytes_sent", "many")), Event(2, 1, ("User", "a"), ("bytes_sent", 9L)), Event(3, 2, ("User", "a"), ("bytes_sent", true)));

        Assert.Empty(alerts);
        Assert.Equal(2, engine.GetStatistics("Exfiltration")!.EventsWithoutValue);
    }

    [Fact]
    public void ValueSum_Lt_IsEvaluatedAtTheWindowEnd()
    {
        var engine = Metric("value_sum", "{field: bytes_sent, lt: 100}");

        var alerts = Feed(engine, "website_access", Event(1, 0, ("User", "a"), ("bytes_sent", 40L)), Event(2, 10, ("User", "a"), ("bytes_sent", 50L)));
        Assert.Empty(alerts);

        Assert.Equal(90, Assert.Single(engine.AdvanceTime("default", T0.AddHours(1))).Value);
    }

    [Fact]
    public void ValueAvg_IsEvaluatedOverTheWholeWindowNotItsFirstEvent()
    {
        var engine = Metric("value_avg", "{field: BytesOut, gt: 500}");

        var alerts = Feed(engine, "website_access",
            Event(1, 0, ("User", "a"), ("BytesOut", 1000L)), Event(2, 10, ("User", "a"), ("BytesOut", 0L)), Event(3, 20, ("User", "a"), ("BytesOut", 0L)),
            Event(4, 0, ("User", "b"), ("BytesOut", 600L)), Event(5, 10, ("User", "b"), ("BytesOut", 500L)));
        Assert.Empty(alerts);

        var alert = Assert.Single(engine.AdvanceTime("default", T0.AddHours(1)));
        Assert.Equal("b", alert.GroupKey[0].Value);
        Assert.Equal(550, alert.Value);
    }

    [Theory]
    [InlineData("percentile: 90, gt: 85", 90.0)]
    [InlineData("percentile: 100, gte: 100", 100.0)]
    [InlineData("percentile: 0, lte: 10", 10.0)]
    [InlineData("lte: 50", 50.0)]
    public void ValuePercentile_NearestRank_IsComparedWithTheThreshold(string condition, double expected)
    {
        var engine = Metric("value_percentile", $"{{field: duration, {condition}}}");
        var events = Enumerable.Range(1, 10).Reverse().Select(i => Event(i, i, ("User", "a"), ("duration", i * 10L))).ToArray();

        var alerts = Feed(engine, "website_access", events);
        Assert.Empty(alerts);

        Assert.Equal(expected, Assert.Single(engine.AdvanceTime("default", T0.AddHours(1))).Value);
    }

    [Fact]
    public void ValuePercentile_ValueOutsideTheCondition_DoesNotFire()
    {
        var engine = Metric("value_percentile", "{field: duration, percentile: 90, gt: 95}");

        Feed(engine, "website_access", Enumerable.Range(1, 10).Select(i => Event(i, i, ("User", "a"), ("duration", i * 10L))).ToArray());

        Assert.Empty(engine.AdvanceTime("default", T0.AddHours(1)));
    }

    private static CorrelationEngine Temporal(string type, string condition = "") => new([Rule($"""
        title: Recon
        correlation:
            type: {type}
            rules: [recon_a, recon_b, recon_c]
            group-by: [ComputerName, User]
            timespan: 5m
            {condition}
        """)]);

    [Fact]
    public void Temporal_AllRulesInAnyOrder_Fire()
    {
        var engine = Temporal("temporal");

        Assert.Empty(engine.Process("recon_c", null, Event(1, 0, ("ComputerName", "pc"), ("User", "u"))));
        Assert.Empty(engine.Process("recon_a", null, Event(2, 10, ("ComputerName", "pc"), ("User", "u"))));
        Assert.Empty(engine.Process("recon_a", null, Event(3, 20, ("ComputerName", "pc"), ("User", "u"))));
        var alert = Assert.Single(engine.Process("recon_b", null, Event(4, 30, ("ComputerName", "pc"), ("User", "u"))));

        Assert.Equal(3, alert.Value);
        Assert.Equal([1L, 2L, 3L, 4L], alert.EventIds);
        Assert.Equal([new("ComputerName", "pc"), new KeyValuePair<string, string>("User", "u")], alert.GroupKey);
    }

    [Fact]
    public void Temporal_ARuleMissingOrOutsideTheTimespan_DoesNotFire()
    {
        var engine = Temporal("temporal");

        Assert.Empty(engine.Process("recon_a", null, Event(1, 0, ("ComputerName", "pc"), ("User", "u"))));
        Assert.Empty(engine.Process("recon_b", null, Event(2, 10, ("ComputerName", "pc"), ("User", "u"))));
        Assert.Empty(engine.Process("recon_c", null, Event(3, 400, ("ComputerName", "pc"), ("User", "u"))));
        Assert.Empty(engine.Process("recon_c", null, Event(4, 401, ("ComputerName", "pc"), ("User", "other"))));
    }

    [Fact]
    public void Temporal_WithCondition_CountsDistinctRules()
    {
        var engine = Temporal("temporal", "condition: {gte: 2}");

        Assert.Empty(engine.Process("recon_a", null, Event(1, 0, ("ComputerName", "pc"), ("User", "u"))));
        Assert.Empty(engine.Process("recon_a", null, Event(2, 1, ("ComputerName", "pc"), ("User", "u"))));
        Assert.Equal(2, Assert.Single(engine.Process("recon_c", null, Event(3, 2, ("ComputerName", "pc"), ("User", "u")))).Value);
    }

    [Fact]
    public void Temporal_WithUpperBound_ReportsWindowsWhereTooFewRulesMatched()
    {
        var engine = Temporal("temporal", "condition: {lt: 3}");

        Feed(engine, "recon_a", Event(1, 0, ("ComputerName", "pc"), ("User", "u")));
        Feed(engine, "recon_b", Event(2, 1, ("ComputerName", "pc"), ("User", "u")));
        Feed(engine, "recon_a", Event(3, 0, ("ComputerName", "pc2"), ("User", "u")));
        Feed(engine, "recon_b", Event(4, 1, ("ComputerName", "pc2"), ("User", "u")));
        Feed(engine, "recon_c", Event(5, 2, ("ComputerName", "pc2"), ("User", "u")));

        var alert = Assert.Single(engine.AdvanceTime("default", T0.AddMinutes(5)));
        Assert.Equal("pc", alert.GroupKey[0].Value);
        Assert.Equal(2, alert.Value);
    }

    [Fact]
    public void TemporalOrdered_InTheListedOrder_Fires()
    {
        var engine = Temporal("temporal_ordered");

        Assert.Empty(engine.Process("recon_a", null, Event(1, 0, ("ComputerName", "pc"), ("User", "u"))));
        Assert.Empty(engine.Process("recon_b", null, Event(2, 10, ("ComputerName", "pc"), ("User", "u"))));
        Assert.Equal(3, Assert.Single(engine.Process("recon_c", null, Event(3, 20, ("ComputerName", "pc"), ("User", "u")))).Value);
    }

    [Fact]
    public void TemporalOrdered_OutOfOrder_DoesNotFireUntilTheOrderIsComplete()
    {
        var engine = Temporal("temporal_ordered");

        Assert.Empty(engine.Process("recon_c", null, Event(1, 0, ("ComputerName", "pc"), ("User", "u"))));
        Assert.Empty(engine.Process("recon_b", null, Event(2, 10, ("ComputerName", "pc"), ("User", "u"))));
        Assert.Empty(engine.Process("recon_a", null, Event(3, 20, ("ComputerName", "pc"), ("User", "u"))));
        Assert.Empty(engine.Process("recon_c", null, Event(4, 30, ("ComputerName", "pc"), ("User", "u"))));
        // a (20s), b (40s), c (50s) are in order.
        Assert.Empty(engine.Process("recon_b", null, Event(5, 40, ("ComputerName", "pc"), ("User", "u"))));
        var alert = Assert.Single(engine.Process("recon_c", null, Event(6, 50, ("ComputerName", "pc"), ("User", "u"))));
        Assert.Equal(3, alert.Value);
    }

    [Fact]
    public void TemporalOrdered_LateEventThatCompletesTheOrder_IsPlacedByItsTime()
    {
        var engine = Temporal("temporal_ordered");

        Assert.Empty(engine.Process("recon_b", null, Event(1, 10, ("ComputerName", "pc"), ("User", "u"))));
        Assert.Empty(engine.Process("recon_c", null, Event(2, 20, ("ComputerName", "pc"), ("User", "u"))));
        // Arrives last but happened first.
        var alert = Assert.Single(engine.Process("recon_a", null, Event(3, 5, ("ComputerName", "pc"), ("User", "u"))));
        Assert.Equal([3L, 1L, 2L], alert.EventIds);
    }

    [Fact]
    public void TemporalOrdered_EqualTimestamps_CountAsInOrder()
    {
        var engine = Temporal("temporal_ordered");

        Assert.Empty(engine.Process("recon_c", null, Event(1, 7, ("ComputerName", "pc"), ("User", "u"))));
        Assert.Empty(engine.Process("recon_b", null, Event(2, 7, ("ComputerName", "pc"), ("User", "u"))));
        Assert.Single(engine.Process("recon_a", null, Event(3, 7, ("ComputerName", "pc"), ("User", "u"))));
    }

    [Fact]
    public void TemporalOrdered_WithCondition_CountsTheLongestInOrderChain()
    {
        var engine = Temporal("temporal_ordered", "condition: {gte: 2}");

        Assert.Empty(engine.Process("recon_c", null, Event(1, 0, ("ComputerName", "pc"), ("User", "u"))));
        Assert.Empty(engine.Process("recon_b", null, Event(2, 1, ("ComputerName", "pc"), ("User", "u"))));
        Assert.Equal(2, Assert.Single(engine.Process("recon_c", null, Event(3, 2, ("ComputerName", "pc"), ("User", "u")))).Value);
    }
}

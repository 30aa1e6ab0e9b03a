using Yagura.Detection.Correlation;

using static Yagura.Detection.Tests.Correlation.CorrelationKit;

namespace Yagura.Detection.Tests.Correlation;

/// <summary>Correlations of correlations, and what generate does to the alerts of the rules they reference.</summary>
public sealed class CorrelationEngineChainTests
{
    // The specification's example "Failed Logins Followed by Successful Login", base rules left out.
    private const string FailedThenSuccess = """
        title: Correlation - Multiple Failed Logins Followed by Successful Login
        id: b180ead8-d58f-40b2-ae54-c8940995b9b6
        correlation:
            type: temporal_ordered
            rules:
                - multiple_failed_login
                - successful_login
            group-by:
                - User
            timespan: 10m
        level: high
        ---
        title: Multiple failed logons
        id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
        name: multiple_failed_login
        correlation:
            type: event_count
            rules:
                - failed_login
            group-by:
                - User
            timespan: 10m
            condition:
                gte: 10
        """;

    private const string FailedLoginId = "53ba33fd-3a50-4468-a5ef-c583635cfa92";
    private const string SuccessId = "4d0a2c83-c62c-4ed4-b475-c7e23a9269b8";

    private static List<CorrelationAlert> FailThenSucceed(CorrelationEngine engine, int failures, double successAt)
    {
        var alerts = new List<CorrelationAlert>();
        for (var i = 1; i <= failures; i++)
        {
            alerts.AddRange(engine.Process(FailedLoginId, "failed_login", Event(i, i * 10, ("User", "alice"), ("ComputerName", "pc" + (i % 3)))));
        }

        alerts.AddRange(engine.Process(SuccessId, "successful_login", Event(100, successAt, ("User", "alice"))));
        return alerts;
    }

    [Fact]
    public void Chain_SpecificationExample_FiresTheOuterRuleWithTheEventsBehindBoth()
    {
        var engine = new CorrelationEngine(Rules(FailedThenSuccess));

        var alerts = FailThenSucceed(engine, 10, 200);

        var alert = Assert.Single(alerts);
        Assert.Equal("b180ead8-d58f-40b2-ae54-c8940995b9b6", alert.RuleId);
        Assert.Equal(CorrelationType.TemporalOrdered, alert.Type);
        Assert.Equal("high", alert.Level);
        Assert.Equal([new KeyValuePair<string, string>("User", "alice")], alert.GroupKey);
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 100L], alert.EventIds);
        Assert.Equal(11, alert.EventCount);
        // The inner alert counts at its last-seen time, the tenth failure.
        Assert.Equal(T0.AddSeconds(100), alert.FirstSeen);
        Assert.Equal(T0.AddSeconds(200), alert.LastSeen);
    }

    [Fact]
    public void Chain_TooFewFailures_DoNotFire()
    {
        var engine = new CorrelationEngine(Rules(FailedThenSuccess));

        Assert.Empty(FailThenSucceed(engine, 9, 200));
    }

    [Fact]
    public void Chain_SuccessBeforeTheFailures_DoesNotFire()
    {
        var engine = new CorrelationEngine(Rules(FailedThenSuccess));

        Assert.Empty(FailThenSucceed(engine, 10, 50));
    }

    [Fact]
    public void Generate_Default_SuppressesTheReferencedRulesOwnAlerts()
    {
        var engine = new CorrelationEngine(Rules(FailedThenSuccess));

        Assert.True(engine.SuppressesBaseAlerts(FailedLoginId, "failed_login"));
        Assert.True(engine.SuppressesBaseAlerts("successful_login"));
        Assert.False(engine.SuppressesBaseAlerts(SuccessId));
        Assert.False(engine.SuppressesBaseAlerts("unrelated", "unrelated"));
        // The inner correlation's alert is withheld too, but still feeds the outer one (see the test above).
        Assert.Empty(Feed(engine, FailedLoginId, Enumerable.Range(1, 10).Select(i => Event(i, i, ("User", "bob"))).ToArray()));
    }

    [Fact]
    public void Generate_True_LetsTheReferencedRulesAlertOnTheirOwn()
    {
        var engine = new CorrelationEngine(Rules(FailedThenSuccess.Replace("level: high", "level: high\ngenerate: true").Replace("    condition:\n        gte: 10", "    condition:\n        gte: 10\n    generate: true")));

        Assert.False(engine.SuppressesBaseAlerts(FailedLoginId, "failed_login"));
        Assert.False(engine.SuppressesBaseAlerts(SuccessId, "successful_login"));
        var alerts = FailThenSucceed(engine, 10, 200);

        Assert.Equal(["a8418a5a-5fc4-46b5-b23b-6c73beb19d41", "b180ead8-d58f-40b2-ae54-c8940995b9b6"], alerts.Select(a => a.RuleId));
        Assert.Equal(10, alerts[0].Value);
    }

    [Fact]
    public void Chain_ReferenceByTheLowerRulesId_WorksLikeByName()
    {
        var engine = new CorrelationEngine(Rules(FailedThenSuccess.Replace("        - multiple_failed_login", "        - a8418a5a-5fc4-46b5-b23b-6c73beb19d41")));

        Assert.Single(FailThenSucceed(engine, 10, 200));
    }

    [Fact]
    public void Chain_UpperGroupingByAFieldTheLowerDoesNotGroupBy_GetsNothing()
    {
        // A correlation's alert carries only its own group-by fields.
        var engine = new CorrelationEngine(Rules(FailedThenSuccess.Replace("        - User\n    timespan: 10m\nlevel", "        - ComputerName\n    timespan: 10m\nlevel")));

        Assert.Empty(FailThenSucceed(engine, 10, 200));
        // The inner alert (no ComputerName in its group key) and the success event (none in its fields).
        Assert.Equal(2, engine.GetStatistics("b180ead8-d58f-40b2-ae54-c8940995b9b6")!.EventsWithoutGroupKey);
    }

    [Fact]
    public void Chain_ThreeLevels_FeedEachOther()
    {
        var engine = new CorrelationEngine(Rules("""
            title: top
            correlation:
                type: event_count
                rules: [middle]
                group-by: [User]
                timespan: 1h
                condition: {gte: 2}
            ---
            title: middle
            name: middle
            correlation:
                type: event_count
                rules: [bottom]
                group-by: [User]
                timespan: 1h
                condition: {gte: 2}
            ---
            title: bottom
            name: bottom
            correlation:
                type: event_count
                rules: [base]
                group-by: [User]
                timespan: 1h
                condition: {gte: 2}
            """));

        var alerts = Feed(engine, "base", Enumerable.Range(1, 8).Select(i => Event(i, i, ("User", "u"))).ToArray());

        var alert = Assert.Single(alerts);
        Assert.Equal("top", alert.RuleId);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), alert.EventIds);
    }

    [Fact]
    public void Chain_EventBehindALowerAlertAndMatchedDirectly_IsListedOnce()
    {
        var engine = new CorrelationEngine(Rules("""
            title: upper
            correlation:
                type: temporal
                rules: [lower, base]
                timespan: 1h
            ---
            title: lower
            name: lower
            correlation:
                type: event_count
                rules: [base]
                timespan: 1h
                condition: {gte: 2}
            """));

        Assert.Empty(engine.Process("base", null, Event(1, 0)));
        var alert = Assert.Single(engine.Process("base", null, Event(2, 1)));

        Assert.Equal("upper", alert.RuleId);
        Assert.Equal([1L, 2L], alert.EventIds.Order());
        Assert.Equal(4, alert.EventCount);
    }

    [Fact]
    public void Chain_ReferenceCycle_IsRefusedAndReported()
    {
        var engine = new CorrelationEngine(Rules("""
            title: a
            name: a
            correlation:
                type: event_count
                rules: [b, base]
                timespan: 1h
                condition: {gte: 1}
            ---
            title: b
            name: b
            correlation:
                type: event_count
                rules: [a]
                timespan: 1h
                condition: {gte: 1}
            ---
            title: c
            name: c
            correlation:
                type: event_count
                rules: [c]
                timespan: 1h
                condition: {gte: 1}
            ---
            title: ok
            correlation:
                type: event_count
                rules: [base]
                timespan: 1h
                condition: {gte: 1}
            """));

        Assert.Equal(["a", "b", "c"], engine.Problems.Where(p => p.Disabled).Select(p => p.RuleId));
        Assert.Equal(["ok"], engine.GetStatistics().Select(s => s.RuleId));
        Assert.Equal("ok", Assert.Single(engine.Process("base", null, Event(1, 0))).RuleId);
    }

    [Fact]
    public void Rules_WithTheSameKey_AreReportedAndTheSecondLeftOut()
    {
        var rule = Rule("""
            title: t
            id: same
            correlation:
                type: event_count
                rules: [base]
                timespan: 1h
                condition: {gte: 1}
            """);

        var engine = new CorrelationEngine([rule, rule with { Title = "t2" }]);

        var problem = Assert.Single(engine.Problems);
        Assert.Equal("same", problem.RuleId);
        Assert.True(problem.Disabled);
        Assert.Equal("t", Assert.Single(engine.Process("base", null, Event(1, 0))).Title);
    }
}

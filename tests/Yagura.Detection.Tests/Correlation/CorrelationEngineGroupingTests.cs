using Yagura.Detection.Correlation;
using Yagura.Detection.Events;

using static Yagura.Detection.Tests.Correlation.CorrelationKit;

namespace Yagura.Detection.Tests.Correlation;

/// <summary>Group-by, tenants, rule references, field access and aliases.</summary>
public sealed class CorrelationEngineGroupingTests
{
    private static readonly CorrelationRule ByHostAndUser = Rule("""
        title: t
        correlation:
            type: event_count
            rules: [r]
            group-by: [Host, User]
            timespan: 1m
            condition: {gte: 2}
        """);

    [Fact]
    public void GroupBy_SeveralFields_CountsEachCombinationApart()
    {
        var engine = new CorrelationEngine([ByHostAndUser]);

        var alerts = Feed(engine, "r",
            Event(1, 0, ("Host", "h1"), ("User", "a")),
            Event(2, 1, ("Host", "h1"), ("User", "b")),
            Event(3, 2, ("Host", "h2"), ("User", "a")),
            Event(4, 3, ("Host", "h1"), ("User", "a")));

        var alert = Assert.Single(alerts);
        Assert.Equal([new("Host", "h1"), new KeyValuePair<string, string>("User", "a")], alert.GroupKey);
        Assert.Equal([1L, 4L], alert.EventIds);
    }

    [Fact]
    public void GroupBy_EventMissingAGroupField_TakesNoPart()
    {
        var engine = new CorrelationEngine([ByHostAndUser]);

        var alerts = Feed(engine, "r", Event(1, 0, ("Host", "h1")), Event(2, 1, ("Host", "h1"), ("User", null)), Event(3, 2, ("Host", "h1"), ("User", "a")));

        Assert.Empty(alerts);
        Assert.Equal(2, engine.GetStatistics("t")!.EventsWithoutGroupKey);
    }

    [Fact]
    public void GroupBy_ValuesAreGroupedByTheirText()
    {
        var engine = new CorrelationEngine([ByHostAndUser]);

        var alerts = Feed(engine, "r", Event(1, 0, ("Host", 42L), ("User", true)), Event(2, 1, ("Host", "42"), ("User", "true")));

        Assert.Equal([new("Host", "42"), new KeyValuePair<string, string>("User", "true")], Assert.Single(alerts).GroupKey);
    }

    [Fact]
    public void NoGroupBy_AllEventsOfATenantAreOneGroup()
    {
        var engine = new CorrelationEngine([Rule("""
            title: t
            correlation:
                type: event_count
                rules: [r]
                timespan: 1m
                condition: {gte: 2}
            """)]);

        var alert = Assert.Single(Feed(engine, "r", Event(1, 0, ("User", "a")), Event(2, 1, ("User", "b"))));

        Assert.Empty(alert.GroupKey);
    }

    [Fact]
    public void Tenants_AreNeverCorrelatedTogether()
    {
        var engine = new CorrelationEngine([ByHostAndUser]);

        var alerts = Feed(engine, "r", TenantEvent("acme", 1, 0, ("Host", "h"), ("User", "a")), TenantEvent("globex", 2, 1, ("Host", "h"), ("User", "a")));
        Assert.Empty(alerts);

        var alert = Assert.Single(Feed(engine, "r", TenantEvent("globex", 3, 2, ("Host", "h"), ("User", "a"))));
        Assert.Equal("globex", alert.TenantId);
        Assert.Equal([2L, 3L], alert.EventIds);
    }

    [Fact]
    public void Tenants_HaveTheirOwnEventTime()
    {
        var engine = new CorrelationEngine([ByHostAndUser]);

        Feed(engine, "r", TenantEvent("acme", 1, 0, ("Host", "h"), ("User", "a")));
        // Another tenant's clock running an hour ahead (a skewed source) does not expire acme's window.
        Feed(engine, "r", TenantEvent("globex", 2, 3600, ("Host", "h"), ("User", "a")));

        Assert.Single(Feed(engine, "r", TenantEvent("acme", 3, 30, ("Host", "h"), ("User", "a"))));
    }

    [Fact]
    public void References_RuleListedByIdOrByName_IsMatchedEitherWay()
    {
        var engine = new CorrelationEngine([Rule("""
            title: t
            correlation:
                type: temporal
                rules:
                    - 5638f7c0-ac70-491d-8465-2a65075e0d86
                    - firewall_block
                timespan: 1m
            """)]);

        Assert.True(engine.References("5638f7c0-ac70-491d-8465-2a65075e0d86"));
        Assert.True(engine.References("some-other-id", "firewall_block"));
        Assert.False(engine.References("some-other-id", "other_name"));
        Assert.Empty(engine.Process("unrelated", "unrelated", Event(1, 0)));
        Assert.Empty(engine.Process("5638f7c0-ac70-491d-8465-2a65075e0d86", "low_firewall", Event(2, 1)));
        Assert.Equal([2L, 3L], Assert.Single(engine.Process("9a1e0000-0000-0000-0000-000000000000", "firewall_block", Event(3, 2))).EventIds);
    }

    [Fact]
    public void References_OneRuleNamedTwiceByIdAndName_CountsEachEventOnce()
    {
        var engine = new CorrelationEngine([Rule("""
            title: t
            correlation:
                type: event_count
                rules: [rule-id, rule_name]
                timespan: 1m
                condition: {gte: 2}
            """)]);

        Assert.Empty(engine.Process("rule-id", "rule_name", Event(1, 0)));
        Assert.Single(engine.Process("rule-id", "rule_name", Event(2, 1)));
    }

    [Fact]
    public void FieldValue_TheDelegateGivenToTheEngine_ReadsEveryField()
    {
        // As the detection engine's field mapping would: Sigma's User is the schema's user.name.
        static object? Mapped(DetectionEvent e, string name) =>
            e.Fields.GetValueOrDefault(name == "User" ? "user.name" : name);
        var engine = new CorrelationEngine([ByHostAndUser], Mapped);

        var alerts = Feed(engine, "r", Event(1, 0, ("Host", "h"), ("user.name", "a")), Event(2, 1, ("Host", "h"), ("user.name", "a")));

        Assert.Equal("a", Assert.Single(alerts).GroupKey[1].Value);
    }

    [Fact]
    public void Aliases_SpecificationExample_GroupsDifferentFieldsOfDifferentRulesTogether()
    {
        var engine = new CorrelationEngine([Rule("""
            title: Internal error followed by a connection back
            correlation:
                type: temporal
                rules:
                    - internal_error
                    - new_network_connection
                group-by:
                    - internal_ip
                    - remote_ip
                timespan: 10s
                aliases:
                    internal_ip:
                        internal_error: destination.ip
                        new_network_connection: source.ip
                    remote_ip:
                        internal_error: source.ip
                        new_network_connection: destination.ip
            """)]);

        Assert.Empty(engine.Process("id-1", "internal_error", Event(1, 0, ("source.ip", "203.0.113.9"), ("destination.ip", "10.0.0.5"))));
        // Same addresses the other way round, but not the other way round for this rule: no match.
        Assert.Empty(engine.Process("id-2", "new_network_connection", Event(2, 1, ("source.ip", "203.0.113.9"), ("destination.ip", "10.0.0.5"))));
        var alert = Assert.Single(engine.Process("id-2", "new_network_connection", Event(3, 2, ("source.ip", "10.0.0.5"), ("destination.ip", "203.0.113.9"))));

        Assert.Equal([new("internal_ip", "10.0.0.5"), new KeyValuePair<string, string>("remote_ip", "203.0.113.9")], alert.GroupKey);
        Assert.Equal([1L, 3L], alert.EventIds);
    }

    [Fact]
    public void Aliases_AlsoApplyToTheConditionField()
    {
        var engine = new CorrelationEngine([Rule("""
            title: t
            correlation:
                type: value_count
                rules: [logon_a, logon_b]
                timespan: 1m
                condition: {field: account, gte: 2}
                aliases:
                    account:
                        logon_a: TargetUserName
                        logon_b: user.name
            """)]);

        Assert.Empty(engine.Process("a-id", "logon_a", Event(1, 0, ("TargetUserName", "alice"))));
        Assert.Single(engine.Process("b-id", "logon_b", Event(2, 1, ("user.name", "bob"))));
    }
}

using System.Text.Json;

using Yagura.Assessment.Assessments;
using Yagura.Assessment.Evaluation;
using Yagura.Assessment.Evidence;

namespace Yagura.Assessment.Tests;

/// <summary>The suggested scores of docs/assessment.md ("Evidence from the platform"), rule by rule, and what the report shows.</summary>
public sealed class EvidenceTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private const string File = """
        organization: Example Corp
        date: 2026-11-01
        language: en
        tenant: acme
        services:
          - { id: B-1, level: basic, assignment: insource, owner: SOC, as_is: 4, to_be: 5 }
          - { id: B-2, level: basic, assignment: insource, owner: SOC, as_is: 2, to_be: 4 }
          - { id: D-1, level: basic, assignment: insource, owner: CSIRT, as_is: 3, to_be: 4 }
        """;

    private static readonly SourceFacts Web = new("acme", "web1", "rfc5424", 900, Now.AddHours(-1));

    /// <summary>A platform where monitoring and storage both run: every rule's last case.</summary>
    private static PlatformFacts Running => new(Now, "acme")
    {
        Rules = new RuleFacts(Compiled: 120, Active: 100, Inactive: 20, Errors: 1),
        Alerts30Days = 7,
        UrgentAlerts30Days = 2,
        Sources30Days = [Web, new("acme", "fw", "cef", 50, Now.AddDays(-3)), new("acme", "WEB1", "json", 5, Now.AddDays(-2))],
        Sources24Hours = [Web with { Events = 30 }],
        Storage = [new TenantStorageFacts("acme", 90, 955, Now.AddDays(-60), Now.AddHours(-1), DateOnly.FromDateTime(Now.AddDays(-20).UtcDateTime))],
    };

    private static PlatformEvidence Evidence(PlatformFacts facts, Language language = Language.En) =>
        AssessmentEvaluator.Evaluate(AssessmentParser.Parse(File).File!, language, facts).Evidence!;

    [Fact]
    public void Running_SuggestsThreeForMonitoringAndStorage_WithTheirFigures_AndLeavesTheHumansScores()
    {
        var evidence = Evidence(Running);

        var b1 = evidence.Services["B-1"];
        Assert.Equal((true, 3, false), (b1.Data, b1.SuggestedScore, b1.AsIsAboveEvidence));
        Assert.Equal(new Score(4), b1.AsIs);
        Assert.Equal(
            new (string, object?)[] { ("rules_loaded", 120), ("rules_active", 100), ("rules_inactive", 20), ("rule_errors", 1), ("alerts_30d", 7L), ("hosts_24h", 1), ("hosts_30d", 2), ("formats_30d", 3), ("events_24h", 30L), ("events_30d", 955L) },
            b1.Figures.Select(f => (f.Key, f.Value)));
        Assert.StartsWith("100 rules active, 1 hosts sending in the last 24 hours, 7 alerts in 30 days: the service runs", b1.Reason, StringComparison.Ordinal);
        var b2 = evidence.Services["B-2"];
        Assert.Equal((3, 955L, 90, "2026-11-13", "2026-10-04T12:00:00Z"), (b2.SuggestedScore!.Value, (long)b2.Figures["events_stored"]!, (int)b2.Figures["retention_days"]!, (string)b2.Figures["stored_since"]!, (string)b2.Figures["oldest_event"]!));
        Assert.Equal(new Score(2), b2.AsIs);
        Assert.Equal(["B-1", "B-2", "B-3", "D-1", "D-2", "D-6", "D-7", "E-2", "F-1"], evidence.Services.Keys);
        Assert.Equal("acme", evidence.Tenant);
    }

    [Fact]
    public void Monitoring_WithoutActiveRulesOrEvents_SuggestsOne_AndFlagsAHigherSelfAssessment()
    {
        var noRules = Evidence(Running with { Rules = new RuleFacts(10, 0, 10, 0) }).Services["B-1"];
        var unread = Evidence(Running with { Rules = null }).Services["B-1"];
        var noEvents = Evidence(Running with { Sources30Days = [], Sources24Hours = [] }).Services["B-1"];

        Assert.Equal((1, true), (noRules.SuggestedScore!.Value, noRules.AsIsAboveEvidence));
        Assert.Equal("no detection rule is active, so nothing is monitored (not done)", noRules.Reason);
        Assert.Equal(1, unread.SuggestedScore);
        Assert.Null(unread.Figures["rules_active"]);
        Assert.Equal(1, noEvents.SuggestedScore);
        Assert.Equal("100 rules are active but no event was received in 30 days (not done)", noEvents.Reason);
    }

    [Fact]
    public void Monitoring_QuietForADayOrWithoutAlerts_SuggestsTwo()
    {
        var quiet = Evidence(Running with { Sources24Hours = [] }).Services["B-1"];
        var noAlerts = Evidence(Running with { Alerts30Days = 0 }).Services["B-1"];

        Assert.Equal(2, quiet.SuggestedScore);
        Assert.Contains("none in the last 24 hours", quiet.Reason, StringComparison.Ordinal);
        Assert.Equal(2, noAlerts.SuggestedScore);
        Assert.Contains("no alert was raised in 30 days", noAlerts.Reason, StringComparison.Ordinal);
        Assert.True(quiet.AsIsAboveEvidence);
    }

    [Fact]
    public void Storage_EmptyUnconfiguredPastRetentionOrQuiet_SuggestsOneOrTwo()
    {
        var storage = Running.Storage[0];
        var empty = Evidence(Running with { Storage = [storage with { Events = 0, OldestEvent = null, NewestEvent = null, FirstDay = null }] }).Services["B-2"];
        var unconfigured = Evidence(Running with { Storage = [storage with { RetentionDays = null }] }).Services["B-2"];

        // 90 days before 2026-12-03 12:00 is 2026-09-04 12:00; with a day of slack, 2026-09-03 is the first day allowed.
        var kept = Evidence(Running with { Storage = [storage with { FirstDay = new DateOnly(2026, 9, 3) }] }).Services["B-2"];
        var over = Evidence(Running with { Storage = [storage with { FirstDay = new DateOnly(2026, 9, 2) }] }).Services["B-2"];
        var quiet = Evidence(Running with { Sources24Hours = [] }).Services["B-2"];

        Assert.Equal((1, true), (empty.SuggestedScore!.Value, empty.AsIsAboveEvidence)); // the file says 2
        Assert.Equal("no event is stored (not done)", empty.Reason);
        Assert.Equal(2, unconfigured.SuggestedScore);
        Assert.Equal(["acme"], (IEnumerable<string>)unconfigured.Figures["unconfigured_tenants"]!);
        Assert.Equal(3, kept.SuggestedScore);
        Assert.Equal(2, over.SuggestedScore);
        Assert.Equal("events older than the retention are still kept (retention is not enforced): acme", over.Reason);
        Assert.Equal(2, quiet.SuggestedScore);
    }

    [Fact]
    public void ServicesWithoutPlatformData_SayWhy_AndGetNoSuggestion()
    {
        var evidence = Evidence(Running, Language.Ja);

        foreach (var id in (string[])["B-3", "D-1", "D-2", "D-6", "D-7", "E-2", "F-1"])
        {
            Assert.False(evidence.Services[id].Data, id);
            Assert.Null(evidence.Services[id].SuggestedScore);
            Assert.StartsWith("データなし: ", evidence.Services[id].Reason, StringComparison.Ordinal);
        }

        Assert.Equal("データなし: インシデント管理は本バージョンの Yagura にはありません", evidence.Services["D-1"].Reason);
        Assert.Equal(2L, evidence.Services["B-3"].Figures["urgent_alerts_30d"]);
        Assert.Equal(new Score(3), evidence.Services["D-1"].AsIs);
    }

    [Fact]
    public void Report_CarriesEvidenceInJsonAndText_OnlyWhenFactsAreGiven()
    {
        var file = AssessmentParser.Parse(File).File!;
        var with = AssessmentEvaluator.Evaluate(file, null, Running);
        var without = AssessmentEvaluator.Evaluate(file);

        using var json = JsonDocument.Parse(with.ToJson());
        var b1 = json.RootElement.GetProperty("evidence").GetProperty("services").GetProperty("B-1");
        Assert.Equal((3, 4, 100), (b1.GetProperty("suggested_score").GetInt32(), b1.GetProperty("as_is").GetInt32(), b1.GetProperty("figures").GetProperty("rules_active").GetInt32()));
        Assert.Equal(4, json.RootElement.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "B-1").GetProperty("as_is").GetInt32());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("evidence").GetProperty("services").GetProperty("D-1").GetProperty("suggested_score").ValueKind);
        Assert.False(JsonDocument.Parse(without.ToJson()).RootElement.TryGetProperty("evidence", out _));

        var text = ReportText.Render(with);
        Assert.Contains("Evidence from the platform (as of 2026-12-03 12:00 UTC, tenant acme)", text, StringComparison.Ordinal);
        Assert.Contains("  B-1   Real time asset monitoring: self-assessed 4, suggested 3\n", text, StringComparison.Ordinal);
        Assert.Contains("        rules loaded 120, rules active 100,", text, StringComparison.Ordinal);
        Assert.Contains("        no data: incident handling is not in this version of Yagura\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Evidence from the platform", ReportText.Render(without), StringComparison.Ordinal);
    }
}

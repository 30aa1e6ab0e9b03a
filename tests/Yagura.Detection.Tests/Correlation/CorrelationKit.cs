using System.Globalization;
using System.Text;

using Yagura.Detection.Correlation;
using Yagura.Detection.Events;

namespace Yagura.Detection.Tests.Correlation;

/// <summary>Rules from YAML, events at offsets from a fixed time, and alerts rendered for comparison.</summary>
internal static class CorrelationKit
{
    /// <summary>On an hour boundary, so every window of the tests (aligned on the Unix epoch) starts here.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

    public static CorrelationRule Rule(string yaml) => Rules(yaml).Single();

    public static IReadOnlyList<CorrelationRule> Rules(string yaml)
    {
        var results = CorrelationRuleParser.ParseText(yaml, "test.yml");
        Assert.All(results, r => Assert.Empty(r.Errors));
        return results.Select(r => r.Rule!).ToList();
    }

    /// <summary>An event <paramref name="seconds"/> after <see cref="T0"/>; fields as name/value pairs.</summary>
    public static DetectionEvent Event(long id, double seconds, params (string Name, object? Value)[] fields) =>
        new(fields.ToDictionary(f => f.Name, f => f.Value, StringComparer.Ordinal), timestamp: T0.AddSeconds(seconds), id: id);

    public static DetectionEvent TenantEvent(string tenantId, long id, double seconds, params (string Name, object? Value)[] fields) =>
        new(fields.ToDictionary(f => f.Name, f => f.Value, StringComparer.Ordinal), timestamp: T0.AddSeconds(seconds), id: id, tenantId: tenantId);

    /// <summary>Feeds the events as matches of one base rule and returns every alert, in order.</summary>
    public static List<CorrelationAlert> Feed(CorrelationEngine engine, string ruleId, params DetectionEvent[] events)
    {
        var alerts = new List<CorrelationAlert>();
        foreach (var e in events)
        {
            alerts.AddRange(engine.Process(ruleId, null, e));
        }

        return alerts;
    }

    public static List<CorrelationAlert> Matches(IEnumerable<CorrelationAlert> alerts) =>
        alerts.Where(a => a.Kind == CorrelationAlertKind.Match).ToList();

    /// <summary>Everything an alert says, as one line, so that two runs can be compared whole.</summary>
    public static string Render(CorrelationAlert a)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{a.Kind} {a.RuleId} {a.Type} {a.TenantId} [");
        text.AppendJoin(",", a.GroupKey.Select(p => p.Key + "=" + p.Value));
        text.Append("] ids=");
        text.AppendJoin(",", a.EventIds);
        text.Append(CultureInfo.InvariantCulture, $" truncated={a.EventIdsTruncated} n={a.EventCount} {a.FirstSeen:O}..{a.LastSeen:O} value={a.Value:R} {a.Reason}");
        return text.ToString();
    }
}

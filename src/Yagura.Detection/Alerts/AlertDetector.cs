using Yagura.Core.Alerts;
using Yagura.Core.Events;
using Yagura.Detection.Correlation;
using Yagura.Detection.Events;
using Yagura.Detection.Ioc;
using Yagura.Detection.Sigma;

namespace Yagura.Detection.Alerts;

/// <summary>
/// Turns stored events into alerts with one rule set: a rule alert per rule match (unless a correlation with
/// <c>generate: false</c> uses the rule), and correlation alerts. One matcher and one correlation engine, so it is
/// not thread-safe: use it from one thread (the pipeline's writer). Correlation state lives in memory only.
/// </summary>
public sealed class AlertDetector
{
    private readonly SigmaRuleSet.Matcher _matcher;
    private readonly CorrelationEngine _correlations;
    private readonly SeverityPolicy _severity;
    private readonly List<SigmaRule> _matches = [];
    private readonly IocMatcher? _iocs;

    /// <param name="rules">The Sigma rules and correlations.</param>
    /// <param name="severity">From the rule's level (and overrides) to the alert's severity.</param>
    /// <param name="iocs">Indicator lists: a hit is an alert of kind <see cref="AlertKind.Ioc"/>, level high.</param>
    public AlertDetector(SigmaRuleSet rules, SeverityPolicy severity, IocMatcher? iocs = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(severity);
        Rules = rules;
        _matcher = rules.CreateMatcher();
        _correlations = rules.CreateCorrelationEngine();
        _severity = severity;
        _iocs = iocs;
    }

    /// <summary>The Sigma level given to indicator hits (so Critical by default; a per-rule override applies, with the
    /// rule id <see cref="IocRulePrefix"/> + the list's name).</summary>
    public const string IocLevel = "high";

    /// <summary>Rule ids of IOC alerts are this and the list's name: <c>ioc:bad_hosts</c>.</summary>
    public const string IocRulePrefix = "ioc:";

    public SigmaRuleSet Rules { get; }

    /// <summary>How often a correlation rule's state limit forced evictions (matches may have been missed).</summary>
    public long StateLimitHits => _correlations.StateLimitHits;

    /// <summary>Adds the alerts <paramref name="events"/> raise to <paramref name="alerts"/>, in event order.</summary>
    public void Detect(IReadOnlyList<EventRecord> events, List<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(alerts);
        foreach (var record in events)
        {
            _matches.Clear();
            var e = DetectionEvent.FromRecord(record);
            _matcher.Match(e, _matches);
            foreach (var rule in _matches)
            {
                if (!_correlations.SuppressesBaseAlerts(rule.Id, rule.Name))
                {
                    alerts.Add(new Alert(
                        Alert.DeriveId(record.TenantId, rule.Id, record.Id),
                        record.TenantId,
                        AlertKind.Rule,
                        rule.Id,
                        rule.Title,
                        rule.Level.Length == 0 ? null : rule.Level,
                        _severity.For(record.TenantId, rule.Id, rule.Level),
                        rule.Tags,
                        [record.Id],
                        null,
                        record.Timestamp,
                        record.Timestamp,
                        1));
                }

                if (_correlations.References(rule.Id, rule.Name))
                {
                    foreach (var correlation in _correlations.Process(rule.Id, rule.Name, e))
                    {
                        if (correlation.Kind == CorrelationAlertKind.Match)
                        {
                            alerts.Add(FromCorrelation(correlation));
                        }
                    }
                }
            }

            if (_iocs is not null)
            {
                // Expiry is judged at the time Yagura received the event, so a replay decides the same way.
                foreach (var hit in _iocs.Match(e, record.Received))
                {
                    var ruleId = IocRulePrefix + hit.List;
                    alerts.Add(new Alert(
                        Alert.DeriveId(record.TenantId, ruleId + ":" + hit.Indicator, record.Id),
                        record.TenantId,
                        AlertKind.Ioc,
                        ruleId,
                        $"IOC {hit.Type.ToString().ToLowerInvariant()} {hit.Indicator} ({hit.Source}){(hit.Description is { } d ? ": " + d : "")}",
                        IocLevel,
                        _severity.For(record.TenantId, ruleId, IocLevel),
                        [],
                        [record.Id],
                        $"{hit.Field}={hit.Value}",
                        record.Timestamp,
                        record.Timestamp,
                        1));
                }
            }
        }
    }

    private Alert FromCorrelation(CorrelationAlert c)
    {
        var first = c.EventIds.Count > 0 ? c.EventIds[0] : 0;
        var groupKey = c.GroupKey.Count == 0 ? null : string.Join(", ", c.GroupKey.Select(kv => $"{kv.Key}={kv.Value}"));
        return new Alert(
            Alert.DeriveId(c.TenantId, c.RuleId, first),
            c.TenantId,
            AlertKind.Correlation,
            c.RuleId,
            c.Title,
            c.Level,
            _severity.For(c.TenantId, c.RuleId, c.Level),
            [],
            c.EventIds,
            groupKey,
            c.FirstSeen,
            c.LastSeen,
            (int)Math.Min(c.EventCount, int.MaxValue));
    }
}

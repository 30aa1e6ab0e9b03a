using Yagura.Core.Alerts;
using Yagura.Core.Events;
using Yagura.Detection.Alerts.Internal;
using Yagura.Detection.Correlation;
using Yagura.Detection.Correlation.Internal;
using Yagura.Detection.Events;
using Yagura.Detection.Ioc;
using Yagura.Detection.Sigma;

namespace Yagura.Detection.Alerts;

/// <summary>
/// Turns stored events into alerts with one rule set: a rule alert per rule match (unless a correlation with
/// <c>generate: false</c> uses the rule), correlation alerts and IOC alerts, with the rule set's severities, and repeats
/// suppressed by its <see cref="SigmaRuleSet.Suppression"/>. One matcher, one correlation engine and one set of
/// suppression windows, so it is not thread-safe: use it from one thread (the pipeline's detection thread).
/// Correlation and suppression state live in memory only.
/// </summary>
public sealed class AlertDetector
{
    private readonly SigmaRuleSet.Matcher _matcher;
    private readonly CorrelationEngine _correlations;
    private readonly SeverityPolicy _severity;
    private readonly SuppressionPolicy _suppression;
    private readonly AlertSuppressor _suppressor;
    private readonly List<SigmaRule> _matches = [];
    private readonly IocMatcher? _iocs;

    // The event fields a suppression field is read from, per rule product: the same as for the rule's own fields.
    private readonly Dictionary<(string? Product, string Field), IReadOnlyList<string>> _fieldCandidates = [];

    /// <param name="rules">The Sigma rules and correlations, with their severity and suppression tuning.</param>
    /// <param name="iocs">Indicator lists: a hit is an alert of kind <see cref="AlertKind.Ioc"/>, level high.</param>
    /// <param name="suppression">Limits on suppression state (the defaults when null).</param>
    public AlertDetector(SigmaRuleSet rules, IocMatcher? iocs = null, SuppressionOptions? suppression = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        suppression ??= new SuppressionOptions();
        suppression.Validate();
        Rules = rules;
        _matcher = rules.CreateMatcher();
        _correlations = rules.CreateCorrelationEngine();
        _severity = rules.Severity;
        _suppression = rules.Suppression;
        _suppressor = new AlertSuppressor(suppression);
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

    /// <summary>Suppression windows closed early because <see cref="SuppressionOptions.MaxOpenWindows"/> were open.</summary>
    public long SuppressionEvictions => _suppressor.Evictions;

    /// <summary>Suppression windows held now.</summary>
    internal int OpenSuppressionWindows => _suppressor.OpenWindows;

    /// <summary>
    /// Adds to <paramref name="alerts"/> the alerts <paramref name="events"/> raise or make grow, each once in its
    /// latest state, in the order they were first raised or grown. A repeat within its suppression window makes the
    /// open alert grow (same id, higher count), so the list may hold alerts given before: store it as an update.
    /// </summary>
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
                    var (groupKey, window) = SuppressionOf(e, rule);
                    var alert = new Alert(
                        Alert.DeriveId(record.TenantId, rule.Id, record.Id),
                        record.TenantId,
                        AlertKind.Rule,
                        rule.Id,
                        rule.Title,
                        rule.Level.Length == 0 ? null : rule.Level,
                        _severity.For(record.TenantId, rule.Id, rule.Level),
                        rule.Tags,
                        [record.Id],
                        groupKey,
                        record.Timestamp,
                        record.Timestamp,
                        1);
                    _suppressor.Add(alert, window, record.Received);
                }

                if (_correlations.References(rule.Id, rule.Name))
                {
                    foreach (var correlation in _correlations.Process(rule.Id, rule.Name, e))
                    {
                        if (correlation.Kind == CorrelationAlertKind.Match)
                        {
                            var alert = FromCorrelation(correlation);
                            _suppressor.Add(alert, _suppression.For(alert.TenantId, alert.RuleId).Window, record.Received);
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
                    var alert = new Alert(
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
                        1);
                    _suppressor.Add(alert, _suppression.For(record.TenantId, ruleId).Window, record.Received);
                }
            }
        }

        _suppressor.Flush(alerts);
    }

    /// <summary>The group key and suppression window of a rule alert.</summary>
    private (string? GroupKey, TimeSpan Window) SuppressionOf(DetectionEvent e, SigmaRule rule)
    {
        var suppression = _suppression.For(e.TenantId, rule.Id);
        if (suppression.IsOff || suppression.By.Count == 0)
        {
            return (null, suppression.Window);
        }

        // An event that lacks a field repeats are told apart by stands alone: it may be another host's.
        return GroupKeyOf(e, rule, suppression.By) is { } groupKey ? (groupKey, suppression.Window) : (null, TimeSpan.Zero);
    }

    /// <summary>
    /// The group key of a rule alert: each field's value, read as the rule reads its own fields (through its product's
    /// pipeline, so Sigma names such as <c>User</c> work); null when the event lacks one of them.
    /// </summary>
    private string? GroupKeyOf(DetectionEvent e, SigmaRule rule, IReadOnlyList<string> fields)
    {
        var values = new KeyValuePair<string, string>[fields.Count];
        for (var i = 0; i < fields.Count; i++)
        {
            var product = rule.LogSource.Product;
            if (!_fieldCandidates.TryGetValue((product, fields[i]), out var candidates))
            {
                _fieldCandidates[(product, fields[i])] = candidates = Rules.Pipeline.Candidates(fields[i], product);
            }

            string? text = null;
            foreach (var candidate in candidates)
            {
                if (e.Fields.TryGetValue(candidate, out var value) && FieldValues.Text(value) is { } found)
                {
                    text = found;
                    break;
                }
            }

            if (text is null)
            {
                return null;
            }

            values[i] = new(fields[i], text);
        }

        return GroupKeyText(values);
    }

    /// <summary><c>field=value, field=value</c>: the group key as alerts show it.</summary>
    private static string GroupKeyText(IEnumerable<KeyValuePair<string, string>> values) =>
        string.Join(", ", values.Select(kv => $"{kv.Key}={kv.Value}"));

    private Alert FromCorrelation(CorrelationAlert c)
    {
        var first = c.EventIds.Count > 0 ? c.EventIds[0] : 0;
        var groupKey = c.GroupKey.Count == 0 ? null : GroupKeyText(c.GroupKey);
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

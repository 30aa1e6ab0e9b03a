namespace Yagura.Detection.Correlation;

/// <summary>What a <see cref="CorrelationAlert"/> reports.</summary>
public enum CorrelationAlertKind
{
    /// <summary>The rule's condition was met.</summary>
    Match,

    /// <summary>
    /// The rule's state reached its limit and groups were evicted, so matches may have been missed. One per rule per
    /// timespan of event time, however many evictions follow; <see cref="CorrelationEngine.StateLimitHits"/> counts them all.
    /// </summary>
    StateLimitReached,
}

/// <summary>
/// An alert from a correlation rule. <see cref="RuleId"/> is the rule's <see cref="CorrelationRule.Key"/> (its id,
/// else its name, else its title). <see cref="GroupKey"/> holds the group-by fields in the rule's order with the
/// group's values as text (values are grouped by their text, so the number 42 and the string "42" are one group).
/// <see cref="EventIds"/> lists the contributing events, each once, in the event-time order of the matches they came
/// with, at most <see cref="CorrelationEngineOptions.MaxEventIdsPerAlert"/> of them (<see cref="EventIdsTruncated"/>
/// says when more were left out). For a correlation of correlations they include the events behind the lower alerts.
/// <see cref="EventCount"/> counts contributions, those left out included: an event that matched two referenced rules,
/// or came both directly and through a lower correlation, is listed once and counted twice. <see cref="Value"/> is the measure that met the condition: the count, distinct count,
/// number of matched rules, sum, average or percentile. For <see cref="CorrelationAlertKind.StateLimitReached"/>,
/// the group key and event lists are empty, both times are the event time at which the limit was hit,
/// <see cref="Value"/> is the limit and <see cref="Reason"/> says which one.
/// </summary>
public sealed record CorrelationAlert(
    CorrelationAlertKind Kind,
    string RuleId,
    string Title,
    string? Name,
    string? Level,
    CorrelationType Type,
    string TenantId,
    IReadOnlyList<KeyValuePair<string, string>> GroupKey,
    IReadOnlyList<long> EventIds,
    bool EventIdsTruncated,
    long EventCount,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    double Value,
    string? Reason = null);

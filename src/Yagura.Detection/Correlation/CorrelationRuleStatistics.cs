namespace Yagura.Detection.Correlation;

/// <summary>
/// What one correlation rule holds and what it has had to drop. <see cref="LateEvents"/> arrived after their
/// window had closed or expired; <see cref="EventsWithoutGroupKey"/> lacked a group-by field;
/// <see cref="EventsWithoutValue"/> lacked the condition's field (or a number in it, for the numeric types);
/// <see cref="StateLimitHits"/> counts the times the limits forced <see cref="EvictedGroups"/> out and
/// <see cref="DroppedEvents"/> (the events of evicted groups, and any cut from a group that alone exceeded the limit).
/// </summary>
public sealed record CorrelationRuleStatistics(
    string RuleId,
    int Groups,
    int Events,
    long LateEvents,
    long EventsWithoutGroupKey,
    long EventsWithoutValue,
    long StateLimitHits,
    long EvictedGroups,
    long DroppedEvents);

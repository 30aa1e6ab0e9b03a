namespace Yagura.Detection.Correlation.Internal;

/// <summary>Everything the engine holds for one correlation rule.</summary>
internal sealed class RuleState(CorrelationRule rule, int order)
{
    public CorrelationRule Rule { get; } = rule;

    /// <summary>Load order: rules are evaluated in it, so output order does not depend on dictionaries.</summary>
    public int Order { get; } = order;

    public long SpanTicks { get; } = rule.Timespan.Ticks;

    /// <summary>
    /// True when the condition is evaluated as each event arrives over a sliding window; false when it is evaluated
    /// once per window, when event time passes the window's end. See <see cref="CorrelationEngine"/>.
    /// </summary>
    public bool Immediate { get; } =
        rule.Type is not (CorrelationType.ValueAvg or CorrelationType.ValuePercentile)
        && rule.Condition.Bounds.All(b => b.IsLowerBound);

    /// <summary>Whether this rule's own alerts are withheld because a correlation with generate: false references it.</summary>
    public bool Suppressed { get; set; }

    /// <summary>Correlations that reference this one, with the index of the reference in their rules list.</summary>
    public List<(RuleState Upper, int Index)> Uppers { get; } = [];

    public Dictionary<string, Partition> Partitions { get; } = new(StringComparer.Ordinal);

    public int GroupCount { get; set; }

    public int EntryCount { get; set; }

    /// <summary>Event time before which no further state-limit alert is raised (one per timespan).</summary>
    public long LimitAlertUntil { get; set; } = long.MinValue;

    public long LateEvents { get; set; }

    public long EventsWithoutGroupKey { get; set; }

    public long EventsWithoutValue { get; set; }

    public long StateLimitHits { get; set; }

    public long EvictedGroups { get; set; }

    public long DroppedEvents { get; set; }
}

namespace Yagura.Detection.Correlation;

/// <summary>The limits that bound a <see cref="CorrelationEngine"/>'s memory, and how long windows wait for late events.</summary>
public sealed record CorrelationEngineOptions
{
    /// <summary>Groups (distinct group-by values per tenant) a rule may hold; beyond it the least recently active are evicted.</summary>
    public int MaxGroupsPerRule { get; init; } = 10_000;

    /// <summary>
    /// Events a rule may hold across all its groups; beyond it the least recently active groups are evicted (or,
    /// when one group holds them all, its oldest events). An event_count threshold above this can never be met.
    /// </summary>
    public int MaxEventsPerRule { get; init; } = 100_000;

    /// <summary>Event ids listed in one alert.</summary>
    public int MaxEventIdsPerAlert { get; init; } = 1_000;

    /// <summary>
    /// For windows evaluated at their end: how far event time must pass the end before the window is closed, so that
    /// events arriving a little out of order are still counted. Zero closes a window as soon as a later event is seen.
    /// </summary>
    public TimeSpan AllowedLateness { get; init; } = TimeSpan.Zero;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxGroupsPerRule, 1, nameof(MaxGroupsPerRule));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEventsPerRule, 1, nameof(MaxEventsPerRule));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEventIdsPerAlert, 0, nameof(MaxEventIdsPerAlert));
        ArgumentOutOfRangeException.ThrowIfLessThan(AllowedLateness, TimeSpan.Zero, nameof(AllowedLateness));
    }
}

namespace Yagura.Detection.Alerts;

/// <summary>The limits that bound the memory of alert suppression.</summary>
public sealed record SuppressionOptions
{
    /// <summary>
    /// Open suppression windows (tenant, rule and group key) held at once; beyond it the oldest is closed early, so a
    /// later repeat of it opens a new alert (<see cref="AlertDetector.SuppressionEvictions"/> counts them).
    /// </summary>
    public int MaxOpenWindows { get; init; } = 10_000;

    /// <summary>Event ids an alert carries; its count goes on past them, so fewer ids than the count means the list is full.</summary>
    public int MaxEventIdsPerAlert { get; init; } = 1_000;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxOpenWindows, 1, nameof(MaxOpenWindows));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEventIdsPerAlert, 1, nameof(MaxEventIdsPerAlert));
    }
}

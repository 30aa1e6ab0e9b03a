using Yagura.Detection.Events;

namespace Yagura.Detection.Correlation.Internal;

/// <summary>
/// A match handed to a correlation: a base rule's event, or a lower correlation's alert. An alert carries only its
/// group-by fields, read directly: they are already the names the upper rule groups by, and the engine's field
/// delegate (which maps Sigma names to the event schema) does not apply to them.
/// </summary>
internal readonly record struct Observation(
    DetectionEvent? Event,
    IReadOnlyDictionary<string, string>? AlertFields,
    string TenantId,
    long Ticks,
    long EventId,
    long[]? EventIds,
    long EventCount,
    bool IdsTruncated)
{
    public object? Field(string name, Func<DetectionEvent, string, object?> fieldValue) =>
        Event is not null ? fieldValue(Event, name) : AlertFields!.GetValueOrDefault(name);
}

namespace Yagura.Detection.Correlation.Internal;

/// <summary>
/// One match held in a group's window. A base event is one id; a lower correlation's alert brings the ids behind it
/// (<see cref="EventIds"/>, already capped, <see cref="IdsTruncated"/> when it was) and their total count.
/// <see cref="Seq"/> orders matches with equal event time by arrival.
/// </summary>
internal readonly record struct Entry(
    long Ticks,
    long Seq,
    int RuleIndex,
    long EventId,
    long[]? EventIds,
    long EventCount,
    bool IdsTruncated,
    double Number,
    string? Text);

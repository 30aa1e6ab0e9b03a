namespace Yagura.Detection.Correlation.Internal;

/// <summary>
/// A rule's state for one tenant. Each tenant has its own event-time clock (<see cref="Watermark"/>): one tenant's
/// clock skew or backlog replay neither expires nor closes another tenant's windows.
/// </summary>
internal sealed class Partition(string tenantId, long watermark)
{
    public string TenantId { get; } = tenantId;

    /// <summary>The newest event time seen by this rule for this tenant.</summary>
    public long Watermark { get; set; } = watermark;

    /// <summary>When idle groups were last swept (sliding windows).</summary>
    public long LastSweep { get; set; } = watermark;

    public Dictionary<GroupKey, Group> Groups { get; } = [];

    /// <summary>Scheduled window closes (end-of-window evaluation), by close time then schedule order.</summary>
    public PriorityQueue<(Group Group, long BucketStart), (long CloseTicks, long Seq)> Closes { get; } = new();
}

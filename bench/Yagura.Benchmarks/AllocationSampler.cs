using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Yagura.Benchmarks;

/// <summary>Counts the runtime's allocation samples (one per ~100 KB allocated) by type name.</summary>
internal sealed class AllocationSampler : EventListener
{
    public ConcurrentDictionary<string, int> Samples { get; } = new();

    public bool Enabled { get; set; }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (Enabled && eventData.EventName == "GCAllocationTick_V4" && eventData.Payload is { } payload)
        {
            var index = eventData.PayloadNames!.IndexOf("TypeName");
            Samples.AddOrUpdate(payload[index]?.ToString() ?? "?", 1, static (_, n) => n + 1);
        }
    }
}

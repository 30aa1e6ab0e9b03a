using Yagura.Core.Events;

namespace Yagura.Core.Storage;

/// <summary>
/// Sees every batch the ingest pipeline has written to the event store (detection, for one), in order, on a thread of
/// its own (the writer stores the next batch meanwhile), before the batch counts as processed: a batch the spool
/// forgets has been observed, and a replay after a crash observes it again (so what an observer writes must be
/// idempotent). It must handle its own failures; one it throws stops the pipeline, the batch left in the spool.
/// </summary>
public interface IStoredBatchObserver
{
    void OnStored(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken);
}

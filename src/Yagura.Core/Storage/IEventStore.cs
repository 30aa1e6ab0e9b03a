using Yagura.Core.Events;
using Yagura.Core.Search;
using Yagura.Core.Tenancy;

namespace Yagura.Core.Storage;

/// <summary>
/// Where normalised events are kept and searched. Implementations: SQLite (embedded default), PostgreSQL (later).
/// </summary>
public interface IEventStore : IAsyncDisposable
{
    /// <summary>
    /// Stores a batch. Idempotent by <see cref="EventRecord.Id"/>: writing an event already stored is a no-op,
    /// which is what makes spool replay after a crash exactly-once. Returns when the batch is committed.
    /// </summary>
    Task WriteAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes every batch whose <see cref="WriteAsync"/> has returned durable: it survives a power loss, not only a
    /// crash of the process. A written batch is searchable at once; the pipeline lets the spool forget a batch only
    /// after a flush that followed it, so a store may defer its disk flushes and do them here, batched.
    /// </summary>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns events of the scope in the time range, newest first. <see cref="EventScan.Filter"/> is a hint the
    /// store may use to narrow the candidates (indexes, full-text); callers re-check every event returned, so a
    /// store must return a superset of the matches and never drop one.
    /// </summary>
    IAsyncEnumerable<EventRecord> ScanAsync(EventScan scan, CancellationToken cancellationToken = default);

    /// <summary>Drops whole partitions of the tenant whose events were all received before <paramref name="cutoff"/>.</summary>
    Task<RetentionResult> DropBeforeAsync(string tenantId, DateTimeOffset cutoff, CancellationToken cancellationToken = default);

    /// <summary>Counts stored events of the scope (for health and tests).</summary>
    Task<long> CountAsync(TenantScope scope, CancellationToken cancellationToken = default);
}

/// <summary>What to scan. <see cref="From"/> is inclusive, <see cref="To"/> exclusive, both on <c>@timestamp</c>.</summary>
public sealed record EventScan(TenantScope Scope, DateTimeOffset? From, DateTimeOffset? To, QueryNode Filter);

public sealed record RetentionResult(int PartitionsDropped, long EventsDropped);

using System.Runtime.CompilerServices;

using Yagura.Core.Events;
using Yagura.Core.Storage;
using Yagura.Core.Tenancy;

namespace Yagura.Core.Tests.Search;

/// <summary>
/// A list filtered by scope and time, newest first. It ignores the filter hint, which the store contract allows,
/// so every test also proves the executor re-checks what a store returns.
/// </summary>
internal sealed class InMemoryEventStore : IEventStore
{
    private readonly List<EventRecord> _events = [];
    private readonly HashSet<long> _ids = [];

    public List<EventScan> Scans { get; } = [];

    /// <summary>Events handed out by all scans so far: shows whether a search stopped early.</summary>
    public long Yielded { get; private set; }

    public Task WriteAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken = default)
    {
        foreach (var e in events)
        {
            if (_ids.Add(e.Id))
            {
                _events.Add(e);
            }
        }

        return Task.CompletedTask;
    }

    public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async IAsyncEnumerable<EventRecord> ScanAsync(EventScan scan, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Scans.Add(scan);
        var candidates = _events
            .Where(e => scan.Scope.Includes(e.TenantId))
            .Where(e => (scan.From is null || e.Timestamp >= scan.From) && (scan.To is null || e.Timestamp < scan.To))
            .OrderByDescending(e => e.Timestamp)
            .ThenByDescending(e => e.Id)
            .ToList();
        foreach (var e in candidates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Yielded++;
            yield return e;
        }

        await Task.CompletedTask;
    }

    public Task<RetentionResult> DropBeforeAsync(string tenantId, DateTimeOffset cutoff, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<long> CountAsync(TenantScope scope, CancellationToken cancellationToken = default) =>
        Task.FromResult((long)_events.Count(e => scope.Includes(e.TenantId)));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

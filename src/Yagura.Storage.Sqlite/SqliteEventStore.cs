using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

using Microsoft.Data.Sqlite;

using Yagura.Core.Events;
using Yagura.Core.Storage;
using Yagura.Core.Tenancy;
using Yagura.Storage.Sqlite.Internal;

namespace Yagura.Storage.Sqlite;

/// <summary>
/// Events in SQLite files under <c>DATA/events/&lt;tenant&gt;/&lt;yyyy-MM-dd&gt;[.&lt;shard&gt;].db</c>: one partition per
/// tenant, UTC day of receipt and shard, so retention deletes files and two threads can write two files at once.
/// </summary>
/// <remarks>
/// Files are in WAL mode: any number of readers, in this or another process (<c>yagura search</c> while
/// <c>yagura serve</c> writes), see committed batches without blocking the writer.
/// </remarks>
public sealed class SqliteEventStore : IEventStore
{
    private readonly string _eventsDirectory;
    private readonly SqliteEventStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, PartitionWriter> _writers = new(StringComparer.Ordinal);
    private readonly PreparedBlockPool _blockPool = new();
    private readonly PrepareWorkers _prepareWorkers = new();
    private readonly WalCheckpointer _checkpointer = new();
    private long _rowsFetched;
    private bool _disposed;

    private SqliteEventStore(string dataDirectory, SqliteEventStoreOptions options, TimeProvider time)
    {
        if (options.Shards is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Shards must be between 1 and 64.");
        }

        if (options.FullTextDetail is not ("none" or "column" or "full"))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "FullTextDetail must be none, column or full.");
        }

        _eventsDirectory = Path.Combine(Path.GetFullPath(dataDirectory), "events");
        _options = options;
        _time = time;
        Directory.CreateDirectory(_eventsDirectory);
    }

    /// <summary>Opens (creating when needed) the event store of a data directory.</summary>
    public static SqliteEventStore Open(string dataDirectory, SqliteEventStoreOptions options, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        SQLitePCL.Batteries_V2.Init();
        return new SqliteEventStore(dataDirectory, options, time);
    }

    /// <summary>Rows read from partition files by scans so far: shows how much a filter's pushdown narrowed.</summary>
    internal long RowsFetched => Interlocked.Read(ref _rowsFetched);

    internal int OpenWriters => _writers.Count;

    /// <inheritdoc />
    public async Task WriteAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        var groups = new Dictionary<PartitionKey, List<EventRecord>>();
        string? validTenant = null;
        PartitionKey lastKey = default;
        List<EventRecord>? last = null;
        foreach (var e in events)
        {
            // Batches are mostly one tenant and day: check and look up only when they change.
            if (!ReferenceEquals(e.TenantId, validTenant))
            {
                PartitionKey.ValidateTenant(e.TenantId);
                validTenant = e.TenantId;
            }

            var key = KeyOf(e);
            if (last is null || !key.Equals(lastKey))
            {
                if (!groups.TryGetValue(key, out last))
                {
                    groups[key] = last = new List<EventRecord>(groups.Count == 0 ? events.Count : 16);
                }

                lastKey = key;
            }

            last.Add(e);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (groups.Count == 1)
        {
            var (key, list) = groups.First();
            WritePartition(key, list);
        }
        else
        {
            // One task per file: SQLite writes to different files in parallel, while a file takes one writer.
            var tasks = groups.Select(g => Task.Run(() => WritePartition(g.Key, g.Value), CancellationToken.None)).ToArray();
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }

        CloseIdleWriters();
    }

    /// <inheritdoc />
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // A writer closed meanwhile (idle, dropped) was checkpointed and synced by its close.
        return Task.WhenAll(_writers.Values.Select(w => w.FlushAsync())).WaitAsync(cancellationToken);
    }

    private PartitionKey KeyOf(EventRecord e)
    {
        var day = DateOnly.FromDateTime(e.Received.UtcDateTime);
        var shard = (int)((ulong)e.Id % (ulong)_options.Shards);
        return new PartitionKey(e.TenantId, day, shard, _options.Shards > 1);
    }

    private void WritePartition(PartitionKey key, List<EventRecord> events)
    {
        if (!StrictlyIncreasing(events))
        {
            // Only when needed: the spool hands ids over in order, and sorting distinct ids cannot change their order.
            events.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        }

        var distinct = events;
        for (var i = 1; i < events.Count; i++)
        {
            if (events[i].Id == events[i - 1].Id)
            {
                distinct = [events[0]];
                for (var j = 1; j < events.Count; j++)
                {
                    if (events[j].Id != events[j - 1].Id)
                    {
                        distinct.Add(events[j]);
                    }
                }

                break;
            }
        }

        var path = key.PathIn(_eventsDirectory);
        while (true)
        {
            var writer = _writers.GetOrAdd(path, static (p, self) =>
            {
                Directory.CreateDirectory(Path.GetDirectoryName(p)!);
                return PartitionWriter.Open(p, self._options, self._blockPool, self._prepareWorkers, self._checkpointer);
            }, this);
            lock (writer.Gate)
            {
                if (writer.Closed)
                {
                    // Closed as idle or dropped between the look-up and the lock: open it again.
                    _writers.TryRemove(new KeyValuePair<string, PartitionWriter>(path, writer));
                    continue;
                }

                writer.Write(distinct);
                writer.LastUsedTicks = _time.GetTimestamp();
                return;
            }
        }
    }

    private static bool StrictlyIncreasing(List<EventRecord> events)
    {
        for (var i = 1; i < events.Count; i++)
        {
            if (events[i].Id <= events[i - 1].Id)
            {
                return false;
            }
        }

        return true;
    }

    private void CloseIdleWriters()
    {
        var now = _time.GetTimestamp();
        foreach (var (path, writer) in _writers)
        {
            if (_time.GetElapsedTime(writer.LastUsedTicks, now) < _options.IdleClose || !Monitor.TryEnter(writer.Gate))
            {
                continue;
            }

            try
            {
                if (_time.GetElapsedTime(writer.LastUsedTicks, now) >= _options.IdleClose)
                {
                    _writers.TryRemove(new KeyValuePair<string, PartitionWriter>(path, writer));
                    writer.Dispose();
                }
            }
            finally
            {
                Monitor.Exit(writer.Gate);
            }
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<EventRecord> ScanAsync(EventScan scan, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(scan);
        var from = scan.From?.UtcTicks ?? long.MinValue;
        var to = scan.To?.UtcTicks ?? long.MaxValue;
        if (from >= to)
        {
            yield break;
        }

        var now = _time.GetUtcNow();
        var pending = new List<PartitionInfo>();
        foreach (var (key, path) in Partitions(scan.Scope))
        {
            if (ReadMeta(path) is { } meta && meta.Count > 0 && meta.MaxTs >= from && meta.MinTs < to)
            {
                pending.Add(meta with { Key = key, Path = path });
            }
        }

        // Newest partitions first; a partition is opened only once the merge reaches its newest event.
        pending.Sort(static (a, b) => b.MaxTs.CompareTo(a.MaxTs));
        var next = 0;
        var queue = new PriorityQueue<PartitionCursor, (long Ts, long Id)>(Comparer<(long Ts, long Id)>.Create(static (a, b) => b.CompareTo(a)));
        var open = new List<PartitionCursor>();
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var hasTop = queue.TryPeek(out _, out var top);
                while (next < pending.Count && (!hasTop || pending[next].MaxTs >= top.Ts))
                {
                    var cursor = PartitionCursor.Open(pending[next], from, to, scan.Filter, now);
                    next++;
                    if (cursor is null)
                    {
                        continue;
                    }

                    open.Add(cursor);
                    if (cursor.MoveNext())
                    {
                        queue.Enqueue(cursor, (cursor.Ts, cursor.Id));
                    }

                    hasTop = queue.TryPeek(out _, out top);
                }

                if (!queue.TryDequeue(out var best, out _))
                {
                    yield break;
                }

                Interlocked.Increment(ref _rowsFetched);
                var record = best.Read();
                if (best.MoveNext())
                {
                    queue.Enqueue(best, (best.Ts, best.Id));
                }

                yield return record;
                await Task.CompletedTask.ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var cursor in open)
            {
                cursor.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public Task<RetentionResult> DropBeforeAsync(string tenantId, DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        PartitionKey.ValidateTenant(tenantId);
        var dropped = 0;
        long events = 0;
        foreach (var (key, path) in Partitions(TenantScope.Only(tenantId)))
        {
            cancellationToken.ThrowIfCancellationRequested();

            // The whole day [day, day+1) must be before the cutoff.
            if (key.Day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) > cutoff.UtcDateTime)
            {
                continue;
            }

            CloseWriter(path);
            events += ReadMeta(path)?.Count ?? 0;
            foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
            {
                File.Delete(path + suffix);
            }

            dropped++;
        }

        return Task.FromResult(new RetentionResult(dropped, events));
    }

    private void CloseWriter(string path)
    {
        if (_writers.TryRemove(path, out var writer))
        {
            lock (writer.Gate)
            {
                writer.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public Task<long> CountAsync(TenantScope scope, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long count = 0;
        foreach (var (_, path) in Partitions(scope))
        {
            cancellationToken.ThrowIfCancellationRequested();
            count += ReadMeta(path)?.Count ?? 0;
        }

        return Task.FromResult(count);
    }

    /// <summary>
    /// Per tenant of the scope with events: how many, the range of their <c>@timestamp</c> and the first and last day
    /// of receipt kept (the days retention drops whole). From each partition's summary row; no event is read.
    /// </summary>
    public Task<IReadOnlyList<TenantEventSummary>> SummarizeAsync(TenantScope scope, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var summaries = new List<TenantEventSummary>();
        foreach (var partitions in Partitions(scope).GroupBy(p => p.Key.TenantId, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var kept = partitions.Select(p => (p.Key.Day, Meta: ReadMeta(p.Path))).Where(p => p.Meta is { Count: > 0 }).ToList();
            if (kept.Count > 0)
            {
                summaries.Add(new TenantEventSummary(
                    partitions.Key,
                    kept.Sum(p => p.Meta!.Count),
                    new DateTimeOffset(kept.Min(p => p.Meta!.MinTs), TimeSpan.Zero),
                    new DateTimeOffset(kept.Max(p => p.Meta!.MaxTs), TimeSpan.Zero),
                    kept.Min(p => p.Day),
                    kept.Max(p => p.Day)));
            }
        }

        return Task.FromResult<IReadOnlyList<TenantEventSummary>>(summaries);
    }

    /// <summary>
    /// What sent the events received from <paramref name="receivedFrom"/> on: per tenant of the scope, each
    /// <c>host.name</c> and <c>log.format</c> seen together, with how many events and the last receipt. Reads the
    /// promoted columns of the days concerned (no event is decoded); host names differing only in case are one host.
    /// </summary>
    public Task<IReadOnlyList<EventSourceActivity>> SourcesAsync(TenantScope scope, DateTimeOffset receivedFrom, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var from = receivedFrom.UtcTicks;
        var firstDay = DateOnly.FromDateTime(receivedFrom.UtcDateTime);
        var sources = new Dictionary<(string Tenant, string? Host, string? Format), (long Events, long Last)>(SourceKeyComparer.Instance);
        foreach (var (key, path) in Partitions(scope))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (key.Day < firstDay)
            {
                continue;
            }

            try
            {
                using var connection = PartitionCursor.OpenReadOnly(path);
                using var command = connection.CreateCommand();

                // A column holds a text or a number when the field is one; anything else (X'00') is no name.
                command.CommandText = """
                    SELECT CASE typeof(host_name) WHEN 'text' THEN host_name WHEN 'integer' THEN CAST(host_name AS TEXT) END,
                           CASE typeof(log_format) WHEN 'text' THEN log_format END,
                           count(*), max(received)
                    FROM events WHERE received >= $from GROUP BY 1, 2
                    """;
                command.Parameters.AddWithValue("$from", from);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var source = (key.TenantId, reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
                    var (events, last) = sources.GetValueOrDefault(source);
                    sources[source] = (events + reader.GetInt64(2), Math.Max(last, reader.GetInt64(3)));
                }
            }
            catch (SqliteException)
            {
                // As in ReadMeta: a file a writer is creating has no table yet, so nothing committed in it.
            }
        }

        return Task.FromResult<IReadOnlyList<EventSourceActivity>>(
            [.. sources.Select(s => new EventSourceActivity(s.Key.Tenant, s.Key.Host, s.Key.Format, s.Value.Events, new DateTimeOffset(s.Value.Last, TimeSpan.Zero)))]);
    }

    /// <summary>The partition files of the tenants in scope. Never leaves the events directory.</summary>
    private IEnumerable<(PartitionKey Key, string Path)> Partitions(TenantScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        IEnumerable<string> tenants;
        if (scope.Tenants is { } listed)
        {
            foreach (var tenant in listed)
            {
                PartitionKey.ValidateTenant(tenant);
            }

            tenants = listed;
        }
        else
        {
            tenants = Directory.EnumerateDirectories(_eventsDirectory)
                .Select(Path.GetFileName)
                .Where(name => name is not null && Tenant.IsValidId(name))
                .Select(name => name!)
                .ToList();
        }

        foreach (var tenant in tenants)
        {
            var directory = Path.Combine(_eventsDirectory, tenant);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            var files = Directory.EnumerateFiles(directory, "*.db").Order(StringComparer.Ordinal).ToList();
            foreach (var file in files)
            {
                if (PartitionKey.TryParse(tenant, Path.GetFileName(file), out var key))
                {
                    yield return (key, file);
                }
            }
        }
    }

    private static PartitionInfo? ReadMeta(string path)
    {
        try
        {
            using var connection = PartitionCursor.OpenReadOnly(path);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT min_ts, max_ts, count, fts, (SELECT user_version FROM pragma_user_version) FROM meta WHERE k = 0";
            using var reader = command.ExecuteReader();
            if (!reader.Read() || reader.IsDBNull(0))
            {
                return null;
            }

            return new PartitionInfo(default, path, reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), (FullTextIndex)reader.GetInt64(3),
                reader.GetInt64(4) >= Schema.BinaryFieldsVersion);
        }
        catch (SqliteException)
        {
            // A file being created by a writer has no schema yet (or was just dropped): nothing committed in it.
            return null;
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;
        }

        _disposed = true;
        foreach (var path in _writers.Keys.ToList())
        {
            CloseWriter(path);
        }

        _prepareWorkers.Dispose();
        _checkpointer.Dispose();
        _blockPool.Dispose();

        return ValueTask.CompletedTask;
    }
}

/// <summary>A tenant's stored events (<see cref="SqliteEventStore.SummarizeAsync"/>): <c>@timestamp</c> range and receipt days kept.</summary>
public sealed record TenantEventSummary(string TenantId, long Events, DateTimeOffset OldestEvent, DateTimeOffset NewestEvent, DateOnly FirstDay, DateOnly LastDay);

/// <summary>A host and format that sent a tenant events (<see cref="SqliteEventStore.SourcesAsync"/>); null where the events had none.</summary>
public sealed record EventSourceActivity(string TenantId, string? HostName, string? LogFormat, long Events, DateTimeOffset LastReceived);

/// <summary>Tenant and format as stored, host names ignoring case (the column compares them NOCASE too).</summary>
internal sealed class SourceKeyComparer : IEqualityComparer<(string Tenant, string? Host, string? Format)>
{
    public static SourceKeyComparer Instance { get; } = new();

    public bool Equals((string Tenant, string? Host, string? Format) x, (string Tenant, string? Host, string? Format) y) =>
        x.Tenant == y.Tenant && x.Format == y.Format && string.Equals(x.Host, y.Host, StringComparison.OrdinalIgnoreCase);

    public int GetHashCode((string Tenant, string? Host, string? Format) obj) =>
        HashCode.Combine(obj.Tenant, obj.Format, obj.Host is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Host));
}

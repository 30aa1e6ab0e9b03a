using System.Text;

using SQLitePCL;

using Yagura.Core.Events;
using Yagura.Core.Search;

namespace Yagura.Storage.Sqlite.Internal;

/// <summary>
/// The one writer connection of a partition file, with its prepared statements kept open between batches. Uses the
/// raw SQLite API: per row it costs a few native calls instead of ADO.NET's parameter objects and boxing.
/// Not thread-safe; the store serialises use with <see cref="Gate"/>.
/// </summary>
internal sealed class PartitionWriter : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _insertOne;
    private readonly sqlite3_stmt _insertMany;
    private readonly sqlite3_stmt? _ftsOne;
    private readonly sqlite3_stmt? _ftsMany;
    private readonly sqlite3_stmt _maxInRange;
    private readonly sqlite3_stmt _updateMeta;
    private readonly sqlite3_stmt _begin;
    private readonly sqlite3_stmt _commit;
    private readonly sqlite3_stmt _rollback;
    private readonly int _rowsPerStatement;
    private readonly FullTextIndex _fullText;
    private readonly sqlite3_stmt? _insertBlock;
    private readonly int _blockSize;
    private readonly PreparedBlockPool _pool;
    private readonly PrepareWorkers _workers;
    private readonly List<PreparedBlock> _prepared = [];
    private readonly PartitionCheckpoint _checkpoint;
    private readonly FieldNameTable? _names;
    private readonly sqlite3_stmt _insertName;
    private long _bytesSinceCheckpoint;
    private long _bytesSinceRestart;
    private PrepareJob? _job;
    private PreparedBlock? _rowBlock;
    private int _rowBlockIndex = -1;
    private byte[] _scratch = new byte[8192];

    /// <summary>Bytes committed between checkpoint requests (SQLite's own automatic checkpoint is at ~8 MB here).</summary>
    private const long CheckpointBytes = 16L * 1024 * 1024;

    /// <summary>
    /// Bytes committed after which the writer waits for a checkpoint, so that its next transaction restarts the WAL.
    /// A writer that never pauses would otherwise never find the WAL fully copied, and the WAL would grow for ever.
    /// </summary>
    private const long RestartBytes = 256L * 1024 * 1024;

    private PartitionWriter(string path, SqliteEventStoreOptions options, PreparedBlockPool pool, PrepareWorkers workers, WalCheckpointer checkpointer)
    {
        Path = path;
        _pool = pool;
        _workers = workers;
        _rowsPerStatement = Math.Max(1, options.RowsPerStatement);
        _blockSize = Math.Max(1, options.BloomBlockSize);
        Check(raw.sqlite3_open_v2(path, out _db, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_CREATE | raw.SQLITE_OPEN_NOMUTEX, null), null);
        try
        {
            raw.sqlite3_busy_timeout(_db, 10_000);
            Exec($"PRAGMA page_size = {options.PageSize}");
            Exec("PRAGMA journal_mode = WAL");
            Exec("PRAGMA synchronous = NORMAL");
            Exec($"PRAGMA cache_size = -{options.CacheSizeKiB}");
            Exec("PRAGMA temp_store = MEMORY");
            Exec("PRAGMA wal_autocheckpoint = 0"); // the WalCheckpointer's thread does it
            Exec($"PRAGMA journal_size_limit = {RestartBytes / 4}");
            Exec("BEGIN IMMEDIATE");
            var created = QueryLong("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'events'") == 0;
            foreach (var statement in Schema.CreateStatements(options))
            {
                Exec(statement);
            }

            if (created)
            {
                Exec($"PRAGMA user_version = {Schema.Version}");
            }

            Exec("COMMIT");

            // A file keeps the format it was created with.
            _names = QueryLong("PRAGMA user_version") >= Schema.BinaryFieldsVersion ? FieldNameTable.Load(_db) : null;

            // A file created with full text off keeps it off (and the other way round): its meta row says so.
            _fullText = (FullTextIndex)QueryLong("SELECT fts FROM meta WHERE k = 0");

            var columns = string.Join(", ", Schema.InsertColumns);
            var oneRow = "(" + string.Join(", ", Enumerable.Repeat("?", Schema.InsertColumns.Length)) + ")";
            _insertOne = Prepare($"INSERT OR IGNORE INTO events({columns}) VALUES {oneRow}");
            _insertMany = Prepare($"INSERT OR IGNORE INTO events({columns}) VALUES {string.Join(", ", Enumerable.Repeat(oneRow, _rowsPerStatement))}");
            if (_fullText == FullTextIndex.BlockBloom)
            {
                _insertBlock = Prepare("INSERT INTO blocks(id_min, id_max, bloom) VALUES (?, ?, ?)");
            }

            if (_fullText == FullTextIndex.Fts5)
            {
                _ftsOne = Prepare("INSERT INTO fts(rowid, text) VALUES (?, ?)");
                _ftsMany = Prepare($"INSERT INTO fts(rowid, text) VALUES {string.Join(", ", Enumerable.Repeat("(?, ?)", _rowsPerStatement))}");
            }

            _maxInRange = Prepare("SELECT max(id) FROM events WHERE id BETWEEN ? AND ?");
            _updateMeta = Prepare(
                "UPDATE meta SET min_ts = min(coalesce(min_ts, ?1), ?1), max_ts = max(coalesce(max_ts, ?2), ?2), count = count + ?3 WHERE k = 0");
            _insertName = Prepare("INSERT OR IGNORE INTO field_names(id, name) VALUES (?, ?)");
            _begin = Prepare("BEGIN IMMEDIATE");
            _commit = Prepare("COMMIT");
            _rollback = Prepare("ROLLBACK");
            _checkpoint = new PartitionCheckpoint(path, checkpointer);
        }
        catch
        {
            _db.Dispose();
            throw;
        }
    }

    public string Path { get; }

    public object Gate { get; } = new();

    public long LastUsedTicks { get; set; }

    public bool Closed { get; private set; }

    public static PartitionWriter Open(string path, SqliteEventStoreOptions options, PreparedBlockPool pool, PrepareWorkers workers, WalCheckpointer checkpointer) =>
        new(path, options, pool, workers, checkpointer);

    /// <summary>Makes every committed write durable (see <see cref="PartitionCheckpoint"/>).</summary>
    public Task FlushAsync() => _checkpoint.FlushAsync();

    /// <summary>Writes events (all of this partition, sorted by id, distinct) in one transaction; returns rows added.</summary>
    public long Write(List<EventRecord> events)
    {
        ObjectDisposedException.ThrowIf(Closed, this);
        _job = StartPreparing(events);
        try
        {
            return WriteTransaction(events);
        }
        finally
        {
            _job.Drain();
            _job = null;
            _rowBlock = null;
            _rowBlockIndex = -1;
            foreach (var block in _prepared)
            {
                _pool.Return(block);
            }

            _prepared.Clear();
        }
    }

    private long WriteTransaction(List<EventRecord> events)
    {
        Step(_begin);
        try
        {
            long minTs = long.MaxValue, maxTs = long.MinValue;
            foreach (var e in events)
            {
                var ts = e.Timestamp.UtcTicks;
                minTs = Math.Min(minTs, ts);
                maxTs = Math.Max(maxTs, ts);
            }

            // Ids come from the spool position, so a fresh batch never overlaps what is stored and takes the multi-row
            // fast path. A replay after a crash goes row by row, skipping what exists, up to the highest id already
            // stored; a partition receives its events in id order, so whatever lies above that is new.
            raw.sqlite3_bind_int64(_maxInRange, 1, events[0].Id);
            raw.sqlite3_bind_int64(_maxInRange, 2, events[^1].Id);
            var storedUpTo = Step(_maxInRange) == raw.SQLITE_ROW && raw.sqlite3_column_type(_maxInRange, 0) != raw.SQLITE_NULL
                ? raw.sqlite3_column_int64(_maxInRange, 0)
                : long.MinValue;
            raw.sqlite3_reset(_maxInRange);
            var replayed = 0;
            while (replayed < events.Count && events[replayed].Id <= storedUpTo)
            {
                replayed++;
            }

            var added = WriteOneByOne(events, replayed) + WriteFresh(events, replayed);
            if (_insertBlock is not null && added > 0)
            {
                WriteBlooms(events);
            }

            raw.sqlite3_bind_int64(_updateMeta, 1, minTs);
            raw.sqlite3_bind_int64(_updateMeta, 2, maxTs);
            raw.sqlite3_bind_int64(_updateMeta, 3, added);
            Step(_updateMeta);
            var names = InsertNewFieldNames();
            Step(_commit);
            _names?.Committed(names);
            AfterCommit();
            return added;
        }
        catch
        {
            raw.sqlite3_reset(_insertOne);
            raw.sqlite3_reset(_insertMany);
            if (_ftsOne is not null)
            {
                raw.sqlite3_reset(_ftsOne);
                raw.sqlite3_reset(_ftsMany);
            }

            raw.sqlite3_step(_rollback);
            raw.sqlite3_reset(_rollback);
            throw;
        }
    }

    /// <summary>
    /// Starts the CPU-only work of a write (encoding rows and fields, Bloom filters) on the store's helper threads, a block
    /// at a time: a block per Bloom block (so each filter is built by one thread from exactly the events it covers),
    /// or of 256 events without Bloom filters. The transaction inserts each block as soon as it is ready.
    /// </summary>
    private PrepareJob StartPreparing(List<EventRecord> events)
    {
        var bloom = _insertBlock is not null;
        var size = bloom ? _blockSize : 256;
        var count = (events.Count + size - 1) / size;
        while (_prepared.Count < count)
        {
            _prepared.Add(_pool.Rent());
        }

        var job = new PrepareJob(events, _prepared, size, bloom, _names);
        if (count > 1)
        {
            _workers.Post(job);
        }

        return job;
    }

    /// <summary>Inserts the field names numbered for this write (and any a failed write left); returns how many.</summary>
    private int InsertNewFieldNames()
    {
        if (_names is null)
        {
            return 0;
        }

        var names = _names.Uncommitted();
        foreach (var (id, name) in names)
        {
            raw.sqlite3_bind_int(_insertName, 1, id);
            raw.sqlite3_bind_text(_insertName, 2, name);
            Step(_insertName);
        }

        return names.Count;
    }

    private void AfterCommit()
    {
        long bytes = 0;
        for (var b = 0; b < _job!.Count; b++)
        {
            bytes += _job.Get(b).EncodedBytes;
        }

        _bytesSinceCheckpoint += bytes;
        _bytesSinceRestart += bytes;
        if (_bytesSinceRestart >= RestartBytes)
        {
            _bytesSinceCheckpoint = _bytesSinceRestart = 0;
            try
            {
                _checkpoint.FlushAsync().GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The batch is committed; a failed checkpoint only leaves the WAL longer, and flushes report it.
            }
        }
        else if (_bytesSinceCheckpoint >= CheckpointBytes)
        {
            _bytesSinceCheckpoint = 0;
            _checkpoint.Request();
        }
    }

    private void BindEvent(sqlite3_stmt stmt, int offset, int index)
    {
        var blockIndex = index / _job!.BlockSize;
        if (blockIndex != _rowBlockIndex)
        {
            _rowBlock = _job.Get(blockIndex);
            _rowBlockIndex = blockIndex;
        }

        _rowBlock!.Bind(stmt, offset, index - (blockIndex * _job.BlockSize));
    }

    /// <summary>Inserts the events from <paramref name="from"/> on, known not to be stored.</summary>
    private long WriteFresh(List<EventRecord> events, int from)
    {
        var i = from;
        var perStatement = _rowsPerStatement;
        for (; i + perStatement <= events.Count; i += perStatement)
        {
            for (var r = 0; r < perStatement; r++)
            {
                BindEvent(_insertMany, r * Schema.InsertColumns.Length, i + r);
            }

            Step(_insertMany);
            if (_ftsMany is not null)
            {
                for (var r = 0; r < perStatement; r++)
                {
                    BindFts(_ftsMany, r * 2, events[i + r]);
                }

                Step(_ftsMany);
            }
        }

        for (; i < events.Count; i++)
        {
            BindEvent(_insertOne, 0, i);
            Step(_insertOne);
            if (_ftsOne is not null)
            {
                BindFts(_ftsOne, 0, events[i]);
                Step(_ftsOne);
            }
        }

        return events.Count - from;
    }

    /// <summary>Inserts the events before <paramref name="to"/> that are not stored yet.</summary>
    private long WriteOneByOne(List<EventRecord> events, int to)
    {
        long added = 0;
        for (var i = 0; i < to; i++)
        {
            var e = events[i];
            BindEvent(_insertOne, 0, i);
            Step(_insertOne);
            if (raw.sqlite3_changes(_db) == 0)
            {
                continue;
            }

            added++;
            if (_ftsOne is not null)
            {
                BindFts(_ftsOne, 0, e);
                Step(_ftsOne);
            }
        }

        return added;
    }

    /// <summary>
    /// Adds the Bloom filters of the events' tokens, a block per <see cref="_blockSize"/> events. On a replay this
    /// covers events already stored too: harmless, a filter only has to include what its id range holds.
    /// </summary>
    private void WriteBlooms(List<EventRecord> events)
    {
        for (var b = 0; b < _job!.Count; b++)
        {
            var block = _job.Get(b);
            raw.sqlite3_bind_int64(_insertBlock, 1, events[block.Start].Id);
            raw.sqlite3_bind_int64(_insertBlock, 2, events[block.Start + block.Count - 1].Id);
            raw.sqlite3_bind_blob(_insertBlock, 3, block.Bloom);
            Step(_insertBlock!);
        }
    }

    private void BindFts(sqlite3_stmt stmt, int offset, EventRecord e)
    {
        raw.sqlite3_bind_int64(stmt, offset + 1, e.Id);
        var message = e.Message;
        if (string.IsNullOrEmpty(message) || ContainsAsWords(e.Original, message))
        {
            BindText(stmt, offset + 2, e.Original);
            return;
        }

        var needed = Encoding.UTF8.GetMaxByteCount(e.Original.Length + message.Length + 1);
        EnsureScratch(needed);
        var n = Encoding.UTF8.GetBytes(e.Original, _scratch);
        _scratch[n++] = (byte)'\n';
        n += Encoding.UTF8.GetBytes(message, _scratch.AsSpan(n));
        raw.sqlite3_bind_text(stmt, offset + 2, _scratch.AsSpan(0, n));
    }

    /// <summary>
    /// True when every token of <paramref name="part"/> is a token of <paramref name="whole"/>: the part occurs in the
    /// whole, not glued to token characters on either side. Then indexing the whole alone finds the part's words.
    /// </summary>
    internal static bool ContainsAsWords(string whole, string part)
    {
        var from = 0;
        while (true)
        {
            var at = whole.IndexOf(part, from, StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }

            var end = at + part.Length;
            var leftOk = at == 0 || !TextTokens.IsTokenChar(whole[at - 1]) || !TextTokens.IsTokenChar(part[0]);
            var rightOk = end == whole.Length || !TextTokens.IsTokenChar(whole[end]) || !TextTokens.IsTokenChar(part[^1]);
            if (leftOk && rightOk)
            {
                return true;
            }

            from = at + 1;
        }
    }

    private void BindText(sqlite3_stmt stmt, int index, string? value)
    {
        if (value is null)
        {
            raw.sqlite3_bind_null(stmt, index);
            return;
        }

        EnsureScratch(Encoding.UTF8.GetMaxByteCount(value.Length));
        var n = Encoding.UTF8.GetBytes(value, _scratch);
        raw.sqlite3_bind_text(stmt, index, _scratch.AsSpan(0, n));
    }

    private void EnsureScratch(int size)
    {
        if (_scratch.Length < size)
        {
            _scratch = new byte[Math.Max(size, _scratch.Length * 2)];
        }
    }

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(_db, sql, out var stmt), sql);
        return stmt;
    }

    private void Exec(string sql) => Check(raw.sqlite3_exec(_db, sql), sql);

    private long QueryLong(string sql)
    {
        using var stmt = Prepare(sql);
        Step(stmt);
        return raw.sqlite3_column_int64(stmt, 0);
    }

    private int Step(sqlite3_stmt stmt)
    {
        var rc = raw.sqlite3_step(stmt);
        if (rc is not (raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            var message = raw.sqlite3_errmsg(_db).utf8_to_string();
            raw.sqlite3_reset(stmt);
            throw new IOException($"SQLite error {rc} writing {Path}: {message}");
        }

        if (rc == raw.SQLITE_DONE)
        {
            raw.sqlite3_reset(stmt);
        }

        return rc;
    }

    private void Check(int rc, string? sql)
    {
        if (rc != raw.SQLITE_OK)
        {
            var message = _db is null ? "" : raw.sqlite3_errmsg(_db).utf8_to_string();
            throw new IOException($"SQLite error {rc} on {Path}{(sql is null ? "" : $" ({sql})")}: {message}");
        }
    }

    public void Dispose()
    {
        if (Closed)
        {
            return;
        }

        Closed = true;
        foreach (var stmt in new[] { _insertOne, _insertMany, _ftsOne, _ftsMany, _insertBlock, _maxInRange, _insertName, _updateMeta, _begin, _commit, _rollback })
        {
            stmt?.Dispose();
        }

        raw.sqlite3_close_v2(_db);
        _db.Dispose();
        _checkpoint.Dispose();
    }
}

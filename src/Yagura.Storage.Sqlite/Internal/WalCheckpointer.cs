using System.Collections.Concurrent;

using SQLitePCL;

using Yagura.Core.Threading;

namespace Yagura.Storage.Sqlite.Internal;

/// <summary>
/// The store's one checkpoint thread: copies committed WAL frames of the partitions into their database files and
/// makes them durable, so that partition writers never wait for a disk flush. Writers only append to their WAL
/// (<c>wal_autocheckpoint = 0</c>); fsync, which blocked the writer thread on every automatic checkpoint, happens here.
/// </summary>
internal sealed class WalCheckpointer : IDisposable
{
    private readonly BlockingCollection<(PartitionCheckpoint Target, TaskCompletionSource? Done)> _requests = [];
    private readonly Thread _thread;

    public WalCheckpointer() => _thread = BackgroundPriority.Start("Yagura checkpoint", Run);

    /// <summary>Queues a checkpoint of <paramref name="target"/>; <paramref name="done"/> completes once it is durable.</summary>
    public void Post(PartitionCheckpoint target, TaskCompletionSource? done)
    {
        try
        {
            _requests.Add((target, done));
        }
        catch (InvalidOperationException)
        {
            done?.TrySetException(new ObjectDisposedException(nameof(WalCheckpointer)));
        }
    }

    private void Run()
    {
        foreach (var (target, done) in _requests.GetConsumingEnumerable())
        {
            try
            {
                target.Run(durable: done is not null);
                done?.TrySetResult();
            }
            catch (IOException e)
            {
                // A plain request that failed is retried by the next one; a flush reports it to its caller.
                done?.TrySetException(e);
            }
        }
    }

    /// <summary>Runs what is queued, then stops the thread.</summary>
    public void Dispose()
    {
        _requests.CompleteAdding();
        _thread.Join();
        _requests.Dispose();
    }
}

/// <summary>
/// Checkpoints of one partition file, on a connection of their own (used only by the <see cref="WalCheckpointer"/>
/// thread, opened on first use). Passive checkpoints never block the writer or readers.
/// </summary>
/// <remarks>
/// Durability: this connection runs with <c>synchronous = NORMAL</c>, so a checkpoint syncs the WAL before copying
/// frames and the database file before it lets the WAL be restarted; a flush also syncs the WAL itself, which covers
/// frames a reader's snapshot kept from being copied. The writer's own WAL restart happens only after a complete
/// (synced) checkpoint, and it syncs the new WAL header (the writer runs with <c>synchronous = NORMAL</c> too).
/// </remarks>
internal sealed class PartitionCheckpoint(string path, WalCheckpointer checkpointer) : IDisposable
{
    private readonly object _gate = new();
    private sqlite3? _db;
    private int _queued;
    private bool _closed;

    /// <summary>Asks for a checkpoint unless one is already queued.</summary>
    public void Request()
    {
        if (Interlocked.Exchange(ref _queued, 1) == 0)
        {
            checkpointer.Post(this, null);
        }
    }

    /// <summary>Checkpoints and makes every committed transaction durable.</summary>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        checkpointer.Post(this, done);
        return done.Task;
    }

    internal void Run(bool durable)
    {
        Volatile.Write(ref _queued, 0);
        lock (_gate)
        {
            if (_closed)
            {
                return; // closing the partition checkpointed and synced it
            }

            _db ??= Open(path);
            var rc = raw.sqlite3_wal_checkpoint_v2(_db, "main", raw.SQLITE_CHECKPOINT_PASSIVE, out _, out _);
            if (rc is not (raw.SQLITE_OK or raw.SQLITE_BUSY))
            {
                throw new IOException($"SQLite error {rc} checkpointing {path}: {raw.sqlite3_errmsg(_db).utf8_to_string()}");
            }

            if (durable)
            {
                SyncWal();
            }
        }
    }

    private void SyncWal()
    {
        try
        {
            using var wal = File.OpenHandle(path + "-wal", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            RandomAccess.FlushToDisk(wal);
        }
        catch (FileNotFoundException)
        {
            // No WAL: everything is in the database file, which the checkpoint synced.
        }
    }

    private static sqlite3 Open(string path)
    {
        var rc = raw.sqlite3_open_v2(path, out var db, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_NOMUTEX, null);
        if (rc != raw.SQLITE_OK)
        {
            db.Dispose();
            throw new IOException($"SQLite error {rc} opening {path} for checkpoints");
        }

        raw.sqlite3_busy_timeout(db, 10_000);

        // Until a connection has read the file it does not know the file is in WAL mode: a checkpoint on it would
        // silently do nothing.
        foreach (var sql in new[] { "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL" })
        {
            rc = raw.sqlite3_exec(db, sql, null, null, out var error);
            if (rc != raw.SQLITE_OK)
            {
                db.Dispose();
                throw new IOException($"SQLite error {rc} on {path} ({sql}): {error}");
            }
        }

        return db;
    }

    /// <summary>
    /// Closes the connection after the writer's: as the last one on the file it checkpoints everything, syncs and
    /// removes the WAL.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            if (_db is not null)
            {
                raw.sqlite3_close_v2(_db);
                _db.Dispose();
                _db = null;
            }
        }
    }
}

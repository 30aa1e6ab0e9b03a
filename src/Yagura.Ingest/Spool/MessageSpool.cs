using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Yagura.Ingest.Spool.Internal;

namespace Yagura.Ingest.Spool;

/// <summary>
/// The durable spool: a message is accepted once it is appended here, and processing reads it back at least once.
/// A record's position (a global byte offset, &gt; 0, never reused) is its event id.
/// </summary>
/// <remarks>
/// Named <c>MessageSpool</c> rather than <c>Spool</c> so that code in other <c>Yagura.Ingest.*</c> namespaces can
/// name it without the namespace <c>Yagura.Ingest.Spool</c> getting in the way.
/// <para>
/// Files: <c>{base:D20}.seg</c> segments, where base is the global position of the segment's first byte (a
/// segment starts with a 16-byte header, so its first record is at base + 16 and the very first one at 16);
/// <c>checkpoint</c> holds the position up to which everything is processed; <c>lock</c> keeps a second process out.
/// </para>
/// <para>
/// One writer thread takes queued batches, writes them with one gathered write per round, and fsyncs at most once
/// per <see cref="SpoolOptions.FlushInterval"/> (group commit); then it advances <see cref="DurablePosition"/>,
/// completes the batches' <see cref="SpoolAppend.Durable"/> tasks and wakes the readers. A write or fsync error
/// stops the spool: the batches not yet durable fault with the <see cref="IOException"/>, and so does every later
/// append; reopening recovers everything that was durable.
/// </para>
/// </remarks>
public sealed class MessageSpool : IAsyncDisposable
{
    internal const int SegmentHeaderSize = 16;
    private const string SegmentExtension = ".seg";
    private const string CheckpointFile = "checkpoint";
    private const int MaxBuffersPerWrite = 256;
    private static ReadOnlySpan<byte> SegmentMagic => "YGRSPOOL"u8;

    private readonly SpoolOptions _options;
    private readonly TimeProvider _time;
    private readonly string _directory;
    private readonly SafeFileHandle _lock;
    private readonly ITimer _flushTimer;
    private readonly Thread _writer;
    private readonly TaskCompletionSource _writerExited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _commitGate = new(1, 1);

    // Guarded by _gate: the queue, back-pressure and position assignment.
    private readonly object _gate = new();
    private readonly Queue<AppendWaiter> _waiters = new();
    private List<PendingWrite> _queue = [];
    private long _queuedBytes;
    private long _assignBase;
    private long _assignLength;
    private bool _stopping;
    private bool _writerWaiting;
    private Exception? _fault;

    // Writer thread only.
    private readonly List<PendingWrite> _unflushed = [];
    private readonly List<ReadOnlyMemory<byte>> _gather = [];
    private SafeFileHandle _segment;
    private long _segmentBase;
    private long _segmentLength;
    private long _unflushedBytes;
    private long _lastFlush;

    // Read by anyone.
    private long[] _segments;
    private long _durablePosition;
    private long _checkpointPosition;
    private TaskCompletionSource _durableSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _closed;
    private long _recordsAppended;
    private long _bytesAppended;
    private long _fsyncs;
    private long _corruptSkipped;
    private readonly long _tailBytesTruncated;

    private MessageSpool(SpoolOptions options, TimeProvider time, SafeFileHandle lockHandle, long[] segments, SafeFileHandle last, long lastLength, long checkpoint, long truncated)
    {
        _options = options;
        _time = time;
        _directory = options.Directory;
        _lock = lockHandle;
        _segments = segments;
        _segment = last;
        _segmentBase = segments[^1];
        _segmentLength = lastLength;
        _assignBase = _segmentBase;
        _assignLength = lastLength;
        _durablePosition = _segmentBase + lastLength;
        _checkpointPosition = checkpoint;
        _tailBytesTruncated = truncated;
        _lastFlush = time.GetTimestamp();
        _flushTimer = time.CreateTimer(static state => ((MessageSpool)state!).OnFlushTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _writer = new Thread(WriterLoop) { IsBackground = true, Name = "Yagura spool writer" };
        _writer.Start();
    }

    /// <summary>The end of everything appended so far, durable or not yet: a drain waits until processing reaches it.</summary>
    public long AppendedPosition
    {
        get
        {
            lock (_gate)
            {
                return _assignBase + _assignLength;
            }
        }
    }

    /// <summary>The end of fsync'd data: every record before it survives a crash. Readers never read past it.</summary>
    public long DurablePosition => Volatile.Read(ref _durablePosition);

    /// <summary>Everything before this position is processed (persisted by <see cref="CommitAsync"/>).</summary>
    public long CheckpointPosition => Volatile.Read(ref _checkpointPosition);

    public SpoolStats Stats => new(
        Interlocked.Read(ref _recordsAppended),
        Interlocked.Read(ref _bytesAppended),
        Interlocked.Read(ref _fsyncs),
        Interlocked.Read(ref _corruptSkipped),
        Volatile.Read(ref _segments).Length,
        _tailBytesTruncated);

    internal long[] Segments => Volatile.Read(ref _segments);

    internal Task DurableSignal => Volatile.Read(ref _durableSignal).Task;

    internal bool IsClosed => _closed;

    internal int ReadBufferBytes => _options.ReadBufferBytes;

    internal void CountCorrupt(int regions) => Interlocked.Add(ref _corruptSkipped, regions);

    internal string SegmentPath(long segmentBase) => Path.Combine(_directory, segmentBase.ToString("D20", CultureInfo.InvariantCulture) + SegmentExtension);

    /// <summary>
    /// Opens (or creates) the spool in <see cref="SpoolOptions.Directory"/> and recovers it: the last segment is
    /// scanned and a torn last record cut off, so appends continue right after the last complete record.
    /// </summary>
    /// <exception cref="IOException">The directory is used by another spool, or cannot be read or written.</exception>
    public static MessageSpool Open(SpoolOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        var directory = options.Directory;
        Directory.CreateDirectory(directory);

        SafeFileHandle lockHandle;
        try
        {
            lockHandle = File.OpenHandle(Path.Combine(directory, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"The spool directory '{directory}' is in use by another spool.", e);
        }

        try
        {
            File.Delete(Path.Combine(directory, CheckpointFile + ".tmp"));
            var segments = ListSegments(directory);
            SafeFileHandle last;
            long lastLength;
            long truncated = 0;
            if (segments.Count == 0)
            {
                segments.Add(0);
                last = CreateSegment(directory, 0);
                lastLength = SegmentHeaderSize;
            }
            else
            {
                (last, lastLength, truncated) = RecoverSegment(directory, segments[^1], options.ReadBufferBytes);
            }

            var end = segments[^1] + lastLength;
            var first = segments[0] + SegmentHeaderSize;
            var checkpoint = Math.Clamp(ReadCheckpoint(directory) ?? first, first, end);
            var spool = new MessageSpool(options, time, lockHandle, [.. segments], last, lastLength, checkpoint, truncated);
            spool.DeleteSegmentsBefore(checkpoint);
            return spool;
        }
        catch
        {
            lockHandle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Queues the batch for writing and takes its buffer over (the batch is left empty, ready for reuse). Completes
    /// as soon as the batch is queued, so positions are known at once; it waits only under back-pressure
    /// (<see cref="SpoolOptions.MaxPendingBytes"/>). Await <see cref="SpoolAppend.Durable"/> to know the batch is on disk.
    /// </summary>
    /// <exception cref="IOException">The spool stopped after a disk error.</exception>
    /// <exception cref="ObjectDisposedException">The spool is disposed.</exception>
    public ValueTask<SpoolAppend> AppendAsync(SpoolBatch batch, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ct.ThrowIfCancellationRequested();
        AppendWaiter waiter;
        lock (_gate)
        {
            ThrowIfStoppedLocked();
            if (batch.Count == 0)
            {
                var next = _assignBase + _assignLength;
                return ValueTask.FromResult(new SpoolAppend(next, next, 0, Task.CompletedTask));
            }

            if (_waiters.Count == 0 && Fits(batch.Bytes))
            {
                return ValueTask.FromResult(EnqueueLocked(batch));
            }

            waiter = new AppendWaiter(batch);
            _waiters.Enqueue(waiter);
        }

        return WaitForRoomAsync(waiter, ct);
    }

    private async ValueTask<SpoolAppend> WaitForRoomAsync(AppendWaiter waiter, CancellationToken ct)
    {
        await using var registration = ct.Register(
            static state =>
            {
                var (spool, w, token) = ((MessageSpool, AppendWaiter, CancellationToken))state!;
                lock (spool._gate)
                {
                    // Once granted the batch is queued and will be written: cancelling then would lie.
                    if (!w.Granted)
                    {
                        w.Cancelled = true;
                        w.Completion.TrySetCanceled(token);
                    }
                }
            },
            (this, waiter, ct));
        return await waiter.Completion.Task.ConfigureAwait(false);
    }

    private bool Fits(int bytes) => _queuedBytes == 0 || _queuedBytes + bytes <= _options.MaxPendingBytes;

    private SpoolAppend EnqueueLocked(SpoolBatch batch)
    {
        var bytes = batch.Bytes;
        var startsSegment = false;
        if (_assignLength > SegmentHeaderSize && _assignLength + bytes > _options.SegmentBytes)
        {
            _assignBase += _assignLength;
            _assignLength = SegmentHeaderSize;
            startsSegment = true;
        }

        var position = _assignBase + _assignLength;
        _assignLength += bytes;
        var count = batch.Count;
        var write = new PendingWrite(batch.Detach(), bytes, count, position, startsSegment ? _assignBase : -1);
        _queue.Add(write);
        _queuedBytes += bytes;
        if (_writerWaiting)
        {
            Monitor.Pulse(_gate);
        }

        return new SpoolAppend(position, position + bytes, count, write.Durable.Task);
    }

    /// <summary>Why the spool stopped accepting (a disk error), or null while it works.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    private void ThrowIfStoppedLocked()
    {
        if (_fault is not null)
        {
            throw new IOException($"The spool in '{_directory}' stopped after a disk error; nothing more is accepted until it is reopened. {_fault.Message}", _fault);
        }

        ObjectDisposedException.ThrowIf(_stopping, this);
    }

    /// <summary>Reads records from <paramref name="fromPosition"/> (the checkpoint when null), up to <see cref="DurablePosition"/>.</summary>
    public SpoolReader OpenReader(long? fromPosition = null) => new(this, fromPosition ?? CheckpointPosition);

    /// <summary>
    /// Records that everything before <paramref name="processedUpTo"/> (a <see cref="SpoolReadBatch.NextPosition"/>) is
    /// processed: writes the checkpoint atomically (temporary file, fsync, rename, directory fsync), then deletes the
    /// segments that lie entirely before it. Positions at or below the current checkpoint are ignored.
    /// Does synchronous file I/O: call it per processed batch, not per record.
    /// </summary>
    public async ValueTask CommitAsync(long processedUpTo, CancellationToken ct = default)
    {
        await _commitGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (processedUpTo <= CheckpointPosition)
            {
                return;
            }

            ArgumentOutOfRangeException.ThrowIfGreaterThan(processedUpTo, DurablePosition, nameof(processedUpTo));
            WriteCheckpoint(processedUpTo);
            Volatile.Write(ref _checkpointPosition, processedUpTo);
            DeleteSegmentsBefore(processedUpTo);
        }
        finally
        {
            _commitGate.Release();
        }
    }

    /// <summary>Writes and fsyncs everything queued, then closes the files. Readers return empty batches afterwards.</summary>
    public async ValueTask DisposeAsync()
    {
        List<AppendWaiter> refused;
        lock (_gate)
        {
            if (_stopping)
            {
                refused = [];
            }
            else
            {
                _stopping = true;
                refused = [.. _waiters];
                _waiters.Clear();
                Monitor.Pulse(_gate);
            }
        }

        foreach (var waiter in refused)
        {
            waiter.Completion.TrySetException(new ObjectDisposedException(nameof(MessageSpool)));
        }

        await _writerExited.Task.ConfigureAwait(false);
        await _commitGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_closed)
            {
                _closed = true;
                Volatile.Read(ref _durableSignal).TrySetResult();
                await _flushTimer.DisposeAsync().ConfigureAwait(false);
                _segment.Dispose();
                _lock.Dispose();
            }
        }
        finally
        {
            _commitGate.Release();
        }
    }

    /// <summary>
    /// Test seam: stops as a killed process would. The writer stops where it is (queued batches are neither
    /// written nor fsync'd) and the files and the lock are closed without a flush, so the directory can be reopened.
    /// </summary>
    internal void Abandon()
    {
        lock (_gate)
        {
            _fault ??= new IOException("The spool was abandoned.");
            _stopping = true;
            Monitor.Pulse(_gate);
        }

        _writerExited.Task.GetAwaiter().GetResult();
        _closed = true;
        Volatile.Read(ref _durableSignal).TrySetResult();
        _flushTimer.Dispose();
        _segment.Dispose();
        _lock.Dispose();
    }

    private void OnFlushTimer()
    {
        lock (_gate)
        {
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>
    /// When the flush timer must fire: the rest of the interval, or at once. The clock moves on between FlushIsDue's
    /// reading and this one, so the rest can be negative (Timer.Change throws below -1 ms) or exactly -1 ms, which
    /// means "never".
    /// </summary>
    internal static TimeSpan FlushTimerDue(TimeSpan interval, TimeSpan elapsed) =>
        interval > elapsed ? interval - elapsed : TimeSpan.Zero;

    private bool FlushIsDue() => _time.GetElapsedTime(_lastFlush) >= _options.FlushInterval;

    private void WriterLoop()
    {
        var work = new List<PendingWrite>();
        try
        {
            while (true)
            {
                bool stopping;
                lock (_gate)
                {
                    while (_queue.Count == 0 && !_stopping && (_unflushed.Count == 0 || !FlushIsDue()))
                    {
                        if (_unflushed.Count > 0)
                        {
                            _flushTimer.Change(FlushTimerDue(_options.FlushInterval, _time.GetElapsedTime(_lastFlush)), Timeout.InfiniteTimeSpan);
                        }

                        _writerWaiting = true;
                        Monitor.Wait(_gate);
                        _writerWaiting = false;
                    }

                    if (_fault is not null)
                    {
                        // Abandoned: stop without writing or flushing, like a killed process.
                        return;
                    }

                    (work, _queue) = (_queue, work);
                    stopping = _stopping;
                }

                if (work.Count > 0)
                {
                    Write(work);

                    // Free the memory before the fsync, so appenders under back-pressure go on while it runs.
                    ReleaseWritten(work);
                    work.Clear();
                }

                if (_unflushed.Count > 0 && (stopping || _unflushedBytes >= _options.FlushBytes || FlushIsDue()))
                {
                    Flush();
                }

                if (stopping && _unflushed.Count == 0)
                {
                    lock (_gate)
                    {
                        if (_queue.Count == 0)
                        {
                            return;
                        }
                    }
                }
            }
        }
        catch (Exception e)
        {
            Fail(e, work);
        }
        finally
        {
            _writerExited.TrySetResult();
        }
    }

    private void Write(List<PendingWrite> work)
    {
        var i = 0;
        while (i < work.Count)
        {
            if (work[i].SegmentBase >= 0)
            {
                RollSegment(work[i].SegmentBase);
            }

            var offset = work[i].Position - _segmentBase;
            if (offset != _segmentLength)
            {
                throw new InvalidOperationException($"Spool writer out of step: record at file offset {offset}, segment ends at {_segmentLength}.");
            }

            _gather.Clear();
            var bytes = 0L;
            var records = 0L;
            var j = i;
            do
            {
                var w = work[j];
                _gather.Add(new ReadOnlyMemory<byte>(w.Buffer, 0, w.Bytes));
                bytes += w.Bytes;
                records += w.Records;
                j++;
            }
            while (j < work.Count && work[j].SegmentBase < 0 && _gather.Count < MaxBuffersPerWrite);

            _options.BeforeWrite?.Invoke();
            RandomAccess.Write(_segment, _gather, offset);
            _segmentLength += bytes;
            _unflushedBytes += bytes;
            for (var k = i; k < j; k++)
            {
                _unflushed.Add(work[k]);
            }

            Interlocked.Add(ref _bytesAppended, bytes);
            Interlocked.Add(ref _recordsAppended, records);
            i = j;
        }

        _gather.Clear();
    }

    private void ReleaseWritten(List<PendingWrite> work)
    {
        var written = 0L;
        foreach (var w in work)
        {
            written += w.Bytes;
            SpoolBuffers.Pool.Return(w.Buffer);
            w.Buffer = [];
        }

        List<AppendWaiter>? granted = null;
        lock (_gate)
        {
            _queuedBytes -= written;
            while (_waiters.Count > 0)
            {
                var waiter = _waiters.Peek();
                if (waiter.Cancelled)
                {
                    _waiters.Dequeue();
                    continue;
                }

                if (!Fits(waiter.Batch.Bytes))
                {
                    break;
                }

                _waiters.Dequeue();
                waiter.Granted = true;
                waiter.Result = EnqueueLocked(waiter.Batch);
                (granted ??= []).Add(waiter);
            }
        }

        if (granted is not null)
        {
            foreach (var waiter in granted)
            {
                waiter.Completion.TrySetResult(waiter.Result);
            }
        }
    }

    private void Flush()
    {
        RandomAccess.FlushToDisk(_segment);
        _lastFlush = _time.GetTimestamp();
        Interlocked.Increment(ref _fsyncs);
        Volatile.Write(ref _durablePosition, _segmentBase + _segmentLength);
        foreach (var w in _unflushed)
        {
            w.Durable.TrySetResult();
        }

        _unflushed.Clear();
        _unflushedBytes = 0;
        Interlocked.Exchange(ref _durableSignal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private void RollSegment(long segmentBase)
    {
        if (_unflushed.Count > 0)
        {
            Flush();
        }

        var next = CreateSegment(_directory, segmentBase);
        _segment.Dispose();
        _segment = next;
        _segmentBase = segmentBase;
        _segmentLength = SegmentHeaderSize;
        lock (_gate)
        {
            Volatile.Write(ref _segments, [.. _segments, segmentBase]);
        }
    }

    private void Fail(Exception error, List<PendingWrite> inFlight)
    {
        var fault = error as IOException ?? new IOException(error.Message, error);
        List<PendingWrite> lost;
        List<AppendWaiter> refused;
        lock (_gate)
        {
            _fault ??= new IOException(
                $"Writing the spool segment '{SegmentPath(_segmentBase)}' failed at position {_segmentBase + _segmentLength} ({fault.Message}). Data up to position {DurablePosition} is durable.",
                fault);
            lost = [.. _unflushed, .. inFlight, .. _queue];
            _queue.Clear();
            refused = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var w in lost)
        {
            w.Durable.TrySetException(_fault);
        }

        foreach (var waiter in refused)
        {
            waiter.Completion.TrySetException(_fault);
        }

        _unflushed.Clear();
    }

    private static List<long> ListSegments(string directory)
    {
        var segments = new List<long>();
        foreach (var path in Directory.EnumerateFiles(directory, "*" + SegmentExtension))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (name.Length == 20 && long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var segmentBase))
            {
                segments.Add(segmentBase);
            }
        }

        segments.Sort();
        return segments;
    }

    private static SafeFileHandle CreateSegment(string directory, long segmentBase)
    {
        var path = Path.Combine(directory, segmentBase.ToString("D20", CultureInfo.InvariantCulture) + SegmentExtension);
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        try
        {
            RandomAccess.Write(handle, SegmentHeader(segmentBase), 0);
            RandomAccess.FlushToDisk(handle);
            DirectorySync.Flush(directory);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static byte[] SegmentHeader(long segmentBase)
    {
        var header = new byte[SegmentHeaderSize];
        SegmentMagic.CopyTo(header);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), segmentBase);
        return header;
    }

    /// <summary>Finds the end of the last valid record of the last segment and cuts off what follows (a torn write).</summary>
    private static (SafeFileHandle Handle, long Length, long Truncated) RecoverSegment(string directory, long segmentBase, int bufferBytes)
    {
        var path = Path.Combine(directory, segmentBase.ToString("D20", CultureInfo.InvariantCulture) + SegmentExtension);
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        try
        {
            var fileLength = RandomAccess.GetLength(handle);
            var expected = SegmentHeader(segmentBase);
            Span<byte> actual = stackalloc byte[SegmentHeaderSize];
            var headerBytes = fileLength >= SegmentHeaderSize ? RandomAccess.Read(handle, actual, 0) : 0;
            if (headerBytes < SegmentHeaderSize || !actual.SequenceEqual(expected))
            {
                // A crash right after creating the segment; the name says what the header must be.
                RandomAccess.Write(handle, expected, 0);
                fileLength = Math.Max(fileLength, SegmentHeaderSize);
            }

            var scanner = new SegmentScanner(bufferBytes);
            var offset = (long)SegmentHeaderSize;
            var validEnd = offset;
            while (scanner.Next(handle, ref offset, fileLength, mayRefill: true, out _, out _) == ScanResult.Record)
            {
                validEnd = offset;
            }

            if (fileLength > validEnd)
            {
                RandomAccess.SetLength(handle, validEnd);
            }

            // The previous process may have died before its last fsync; what we keep must be on disk before we build on it.
            RandomAccess.FlushToDisk(handle);
            return (handle, validEnd, fileLength - validEnd);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static long? ReadCheckpoint(string directory)
    {
        var path = Path.Combine(directory, CheckpointFile);
        if (!File.Exists(path))
        {
            return null;
        }

        var text = File.ReadAllText(path).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? position
            : throw new InvalidDataException($"The spool checkpoint '{path}' does not hold a position: '{text}'.");
    }

    private void WriteCheckpoint(long position)
    {
        var path = Path.Combine(_directory, CheckpointFile);
        var temporary = path + ".tmp";
        using (var handle = File.OpenHandle(temporary, FileMode.Create, FileAccess.Write))
        {
            RandomAccess.Write(handle, System.Text.Encoding.ASCII.GetBytes(position.ToString(CultureInfo.InvariantCulture) + "\n"), 0);
            RandomAccess.FlushToDisk(handle);
        }

        File.Move(temporary, path, overwrite: true);
        DirectorySync.Flush(_directory);
    }

    private void DeleteSegmentsBefore(long position)
    {
        long[] doomed;
        lock (_gate)
        {
            var segments = _segments;
            var keepFrom = 0;

            // A segment ends where the next begins; the last one is being written and is never deleted.
            while (keepFrom < segments.Length - 1 && segments[keepFrom + 1] <= position)
            {
                keepFrom++;
            }

            if (keepFrom == 0)
            {
                return;
            }

            doomed = segments[..keepFrom];
            Volatile.Write(ref _segments, segments[keepFrom..]);
        }

        // Readers still inside a deleted segment keep reading through their open handle.
        foreach (var segmentBase in doomed)
        {
            File.Delete(SegmentPath(segmentBase));
        }
    }

    private sealed class PendingWrite(byte[] buffer, int bytes, int records, long position, long segmentBase)
    {
        public byte[] Buffer { get; set; } = buffer;

        public int Bytes { get; } = bytes;

        public int Records { get; } = records;

        public long Position { get; } = position;

        /// <summary>The base of the new segment this write starts, or -1 when it continues the current one.</summary>
        public long SegmentBase { get; } = segmentBase;

        public TaskCompletionSource Durable { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class AppendWaiter(SpoolBatch batch)
    {
        public SpoolBatch Batch { get; } = batch;

        public TaskCompletionSource<SpoolAppend> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Granted { get; set; }

        public bool Cancelled { get; set; }

        public SpoolAppend Result { get; set; }
    }
}

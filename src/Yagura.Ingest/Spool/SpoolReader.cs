using Microsoft.Win32.SafeHandles;
using Yagura.Ingest.Spool.Internal;

namespace Yagura.Ingest.Spool;

/// <summary>
/// Reads spool records in position order with its own file handle, never past <see cref="MessageSpool.DurablePosition"/>.
/// Moves across segment boundaries and keeps reading a segment deleted behind it. Damaged records are skipped and
/// counted (<see cref="SpoolReadBatch.CorruptRecordsSkipped"/>, <see cref="SpoolStats.CorruptRecordsSkipped"/>).
/// Not thread-safe: one reader per consumer loop.
/// </summary>
public sealed class SpoolReader : IAsyncDisposable
{
    private readonly MessageSpool _spool;
    private readonly SegmentScanner _scanner;
    private readonly Utf8StringCache _strings = new();
    private readonly SpoolReadBatch _batch = new();
    private SafeFileHandle? _file;
    private long _segmentBase;
    private long _segmentEnd;
    private long _position;

    internal SpoolReader(MessageSpool spool, long position)
    {
        _spool = spool;
        _position = position;
        _scanner = new SegmentScanner(spool.ReadBufferBytes);
    }

    /// <summary>The position the next read starts at.</summary>
    public long Position => _position;

    /// <summary>
    /// Returns the next run of records (at most <paramref name="maxRecords"/>, and at most a read buffer's worth of
    /// bytes), waiting until durable data exists. Returns an empty batch only when <paramref name="ct"/> is cancelled
    /// or the spool is disposed. The batch object is reused: its records are valid until the next call.
    /// </summary>
    public async ValueTask<SpoolReadBatch> ReadAsync(int maxRecords, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        _batch.Reset(_position);
        while (!ct.IsCancellationRequested && !_spool.IsClosed)
        {
            var signal = _spool.DurableSignal;
            if (_position >= _spool.DurablePosition)
            {
                try
                {
                    await signal.WaitAsync(ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    break;
                }

                continue;
            }

            if (ReadAvailable(maxRecords))
            {
                break;
            }
        }

        _batch.NextPosition = _position;
        return _batch;
    }

    /// <summary>Reads what is durable from the current segment; true when the batch has records.</summary>
    private bool ReadAvailable(int maxRecords)
    {
        if (!OpenSegmentAt())
        {
            return false;
        }

        var durable = _spool.DurablePosition;
        if (_segmentEnd == long.MaxValue)
        {
            // Opened as the last segment; read after the durable position, the list has any segment that data lies in.
            var segments = _spool.Segments;
            var next = Array.BinarySearch(segments, _segmentBase) + 1;
            if (next > 0 && next < segments.Length)
            {
                _segmentEnd = segments[next];
            }
        }

        var limit = Math.Min(durable, _segmentEnd) - _segmentBase;
        var offset = _position - _segmentBase;
        _scanner.CorruptRegions = 0;
        while (_batch.Count < maxRecords)
        {
            var result = _scanner.Next(_file!, ref offset, limit, mayRefill: _batch.Count == 0, out var start, out var length);
            if (result != ScanResult.Record)
            {
                break;
            }

            var record = _scanner.Buffer.AsSpan(start, length);
            var meta = RecordFormat.Decode(record, _strings, out var payloadOffset);
            _batch.Add(new SpoolRecord(
                _segmentBase + offset - length,
                meta,
                new ReadOnlyMemory<byte>(_scanner.Buffer, start + payloadOffset, length - payloadOffset)));
        }

        _position = _segmentBase + offset;
        if (_position == _segmentEnd)
        {
            // So that NextPosition (and a checkpoint made from it) is where the next record really starts.
            _position += MessageSpool.SegmentHeaderSize;
        }

        if (_scanner.CorruptRegions > 0)
        {
            _batch.CorruptRecordsSkipped += _scanner.CorruptRegions;
            _spool.CountCorrupt(_scanner.CorruptRegions);
        }

        return _batch.Count > 0;
    }

    /// <summary>Makes <see cref="_file"/> the segment holding <see cref="_position"/>; false when the position moved instead.</summary>
    private bool OpenSegmentAt()
    {
        if (_file is not null && _position < _segmentEnd)
        {
            return true;
        }

        var segments = _spool.Segments;
        var index = Array.BinarySearch(segments, _position);
        if (index < 0)
        {
            index = ~index - 1;
        }

        if (index < 0)
        {
            // The position lies in segments already deleted: go on with the oldest one left.
            index = 0;
            _position = segments[0] + MessageSpool.SegmentHeaderSize;
        }

        var segmentBase = segments[index];
        _position = Math.Max(_position, segmentBase + MessageSpool.SegmentHeaderSize);
        CloseFile();
        try
        {
            _file = File.OpenHandle(_spool.SegmentPath(segmentBase), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException) when (Array.IndexOf(_spool.Segments, segmentBase) < 0)
        {
            // Deleted by a commit between the listing and the open: the next listing no longer has it.
            return false;
        }
        catch (FileNotFoundException) when (index + 1 < segments.Length)
        {
            // Removed by hand while still listed: what it held is gone, so go on with the next one.
            _spool.CountCorrupt(1);
            _batch.CorruptRecordsSkipped++;
            _position = segments[index + 1] + MessageSpool.SegmentHeaderSize;
            return false;
        }

        _segmentBase = segmentBase;
        _segmentEnd = index + 1 < segments.Length ? segments[index + 1] : long.MaxValue;
        _scanner.Reset();
        return true;
    }

    private void CloseFile()
    {
        _file?.Dispose();
        _file = null;
    }

    public ValueTask DisposeAsync()
    {
        CloseFile();
        return ValueTask.CompletedTask;
    }
}

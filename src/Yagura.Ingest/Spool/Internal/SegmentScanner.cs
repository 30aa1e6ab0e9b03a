using Microsoft.Win32.SafeHandles;

namespace Yagura.Ingest.Spool.Internal;

internal enum ScanResult
{
    /// <summary>A valid record is in the buffer.</summary>
    Record,

    /// <summary>The buffer must be refilled to go on, and the caller did not allow it (it still uses the buffer).</summary>
    NeedRefill,

    /// <summary>The limit is reached.</summary>
    End,
}

/// <summary>
/// Walks the records of one segment file through a buffer, skipping damaged regions by searching for the next
/// magic that starts a record whose CRC checks out. Shared by readers and by recovery at open.
/// </summary>
internal sealed class SegmentScanner(int bufferBytes)
{
    private byte[] _buffer = new byte[bufferBytes];
    private long _bufferOffset;
    private int _bufferLength;
    private bool _inCorruptRegion;

    public byte[] Buffer => _buffer;

    /// <summary>Damaged regions met since the caller last reset it.</summary>
    public int CorruptRegions { get; set; }

    /// <summary>Forgets the buffered bytes, for a new file.</summary>
    public void Reset()
    {
        _bufferLength = 0;
        _bufferOffset = 0;
        _inCorruptRegion = false;
    }

    /// <summary>
    /// Finds the next valid record at or after <paramref name="offset"/> and ending at or before <paramref name="limit"/>
    /// (file offsets), and moves <paramref name="offset"/> past it. The record is <c>Buffer[start..start+length]</c>.
    /// </summary>
    public ScanResult Next(SafeFileHandle file, ref long offset, long limit, bool mayRefill, out int start, out int length)
    {
        start = 0;
        length = 0;
        while (offset < limit)
        {
            var available = limit - offset;
            if (available < RecordFormat.PrefixSize)
            {
                MarkCorrupt();
                offset = limit;
                break;
            }

            if (!Ensure(file, offset, RecordFormat.PrefixSize, limit, mayRefill))
            {
                return ScanResult.NeedRefill;
            }

            var recordLength = RecordFormat.ReadLength(_buffer.AsSpan((int)(offset - _bufferOffset), RecordFormat.PrefixSize));
            if (recordLength != 0 && recordLength <= available)
            {
                if (!Ensure(file, offset, recordLength, limit, mayRefill))
                {
                    return ScanResult.NeedRefill;
                }

                var at = (int)(offset - _bufferOffset);
                if (RecordFormat.IsValid(_buffer.AsSpan(at, recordLength)))
                {
                    _inCorruptRegion = false;
                    start = at;
                    length = recordLength;
                    offset += recordLength;
                    return ScanResult.Record;
                }
            }

            MarkCorrupt();
            offset++;
            if (!SkipToMagic(file, ref offset, limit, mayRefill))
            {
                return ScanResult.NeedRefill;
            }
        }

        return ScanResult.End;
    }

    private void MarkCorrupt()
    {
        if (!_inCorruptRegion)
        {
            _inCorruptRegion = true;
            CorruptRegions++;
        }
    }

    private bool SkipToMagic(SafeFileHandle file, ref long offset, long limit, bool mayRefill)
    {
        var magic = RecordFormat.MagicBytes;
        while (offset < limit)
        {
            var bufferEnd = _bufferOffset + _bufferLength;
            if (offset >= _bufferOffset && offset < bufferEnd)
            {
                var found = _buffer.AsSpan((int)(offset - _bufferOffset), (int)(bufferEnd - offset)).IndexOf(magic);
                if (found >= 0)
                {
                    offset += found;
                    return true;
                }

                if (bufferEnd >= limit)
                {
                    offset = limit;
                    return true;
                }

                // The magic may straddle the end of the buffer.
                offset = Math.Max(offset, bufferEnd - (magic.Length - 1));
            }

            if (limit - offset < magic.Length)
            {
                offset = limit;
                return true;
            }

            if (!mayRefill)
            {
                return false;
            }

            Fill(file, offset, magic.Length, limit);
        }

        return true;
    }

    private bool Ensure(SafeFileHandle file, long offset, int count, long limit, bool mayRefill)
    {
        if (offset >= _bufferOffset && offset + count <= _bufferOffset + _bufferLength)
        {
            return true;
        }

        if (!mayRefill)
        {
            return false;
        }

        Fill(file, offset, count, limit);
        return true;
    }

    private void Fill(SafeFileHandle file, long offset, int count, long limit)
    {
        if (count > _buffer.Length)
        {
            _buffer = new byte[Math.Max(count, _buffer.Length * 2)];
        }

        var wanted = (int)Math.Min(_buffer.Length, limit - offset);
        var got = 0;
        while (got < wanted)
        {
            var read = RandomAccess.Read(file, _buffer.AsSpan(got, wanted - got), offset + got);
            if (read == 0)
            {
                break;
            }

            got += read;
        }

        if (got < count)
        {
            // The file is shorter than the spool says it is: someone cut it. Report it rather than invent bytes.
            throw new IOException($"Spool segment is shorter than expected: wanted {count} bytes at offset {offset}, found {got}.");
        }

        _bufferOffset = offset;
        _bufferLength = got;
    }
}

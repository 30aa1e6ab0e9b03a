using System.Buffers;
using Yagura.Ingest.Spool.Internal;

namespace Yagura.Ingest.Spool;

/// <summary>
/// Records encoded for the spool in one pooled buffer. A listener fills it and hands it to
/// <see cref="MessageSpool.AppendAsync"/>, which takes the buffer over and leaves the batch empty and reusable.
/// Not thread-safe: one batch per listener loop.
/// </summary>
public sealed class SpoolBatch : IDisposable
{
    private readonly int _initialCapacity;
    private byte[]? _buffer;

    /// <param name="initialCapacity">Bytes rented at the first <see cref="Add"/>; the buffer doubles when full.</param>
    public SpoolBatch(int initialCapacity = 512 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initialCapacity, 1);
        _initialCapacity = initialCapacity;
    }

    /// <summary>Records added since the batch was created or last appended.</summary>
    public int Count { get; private set; }

    /// <summary>Encoded bytes of those records (what they take in the spool).</summary>
    public int Bytes { get; private set; }

    /// <summary>Encodes one message. Throws <see cref="ArgumentException"/> for a payload over 16 MiB or a string over 255 UTF-8 bytes.</summary>
    /// <param name="payload">The framed message bytes.</param>
    /// <param name="meta">Its metadata.</param>
    public void Add(ReadOnlySpan<byte> payload, in RecordMeta meta)
    {
        var needed = RecordFormat.MaxEncodedSize(payload.Length, meta);
        if (_buffer is null || _buffer.Length - Bytes < needed)
        {
            Grow(needed);
        }

        Bytes += RecordFormat.Encode(_buffer.AsSpan(Bytes), payload, meta);
        Count++;
    }

    /// <summary>Drops the records added so far.</summary>
    public void Clear()
    {
        Count = 0;
        Bytes = 0;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = null;
        Clear();
        if (buffer is not null)
        {
            SpoolBuffers.Pool.Return(buffer);
        }
    }

    /// <summary>Hands the encoded bytes over (the receiver returns the buffer to the pool) and empties the batch.</summary>
    internal byte[] Detach()
    {
        var buffer = _buffer!;
        _buffer = null;
        Clear();
        return buffer;
    }

    private void Grow(int needed)
    {
        var size = Math.Max(_initialCapacity, Bytes + needed);
        if (_buffer is not null)
        {
            size = Math.Max(size, _buffer.Length * 2);
        }

        var next = SpoolBuffers.Pool.Rent(size);
        if (_buffer is not null)
        {
            _buffer.AsSpan(0, Bytes).CopyTo(next);
            SpoolBuffers.Pool.Return(_buffer);
        }

        _buffer = next;
    }
}

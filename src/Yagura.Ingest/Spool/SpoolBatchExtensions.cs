using System.Buffers;

namespace Yagura.Ingest.Spool;

public static class SpoolBatchExtensions
{
    /// <summary>Adds a message that may span several buffer segments (as framing over a pipe yields them).</summary>
    public static void Add(this SpoolBatch batch, ReadOnlySequence<byte> message, in RecordMeta meta)
    {
        if (message.IsSingleSegment)
        {
            batch.Add(message.FirstSpan, meta);
            return;
        }

        var length = (int)message.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        message.CopyTo(rented);
        batch.Add(rented.AsSpan(0, length), meta);
        ArrayPool<byte>.Shared.Return(rented);
    }
}

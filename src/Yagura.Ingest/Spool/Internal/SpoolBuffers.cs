using System.Buffers;

namespace Yagura.Ingest.Spool.Internal;

/// <summary>
/// The pool batch buffers come from and go back to. Not <see cref="ArrayPool{T}.Shared"/>: its per-thread caches
/// miss when a listener rents and the writer thread returns, and every miss allocates a large-object-heap array.
/// 256 arrays per size cover <see cref="SpoolOptions.MaxPendingBytes"/> (64 MiB) queued in 256 KiB+ batches while
/// the writer waits for an fsync; the pool keeps only what was in use at the peak.
/// </summary>
internal static class SpoolBuffers
{
    public static ArrayPool<byte> Pool { get; } = ArrayPool<byte>.Create(maxArrayLength: 64 * 1024 * 1024, maxArraysPerBucket: 256);
}

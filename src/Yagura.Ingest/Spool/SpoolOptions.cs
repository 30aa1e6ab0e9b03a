namespace Yagura.Ingest.Spool;

/// <summary>Where and how the spool keeps accepted messages.</summary>
public sealed class SpoolOptions
{
    /// <summary>The spool directory (created when missing). One <see cref="MessageSpool"/> per directory: it is locked.</summary>
    public required string Directory { get; init; }

    /// <summary>A segment file is closed and a new one started once it holds this many bytes (a batch is never split).</summary>
    public long SegmentBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Group commit: the writer fsyncs at most once per interval while data keeps arriving, so one fsync covers many
    /// batches. An idle spool fsyncs a new batch at once. <see cref="TimeSpan.Zero"/> fsyncs after every write round.
    /// </summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The writer fsyncs before the interval is over once this many bytes are written but not yet durable.</summary>
    public int FlushBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>
    /// Back-pressure: appends wait while this many bytes are queued but not yet written. A batch larger than the
    /// bound is still accepted when nothing else is queued.
    /// </summary>
    public int MaxPendingBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>The read buffer of each <see cref="SpoolReader"/>; it bounds the bytes one read returns (it grows for a larger record).</summary>
    public int ReadBufferBytes { get; init; } = 1024 * 1024;

    /// <summary>Test seam: runs before each write to a segment file, so a test can fail it like a full disk.</summary>
    internal Action? BeforeWrite { get; init; }

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(SegmentBytes, 4096L, nameof(SegmentBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(FlushInterval, TimeSpan.Zero, nameof(FlushInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(FlushBytes, 1, nameof(FlushBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingBytes, 1, nameof(MaxPendingBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadBufferBytes, 4096, nameof(ReadBufferBytes));
    }
}

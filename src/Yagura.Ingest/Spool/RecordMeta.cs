namespace Yagura.Ingest.Spool;

/// <summary>What the spool stores with each message besides its bytes.</summary>
/// <param name="TenantId">The tenant the source maps to (at most 255 UTF-8 bytes).</param>
/// <param name="Received">When Yagura accepted the message; kept to the microsecond and read back in UTC.</param>
/// <param name="Transport">The transport it came over.</param>
/// <param name="SourceAddress">The sender's address, when known (at most 255 UTF-8 bytes).</param>
/// <param name="Truncated">The message was longer than the limit and was cut.</param>
/// <param name="Format">A format named by the sender (e.g. <c>json</c>); null to detect (at most 255 UTF-8 bytes).</param>
public readonly record struct RecordMeta(
    string TenantId,
    DateTimeOffset Received,
    Transport Transport,
    string? SourceAddress,
    bool Truncated,
    string? Format);

/// <summary>One message read back from the spool.</summary>
/// <param name="Position">Where the record starts in the spool: the event id, unique, &gt; 0 and stable across restarts.</param>
/// <param name="Meta">The metadata appended with it.</param>
/// <param name="Payload">The message bytes; they live in the reader's buffer and are valid until its next read.</param>
public readonly record struct SpoolRecord(long Position, RecordMeta Meta, ReadOnlyMemory<byte> Payload)
{
    /// <summary>The context the parsers take, with the spool position as the event id.</summary>
    public MessageContext ToMessageContext(TimeZoneInfo? localTimeZone = null) =>
        new(Position, Meta.TenantId, Meta.Received, Meta.Transport, Meta.SourceAddress, Meta.Truncated, Meta.Format, localTimeZone);
}

/// <summary>The result of <see cref="MessageSpool.AppendAsync"/>.</summary>
/// <param name="FirstPosition">The position of the batch's first record.</param>
/// <param name="EndPosition">The position just after the batch's last record.</param>
/// <param name="Count">How many records the batch held.</param>
/// <param name="Durable">Completes once the batch is fsync'd; faults with an <see cref="IOException"/> when it cannot be written.</param>
public readonly record struct SpoolAppend(long FirstPosition, long EndPosition, int Count, Task Durable);

/// <summary>Counters since the spool was opened.</summary>
/// <param name="RecordsAppended">Records written to segment files.</param>
/// <param name="BytesAppended">Bytes of those records.</param>
/// <param name="Fsyncs">Group commits (fsyncs of a segment file).</param>
/// <param name="CorruptRecordsSkipped">Damaged regions readers skipped (each counted by every reader that met it).</param>
/// <param name="Segments">Segment files in the spool.</param>
/// <param name="TailBytesTruncated">Bytes of a torn last record cut off when the spool was opened.</param>
public readonly record struct SpoolStats(
    long RecordsAppended,
    long BytesAppended,
    long Fsyncs,
    long CorruptRecordsSkipped,
    int Segments,
    long TailBytesTruncated);

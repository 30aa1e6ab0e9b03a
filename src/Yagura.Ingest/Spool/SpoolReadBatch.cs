using System.Collections;

namespace Yagura.Ingest.Spool;

/// <summary>
/// A run of records returned by <see cref="SpoolReader.ReadAsync"/>. The reader reuses this object and its buffer:
/// the records and their payloads are valid only until the reader's next read.
/// </summary>
public sealed class SpoolReadBatch : IReadOnlyList<SpoolRecord>
{
    private SpoolRecord[] _records = new SpoolRecord[64];

    internal SpoolReadBatch()
    {
    }

    public int Count { get; private set; }

    /// <summary>Where reading continues after this batch; pass it to <see cref="MessageSpool.CommitAsync"/> once the batch is processed.</summary>
    public long NextPosition { get; internal set; }

    /// <summary>Damaged regions skipped while reading this batch.</summary>
    public int CorruptRecordsSkipped { get; internal set; }

    public ReadOnlySpan<SpoolRecord> Records => _records.AsSpan(0, Count);

    public SpoolRecord this[int index] =>
        (uint)index < (uint)Count ? _records[index] : throw new ArgumentOutOfRangeException(nameof(index));

    internal void Reset(long position)
    {
        Array.Clear(_records, 0, Count);
        Count = 0;
        CorruptRecordsSkipped = 0;
        NextPosition = position;
    }

    internal void Add(in SpoolRecord record)
    {
        if (Count == _records.Length)
        {
            Array.Resize(ref _records, _records.Length * 2);
        }

        _records[Count++] = record;
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<SpoolRecord> IEnumerable<SpoolRecord>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public struct Enumerator : IEnumerator<SpoolRecord>
    {
        private readonly SpoolReadBatch _batch;
        private int _index;

        internal Enumerator(SpoolReadBatch batch)
        {
            _batch = batch;
            _index = -1;
        }

        public readonly SpoolRecord Current => _batch._records[_index];

        readonly object IEnumerator.Current => Current;

        public bool MoveNext() => ++_index < _batch.Count;

        public void Reset() => _index = -1;

        public readonly void Dispose()
        {
        }
    }
}

namespace Yagura.Storage.Sqlite.Internal;

/// <summary>
/// The <see cref="PreparedBlock"/>s of a store, shared by its partition writers: a writer holds blocks only while it
/// writes, so memory follows the batches in flight rather than the number of open partitions.
/// </summary>
internal sealed class PreparedBlockPool : IDisposable
{
    // Two batches of 8,192 events in 256-event blocks; more is rare and allocated on demand.
    private const int MaxPooled = 64;

    // A block that grew past this (huge events) is dropped rather than kept for ever.
    private const int MaxRetainedBytes = 1024 * 1024;

    private readonly Stack<PreparedBlock> _free = new();

    public PreparedBlock Rent()
    {
        lock (_free)
        {
            if (_free.TryPop(out var block))
            {
                return block;
            }
        }

        return new PreparedBlock();
    }

    public void Return(PreparedBlock block)
    {
        if (block.RetainedBytes <= MaxRetainedBytes)
        {
            lock (_free)
            {
                if (_free.Count < MaxPooled)
                {
                    _free.Push(block);
                    return;
                }
            }
        }

        block.Dispose();
    }

    public void Dispose()
    {
        lock (_free)
        {
            while (_free.TryPop(out var block))
            {
                block.Dispose();
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

using Yagura.Core.Events;

namespace Yagura.Storage.Sqlite.Internal;

/// <summary>
/// Preparing the blocks of one partition write, shared between the writer thread and the store's
/// <see cref="PrepareWorkers"/>: blocks are claimed in order, so the writer can insert block <c>n</c> while helpers
/// prepare block <c>n + 1</c>, and a writer that catches up prepares the next unclaimed block itself rather than wait.
/// </summary>
internal sealed class PrepareJob
{
    private readonly List<EventRecord> _events;
    private readonly PreparedBlock[] _blocks;
    private readonly int _size;
    private readonly bool _bloom;
    private readonly bool[] _ready;
    private readonly Exception?[] _errors;
    private readonly object _gate = new();
    private int _next;

    private readonly FieldNameTable? _names;

    // names: the partition's field names for binary fields; null for a format-1 (JSON) file.
    public PrepareJob(List<EventRecord> events, List<PreparedBlock> blocks, int size, bool bloom, FieldNameTable? names)
    {
        _names = names;
        _events = events;
        // A copy: a helper may look at a finished job after the writer reused its list for the next one.
        _blocks = [.. blocks];
        _size = size;
        _bloom = bloom;
        _ready = new bool[_blocks.Length];
        _errors = new Exception?[_blocks.Length];
    }

    public int Count => _blocks.Length;

    /// <summary>Events per block (the last may have fewer).</summary>
    public int BlockSize => _size;

    /// <summary>Prepares blocks until none is left to claim (on a helper thread).</summary>
    public void Help()
    {
        while (TryPrepareNext())
        {
        }
    }

    /// <summary>Block <paramref name="index"/> once prepared; throws what preparing it threw.</summary>
    public PreparedBlock Get(int index)
    {
        while (!Volatile.Read(ref _ready[index]) && TryPrepareNext())
        {
        }

        lock (_gate)
        {
            while (!_ready[index])
            {
                Monitor.Wait(_gate);
            }

            if (_errors[index] is { } error)
            {
                ExceptionDispatchInfo.Throw(error);
            }
        }

        return _blocks[index];
    }

    /// <summary>Stops further claims and waits for the blocks helpers are still preparing: then the blocks are free.</summary>
    public void Drain()
    {
        var claimed = Math.Min(Interlocked.Exchange(ref _next, Count), Count);
        lock (_gate)
        {
            for (var i = 0; i < claimed; i++)
            {
                while (!_ready[i])
                {
                    Monitor.Wait(_gate);
                }
            }
        }
    }

    private bool TryPrepareNext()
    {
        var index = Interlocked.Increment(ref _next) - 1;
        if (index >= Count)
        {
            return false;
        }

        Exception? error = null;
        try
        {
            var start = index * _size;
            _blocks[index].Prepare(_events, start, Math.Min(_size, _events.Count - start), _bloom, _names);
        }
#pragma warning disable CA1031 // Not swallowed: handed to the writer thread, which rethrows it from Get.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = e;
        }

        lock (_gate)
        {
            _errors[index] = error;
            _ready[index] = true;
            Monitor.PulseAll(_gate);
        }

        return true;
    }
}

/// <summary>
/// The store's helper threads for <see cref="PrepareJob"/>s: dedicated threads rather than the thread pool, whose
/// workers are busy parsing and writing during ingest and would be injected only after a starvation delay.
/// </summary>
internal sealed class PrepareWorkers : IDisposable
{
    private readonly BlockingCollection<PrepareJob> _jobs = [];
    private readonly int _threadCount = Math.Clamp(Environment.ProcessorCount - 1, 1, 4);
    private readonly List<Thread> _threads = [];

    /// <summary>Offers a job to every helper thread; the writer does whatever they do not get to.</summary>
    public void Post(PrepareJob job)
    {
        lock (_threads)
        {
            while (_threads.Count < _threadCount && !_jobs.IsAddingCompleted)
            {
                // Below the listeners: indexing may lag behind a burst, accepting must not (the spool holds the lag).
                _threads.Add(Yagura.Core.Threading.BackgroundPriority.Start("Yagura store prepare", Run));
            }
        }

        try
        {
            for (var i = 0; i < _threadCount; i++)
            {
                _jobs.Add(job);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // The store is being disposed: the writer prepares the blocks itself.
        }
    }

    private void Run()
    {
        foreach (var job in _jobs.GetConsumingEnumerable())
        {
            job.Help();
        }
    }

    public void Dispose()
    {
        _jobs.CompleteAdding();
        lock (_threads)
        {
            foreach (var thread in _threads)
            {
                thread.Join();
            }
        }

        _jobs.Dispose();
    }
}

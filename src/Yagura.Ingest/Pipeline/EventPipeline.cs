using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Yagura.Core.Events;
using Yagura.Core.Storage;
using Yagura.Core.Threading;
using Yagura.Ingest.Parsing;
using Yagura.Ingest.Spool;

namespace Yagura.Ingest.Pipeline;

/// <summary>
/// Moves accepted messages from the spool into the event store: read a run of records, parse them, write them; at
/// most every <see cref="CheckpointInterval"/>, flush the store to disk and advance the spool checkpoint to what the
/// flush covered. Parsing of the next run overlaps the write of the previous one, and flushes overlap both.
/// At-least-once from the spool plus idempotent writes (event id = spool position) make it exactly-once in the store.
/// An optional <see cref="IStoredBatchObserver"/> (detection) sees each batch after it is written and before it counts
/// as processed.
/// </summary>
public sealed class EventPipeline(
    MessageSpool spool,
    IEventStore store,
    Func<string, TimeZoneInfo?> tenantTimeZone,
    ILogger logger,
    TimeProvider time,
    int batchSize = 8192,
    IStoredBatchObserver? observer = null)
{
    /// <summary>
    /// How often the store is flushed and the spool told what it may forget. A flush per batch put two fsyncs on the
    /// writer thread for every few thousand events; a crash replays at most this much more (writes are idempotent).
    /// </summary>
    public static readonly TimeSpan CheckpointInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private long _processedPosition = spool.CheckpointPosition;
    private long _processed;
    private long _parseErrors;
    private TaskCompletionSource _progress = NewSignal();

    /// <summary>Everything before this spool position is stored.</summary>
    public long ProcessedPosition => Interlocked.Read(ref _processedPosition);

    // The finishing stage's checkpoint in flight and when the last one started (one thread at a time uses them).
    private Task? _checkpoint;
    private long _lastCheckpoint;

    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Events stored with <c>error.message</c> set (malformed, truncated …).</summary>
    public long ParseErrors => Interlocked.Read(ref _parseErrors);

    /// <summary>
    /// Runs until cancelled, then stores what it has already parsed. Store failures are retried (with back-off),
    /// never skipped. Both stages run on dedicated threads below normal priority, so the listeners keep accepting at
    /// full speed during a burst and processing catches up from the spool afterwards.
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var parsed = new BlockingCollection<(EventRecord[] Events, long Next)>(boundedCapacity: 2);
        Exception? failure = null;
        var writer = BackgroundPriority.Start("Yagura pipeline write", () => Guard(() => WriteLoop(parsed, cancellationToken)));
        BackgroundPriority.Start("Yagura pipeline read", () =>
        {
            Guard(() => ReadLoop(parsed, cancellationToken));
            parsed.CompleteAdding();
            writer.Join();
            parsed.Dispose();
            if (failure is null)
            {
                done.TrySetResult();
            }
            else
            {
                done.TrySetException(failure);
            }
        });
        return done.Task;

        void Guard(Action body)
        {
            try
            {
                body();
            }
#pragma warning disable CA1031 // A dedicated thread must not die with an exception: the run's task reports it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.CompareExchange(ref failure, ex, null);
                parsed.CompleteAdding();
            }
        }
    }

    private void ReadLoop(BlockingCollection<(EventRecord[] Events, long Next)> parsed, CancellationToken cancellationToken)
    {
        var reader = spool.OpenReader(spool.CheckpointPosition);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                // Returns an empty batch when cancelled.
                var batch = reader.ReadAsync(batchSize, cancellationToken).AsTask().GetAwaiter().GetResult();
                if (batch.Count > 0)
                {
                    parsed.Add((Parse(batch), batch.NextPosition), cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Waits until every record before <paramref name="position"/> is stored.</summary>
    public async Task WaitForAsync(long position, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signal;
            lock (_gate)
            {
                if (ProcessedPosition >= position)
                {
                    return;
                }

                signal = _progress.Task;
            }

            await signal.WaitAsync(cancellationToken);
        }
    }

    // One thread is enough: parsing (~1-3 µs a message) runs beside the store write of the previous batch, which
    // is the longer stage and has the other core.
    private EventRecord[] Parse(SpoolReadBatch batch)
    {
        var events = new EventRecord[batch.Count];
        var errors = 0;
        for (var i = 0; i < events.Length; i++)
        {
            var record = batch[i];
            var e = LogParser.Parse(record.Payload.Span, record.ToMessageContext(tenantTimeZone(record.Meta.TenantId)));
            events[i] = e;
            errors += e.ErrorMessage is null ? 0 : 1;
        }

        Interlocked.Add(ref _parseErrors, errors);
        return events;
    }

    // With an observer (detection), it runs on a third thread over the batches the writer has stored, so that on two
    // cores its cost overlaps the store's instead of adding to it. A batch counts as processed (and may leave the
    // spool) only once the observer is done with it, in either case.
    private void WriteLoop(BlockingCollection<(EventRecord[] Events, long Next)> parsed, CancellationToken cancellationToken)
    {
        _lastCheckpoint = time.GetTimestamp();
        using var stored = observer is null ? null : new BlockingCollection<(EventRecord[] Events, long Next)>(boundedCapacity: 2);
        Exception? observerFailure = null;
        using var observerStopped = new CancellationTokenSource();
        var observing = stored is null ? null : BackgroundPriority.Start("Yagura pipeline detect", () =>
        {
            try
            {
                foreach (var (events, next) in stored.GetConsumingEnumerable(CancellationToken.None))
                {
                    Finish(events, next, cancellationToken);
                }
            }
#pragma warning disable CA1031 // Reported by the writer, which then stops: the batch stays in the spool.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                observerFailure = ex;
                observerStopped.Cancel();
            }
        });

        var storeGaveUp = false;
        try
        {
            foreach (var (events, next) in parsed.GetConsumingEnumerable(observerStopped.Token))
            {
                // Nothing is skipped: the batch stays unacknowledged in the spool until the store takes it.
                if (!StorageRetry.Run(
                    () => store.WriteAsync(events, CancellationToken.None).GetAwaiter().GetResult(),
                    (ex, delay) => PipelineLog.StoreWriteFailed(logger, events.Length, delay, ex),
                    cancellationToken))
                {
                    // Cancelled while the store was failing: no final checkpoint, which would need the store.
                    storeGaveUp = true;
                    break;
                }

                if (stored is null)
                {
                    Finish(events, next, cancellationToken);
                }
                else
                {
                    stored.Add((events, next), observerStopped.Token);
                }
            }
        }
        catch (OperationCanceledException) when (observerStopped.IsCancellationRequested)
        {
            // The observer failed: its failure is thrown below, which stops the pipeline.
        }
        finally
        {
            stored?.CompleteAdding();
            observing?.Join();
        }

        if (observerFailure is not null)
        {
            throw new InvalidOperationException("the stored-batch observer failed", observerFailure);
        }

        if (!storeGaveUp)
        {
            // Stopping or stopped: everything processed so far is made durable and leaves the spool.
            _checkpoint?.GetAwaiter().GetResult();
            CheckpointAsync(ProcessedPosition).GetAwaiter().GetResult();
        }
    }

    /// <summary>The last stage of a batch: the observer, then progress and checkpoints. One thread at a time.</summary>
    private void Finish(EventRecord[] events, long next, CancellationToken cancellationToken)
    {
        observer?.OnStored(events, cancellationToken);

        // Decided before the progress is published, so that whoever waits for this batch sees the decision.
        if (_checkpoint is not { IsCompleted: false } && time.GetElapsedTime(_lastCheckpoint) >= CheckpointInterval)
        {
            _lastCheckpoint = time.GetTimestamp();
            _checkpoint = CheckpointAsync(next);
        }

        Interlocked.Add(ref _processed, events.Length);
        TaskCompletionSource signal;
        lock (_gate)
        {
            Interlocked.Exchange(ref _processedPosition, next);
            signal = _progress;
            _progress = NewSignal();
        }

        signal.TrySetResult();
    }

    /// <summary>Flushes the store, then lets the spool forget everything before <paramref name="position"/>.</summary>
    private async Task CheckpointAsync(long position)
    {
        try
        {
            await store.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            await spool.CommitAsync(position, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Data.Common.DbException)
        {
            // Nothing is lost: the spool keeps the records, and the next checkpoint tries again.
            PipelineLog.CheckpointFailed(logger, ex);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

internal static partial class PipelineLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "storing {Count} events failed; retrying in {Delay}")]
    public static partial void StoreWriteFailed(ILogger logger, int count, TimeSpan delay, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "flushing the event store or checkpointing the spool failed; retrying with the next batch")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception);
}

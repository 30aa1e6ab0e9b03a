using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Yagura.Core.Events;
using Yagura.Core.Storage;
using Yagura.Ingest.Parsing;
using Yagura.Ingest.Spool;

namespace Yagura.Ingest.Pipeline;

/// <summary>
/// Moves accepted messages from the spool into the event store: read a run of records, parse them,
/// write them, then advance the spool checkpoint. Parsing of the next run overlaps the write of the previous one.
/// At-least-once from the spool plus idempotent writes (event id = spool position) make it exactly-once in the store.
/// </summary>
public sealed class EventPipeline(
    MessageSpool spool,
    IEventStore store,
    Func<string, TimeZoneInfo?> tenantTimeZone,
    ILogger logger,
    int batchSize = 8192)
{
    private readonly Lock _gate = new();
    private long _processedPosition = spool.CheckpointPosition;
    private long _processed;
    private long _parseErrors;
    private TaskCompletionSource _progress = NewSignal();

    /// <summary>Everything before this spool position is stored.</summary>
    public long ProcessedPosition => Interlocked.Read(ref _processedPosition);

    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Events stored with <c>error.message</c> set (malformed, truncated …).</summary>
    public long ParseErrors => Interlocked.Read(ref _parseErrors);

    /// <summary>Runs until cancelled. Store failures are retried (with back-off), never skipped.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var parsed = Channel.CreateBounded<(EventRecord[] Events, long Next)>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var writer = WriteLoopAsync(parsed.Reader, cancellationToken);
        try
        {
            await using var reader = spool.OpenReader(spool.CheckpointPosition);
            while (!cancellationToken.IsCancellationRequested)
            {
                var batch = await reader.ReadAsync(batchSize, cancellationToken);
                if (batch.Count == 0)
                {
                    continue;
                }

                var events = Parse(batch);
                await parsed.Writer.WriteAsync((events, batch.NextPosition), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            parsed.Writer.TryComplete();
        }

        await writer;
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

    private async Task WriteLoopAsync(ChannelReader<(EventRecord[] Events, long Next)> parsed, CancellationToken cancellationToken)
    {
        await foreach (var (events, next) in parsed.ReadAllAsync(CancellationToken.None))
        {
            var delay = TimeSpan.FromMilliseconds(100);
            while (true)
            {
                try
                {
                    await store.WriteAsync(events, CancellationToken.None);
                    break;
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException or System.Data.Common.DbException)
                {
                    // Nothing is skipped: the batch stays unacknowledged in the spool until the store takes it.
                    PipelineLog.StoreWriteFailed(logger, events.Length, delay, ex);
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return;
                    }

                    await Task.Delay(delay, CancellationToken.None);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
                }
            }

            await spool.CommitAsync(next, CancellationToken.None);
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
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

internal static partial class PipelineLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "storing {Count} events failed; retrying in {Delay}")]
    public static partial void StoreWriteFailed(ILogger logger, int count, TimeSpan delay, Exception exception);
}

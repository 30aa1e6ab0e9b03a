using System.Text;

using Microsoft.Extensions.Logging.Abstractions;

using Yagura.Core.Storage;
using Yagura.Core.Tenancy;
using Yagura.Ingest;
using Yagura.Ingest.Pipeline;
using Yagura.Ingest.Spool;
using Yagura.Storage.Sqlite;
using Yagura.Testing;

namespace Yagura.IntegrationTests;

/// <summary>
/// The spool forgets records only after the event store flushed them to disk, and at most once per
/// <see cref="EventPipeline.CheckpointInterval"/>: stored events are searchable at once, durable a moment later.
/// </summary>
public sealed class PipelineCheckpointTests
{
    [Fact]
    public async Task Pipeline_StoredBatch_LeavesTheSpoolOnlyOnceTheIntervalPassedOrThePipelineStops()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        var spoolOptions = new SpoolOptions { Directory = Path.Combine(dir.Path, "spool") };
        long first, second;
        await using (var store = SqliteEventStore.Open(dir.Path, SqliteEventStoreOptions.Default, TimeProvider.System))
        {
            await using (var spool = MessageSpool.Open(spoolOptions, TimeProvider.System))
            {
                var start = spool.CheckpointPosition;
                var pipeline = new EventPipeline(spool, store, _ => null, NullLogger.Instance, clock);
                using var stop = new CancellationTokenSource();
                var run = pipeline.RunAsync(stop.Token);

                first = await AppendAsync(spool, "first");
                await pipeline.WaitForAsync(first, CancellationToken.None);
                Assert.Equal(1, await store.CountAsync(TenantScope.Only("default")));
                Assert.Equal(start, spool.CheckpointPosition); // stored and searchable, not yet forgotten

                clock.Advance(EventPipeline.CheckpointInterval);
                second = await AppendAsync(spool, "second");
                await pipeline.WaitForAsync(second, CancellationToken.None);
                await Eventually.UntilAsync(() => spool.CheckpointPosition == second, "the checkpoint after the interval");

                var third = await AppendAsync(spool, "third");
                await pipeline.WaitForAsync(third, CancellationToken.None);
                Assert.Equal(second, spool.CheckpointPosition); // the interval has not passed again

                await stop.CancelAsync();
                await run;
                Assert.Equal(third, spool.CheckpointPosition); // stopping flushes and checkpoints everything stored
            }
        }

        Assert.True(first < second);
    }

    [Fact]
    public async Task Pipeline_WithAnObserver_StoresTheNextBatchWhileTheObserverWorks_AndCountsABatchOnlyOnceObserved()
    {
        await using var rig = new Rig();
        var (store, spool) = (rig.Store, rig.Spool);
        var start = spool.CheckpointPosition;
        using var observer = new GatedObserver();
        var pipeline = new EventPipeline(spool, store, _ => null, NullLogger.Instance, TimeProvider.System, observer: observer);
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);

        var first = await AppendAsync(spool, "first");
        await Eventually.UntilAsync(() => observer.Seen == 1, "the observer takes the first batch");
        var second = await AppendAsync(spool, "second");

        // The observer holds the first batch: the second is stored meanwhile, and neither counts as processed.
        await Eventually.UntilAsync(() => store.CountAsync(TenantScope.Only("default")).GetAwaiter().GetResult() == 2, "the second batch stored");
        Assert.Equal(0, pipeline.Processed);
        Assert.False(pipeline.WaitForAsync(first, CancellationToken.None).IsCompleted);
        Assert.Equal(start, spool.CheckpointPosition);

        observer.Release();
        await pipeline.WaitForAsync(second, CancellationToken.None);
        Assert.Equal(2, pipeline.Processed);
        Assert.Equal(2, observer.Seen);

        await stop.CancelAsync();
        await run;
        Assert.Equal(second, spool.CheckpointPosition);
    }

    [Fact]
    public async Task Pipeline_ObserverFails_TheRunFails_AndTheBatchStaysInTheSpool()
    {
        await using var rig = new Rig();
        var (store, spool) = (rig.Store, rig.Spool);
        var start = spool.CheckpointPosition;
        var observer = new FailingObserver();
        var pipeline = new EventPipeline(spool, store, _ => null, NullLogger.Instance, TimeProvider.System, observer: observer);
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);

        await AppendAsync(spool, "first");
        await Eventually.UntilAsync(() => observer.Calls == 1, "the observer fails on the batch");

        // The run ends with the observer's failure (the reader stops at the next batch or at the stop).
        await stop.CancelAsync();
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => run);
        Assert.IsType<IOException>(failure.InnerException);
        Assert.Equal(0, pipeline.Processed);
        Assert.Equal(start, spool.CheckpointPosition);
    }

    /// <summary>A spool and an event store in a temporary directory.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly TempDirectory _dir = new();

        public Rig()
        {
            Store = SqliteEventStore.Open(_dir.Path, SqliteEventStoreOptions.Default, TimeProvider.System);
            Spool = MessageSpool.Open(new SpoolOptions { Directory = Path.Combine(_dir.Path, "spool") }, TimeProvider.System);
        }

        public SqliteEventStore Store { get; }

        public MessageSpool Spool { get; }

        public async ValueTask DisposeAsync()
        {
            await Spool.DisposeAsync();
            await Store.DisposeAsync();
            _dir.Dispose();
        }
    }

    private sealed class GatedObserver : IStoredBatchObserver, IDisposable
    {
        private readonly ManualResetEventSlim _gate = new();
        private int _seen;

        public int Seen => Volatile.Read(ref _seen);

        public void OnStored(IReadOnlyList<Yagura.Core.Events.EventRecord> events, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref _seen, events.Count);
            _gate.Wait(cancellationToken);
        }

        public void Release() => _gate.Set();

        public void Dispose() => _gate.Dispose();
    }

    private sealed class FailingObserver : IStoredBatchObserver
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public void OnStored(IReadOnlyList<Yagura.Core.Events.EventRecord> events, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            throw new IOException("the alert store is gone");
        }
    }

    private static async Task<long> AppendAsync(MessageSpool spool, string text)
    {
        using var batch = new SpoolBatch();
        batch.Add(Encoding.UTF8.GetBytes($"<13>1 2026-12-01T00:00:00Z host app - - - {text}"), new RecordMeta("default", DateTimeOffset.UtcNow, Transport.Tcp, null, false, null));
        var append = await spool.AppendAsync(batch);
        await append.Durable;
        return append.EndPosition;
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = DateTimeOffset.UtcNow.UtcTicks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}

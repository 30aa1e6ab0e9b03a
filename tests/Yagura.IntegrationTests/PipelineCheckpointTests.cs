using System.Text;

using Microsoft.Extensions.Logging.Abstractions;

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

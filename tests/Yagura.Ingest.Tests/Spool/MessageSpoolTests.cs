using System.Text;
using Yagura.Ingest.Spool;
using static Yagura.Ingest.Tests.Spool.SpoolTestDirectory;

namespace Yagura.Ingest.Tests.Spool;

public sealed class MessageSpoolTests : IDisposable
{
    private readonly SpoolTestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task<List<SpoolAppend>> AppendRecordsAsync(MessageSpool spool, int batches, int perBatch, int firstIndex = 0)
    {
        var appends = new List<SpoolAppend>();
        using var batch = new SpoolBatch(1024);
        var i = firstIndex;
        for (var b = 0; b < batches; b++)
        {
            for (var r = 0; r < perBatch; r++, i++)
            {
                batch.Add(Payload(i), Meta(i));
            }

            appends.Add(await spool.AppendAsync(batch, CancellationToken.None));
        }

        await Task.WhenAll(appends.Select(a => a.Durable));
        return appends;
    }

    [Fact]
    public async Task AppendThenRead_ManyBatchesWithMetadata_ReturnsEveryRecordWithItsMetadataInOrder()
    {
        await using var spool = _dir.Open();
        var appends = await AppendRecordsAsync(spool, batches: 40, perBatch: 50);

        await using var reader = spool.OpenReader(0);
        var records = await ReadAllAsync(reader, 2000, maxRecords: 333);

        Assert.Equal(2000, records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var expected = Meta(i);
            Assert.Equal(expected with { Received = expected.Received.ToUniversalTime() }, records[i].Meta);
            Assert.Equal(Payload(i), records[i].Payload);
        }

        Assert.True(records[0].Position > 0);
        Assert.All(records.Zip(records.Skip(1)), pair => Assert.True(pair.First.Position < pair.Second.Position));
        Assert.Equal(appends.Select(a => a.FirstPosition), records.Where((_, i) => i % 50 == 0).Select(r => r.Position));
        Assert.All(appends, a => Assert.Equal(50, a.Count));
        Assert.Equal(appends[^1].EndPosition, spool.DurablePosition);
        Assert.Equal(2000, spool.Stats.RecordsAppended);
    }

    [Fact]
    public async Task Open_AfterDispose_ReturnsTheSamePositionsAndContinuesAfterThem()
    {
        List<(long Position, RecordMeta Meta, byte[] Payload)> before;
        long end;
        await using (var spool = _dir.Open())
        {
            await AppendRecordsAsync(spool, batches: 5, perBatch: 20);
            await using var reader = spool.OpenReader(0);
            before = await ReadAllAsync(reader, 100);
            end = spool.DurablePosition;
        }

        await using (var spool = _dir.Open())
        {
            Assert.Equal(end, spool.DurablePosition);
            await using var reader = spool.OpenReader(0);
            var after = await ReadAllAsync(reader, 100);
            Assert.Equal(before.Select(r => r.Position), after.Select(r => r.Position));
            Assert.Equal(before.Select(r => r.Payload), after.Select(r => r.Payload));

            var more = await AppendRecordsAsync(spool, batches: 1, perBatch: 1, firstIndex: 100);
            Assert.Equal(end, more[0].FirstPosition);
        }
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(0, 5)]
    [InlineData(0, 6)]
    [InlineData(0, 7)]
    [InlineData(0, 50)]
    public void FlushTimerDue_IsNeverNegative_EvenWhenTheClockMovedPastTheInterval(int expectedMs, int elapsedMs)
    {
        // The writer checks whether a flush is due, then arms its timer for the rest of the interval, reading the clock
        // again. With a 5 ms interval, 6 ms elapsed by the second reading once gave -1 ms ("never": the flush never
        // came) and 7 ms gave -2 ms (Timer.Change threw and the spool faulted).
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), MessageSpool.FlushTimerDue(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(elapsedMs)));
    }

    [Fact]
    public async Task Durable_CompletesOnlyWhenTheGroupCommitFsyncs()
    {
        var time = new ManualTimeProvider();
        await using var spool = _dir.Open(_dir.Options(flushInterval: TimeSpan.FromSeconds(1)), time);
        var start = spool.DurablePosition;
        using var batch = new SpoolBatch();
        batch.Add(Payload(1), Meta(1));
        var first = await spool.AppendAsync(batch, CancellationToken.None);
        batch.Add(Payload(2), Meta(2));
        var second = await spool.AppendAsync(batch, CancellationToken.None);

        // Written to the file, but the clock has not reached the flush interval: not durable yet.
        await EventuallyAsync(() => spool.Stats.RecordsAppended == 2);
        Assert.False(first.Durable.IsCompleted);
        Assert.False(second.Durable.IsCompleted);
        Assert.Equal(start, spool.DurablePosition);
        Assert.Equal(0, spool.Stats.Fsyncs);

        time.Advance(TimeSpan.FromSeconds(1));
        await Task.WhenAll(first.Durable, second.Durable).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(second.EndPosition, spool.DurablePosition);
        Assert.Equal(1, spool.Stats.Fsyncs); // one fsync covered both batches
        Assert.Equal(second.EndPosition, new FileInfo(_dir.SegmentFiles().Single()).Length);
    }

    [Fact]
    public async Task ReadAsync_WhenNothingIsDurable_WaitsAndThenReturnsTheNewRecords()
    {
        await using var spool = _dir.Open();
        await using var reader = spool.OpenReader();
        var pending = reader.ReadAsync(100, CancellationToken.None).AsTask();
        await Task.Yield();
        Assert.False(pending.IsCompleted);

        using var batch = new SpoolBatch();
        batch.Add("hello"u8, Meta(0));
        var append = await spool.AppendAsync(batch, CancellationToken.None);

        var read = await pending.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(append.FirstPosition, Assert.Single(read).Position);
        Assert.Equal("hello", Encoding.UTF8.GetString(read[0].Payload.Span));
        Assert.Equal(append.EndPosition, read.NextPosition);
    }

    [Fact]
    public async Task ReadAsync_WhenCancelledWhileWaiting_ReturnsAnEmptyBatch()
    {
        await using var spool = _dir.Open();
        await using var reader = spool.OpenReader();
        using var cts = new CancellationTokenSource();
        var pending = reader.ReadAsync(100, cts.Token);
        await cts.CancelAsync();

        var read = await pending;
        Assert.Empty(read);
        Assert.Equal(spool.CheckpointPosition, read.NextPosition);
    }

    [Fact]
    public async Task ReadAsync_WhenSpoolIsDisposedWhileWaiting_ReturnsAnEmptyBatch()
    {
        var spool = _dir.Open();
        var reader = spool.OpenReader();
        var pending = reader.ReadAsync(100, CancellationToken.None).AsTask();
        await spool.DisposeAsync();

        Assert.Empty(await pending.WaitAsync(TimeSpan.FromSeconds(30)));
        await reader.DisposeAsync();
    }

    [Fact]
    public async Task Append_PastSegmentSize_RollsSegmentsAndReaderCrossesThem_CommitDeletesTheProcessedOnes()
    {
        await using var spool = _dir.Open(_dir.Options(segmentBytes: 4096));
        await AppendRecordsAsync(spool, batches: 60, perBatch: 10);
        var segments = _dir.SegmentFiles();
        Assert.True(segments.Length > 10, $"only {segments.Length} segments");
        Assert.Equal(segments.Length, spool.Stats.Segments);
        Assert.All(segments[..^1], s => Assert.InRange(new FileInfo(s).Length, 1, 4096 + 2000));

        await using var reader = spool.OpenReader();
        var records = await ReadAllAsync(reader, 600, maxRecords: 7);
        Assert.Equal(Enumerable.Range(0, 600).Select(Payload), records.Select(r => r.Payload));

        // Processed up to the middle: the segments wholly before it go, the one holding it stays.
        var middle = records[300].Position;
        await spool.CommitAsync(middle, CancellationToken.None);
        var remaining = _dir.SegmentFiles();
        Assert.True(remaining.Length < segments.Length);
        var firstKept = long.Parse(Path.GetFileNameWithoutExtension(remaining[0]), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(firstKept <= middle);
        Assert.Equal(middle, spool.CheckpointPosition);

        await using var replay = spool.OpenReader();
        var replayed = await ReadAllAsync(replay, 300);
        Assert.Equal(records.Skip(300).Select(r => r.Position), replayed.Select(r => r.Position));

        await spool.CommitAsync(spool.DurablePosition, CancellationToken.None);
        Assert.Single(_dir.SegmentFiles());
    }

    [Fact]
    public async Task Reader_InsideASegmentDeletedUnderIt_ReadsItToTheEndAndMovesOn()
    {
        await using var spool = _dir.Open(_dir.Options(segmentBytes: 4096));
        await AppendRecordsAsync(spool, batches: 30, perBatch: 10);
        await using var reader = spool.OpenReader();
        var first = await reader.ReadAsync(5, CancellationToken.None);
        Assert.Equal(5, first.Count);

        // Another consumer processed the whole first segment: it is deleted while this reader is inside it.
        var firstSegment = _dir.SegmentFiles()[0];
        await spool.CommitAsync(spool.Segments[1], CancellationToken.None);
        Assert.False(File.Exists(firstSegment));

        var rest = await ReadAllAsync(reader, 295);
        Assert.Equal(Enumerable.Range(5, 295).Select(Payload), rest.Select(r => r.Payload));
    }

    [Fact]
    public async Task Reader_PositionedBeforeTheOldestSegment_StartsAtTheOldestRecordLeft()
    {
        await using var spool = _dir.Open(_dir.Options(segmentBytes: 4096));
        await AppendRecordsAsync(spool, batches: 30, perBatch: 10);
        var all = await ReadAllAsync(spool.OpenReader(0), 300);
        var kept = spool.Segments[2];
        await spool.CommitAsync(kept, CancellationToken.None);

        await using var reader = spool.OpenReader(0);
        var batch = await reader.ReadAsync(1, CancellationToken.None);
        Assert.Equal(all.First(r => r.Position > kept).Position, batch[0].Position);
    }

    [Fact]
    public async Task Open_AfterCommit_ResumesFromTheCheckpointAndReplaysExactlyTheUnprocessedRecords()
    {
        List<(long Position, RecordMeta Meta, byte[] Payload)> all;
        long checkpoint;
        await using (var spool = _dir.Open(_dir.Options(segmentBytes: 8192)))
        {
            await AppendRecordsAsync(spool, batches: 10, perBatch: 100);
            await using var reader = spool.OpenReader();
            all = await ReadAllAsync(reader, 1000);
        }

        await using (var spool = _dir.Open(_dir.Options(segmentBytes: 8192)))
        {
            await using var reader = spool.OpenReader();
            var processed = 0;
            while (processed < 400)
            {
                var batch = await reader.ReadAsync(400 - processed, CancellationToken.None);
                processed += batch.Count;
                await spool.CommitAsync(batch.NextPosition, CancellationToken.None);
            }

            checkpoint = spool.CheckpointPosition;
            Assert.Equal(all[400].Position, checkpoint);
        }

        await using (var spool = _dir.Open(_dir.Options(segmentBytes: 8192)))
        {
            Assert.Equal(checkpoint, spool.CheckpointPosition);
            await using var reader = spool.OpenReader();
            var replayed = await ReadAllAsync(reader, 600);
            Assert.Equal(all.Skip(400).Select(r => r.Position), replayed.Select(r => r.Position));
            Assert.Equal(all.Skip(400).Select(r => r.Payload), replayed.Select(r => r.Payload));

            // Nothing beyond: the next read only returns when cancelled.
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
            Assert.Empty(await reader.ReadAsync(10, cts.Token));
        }
    }

    [Fact]
    public async Task Open_WithTheLastRecordTornAtAnyByte_KeepsAllCompleteRecordsAndReusesTheTornPosition()
    {
        long lastPosition;
        long end;
        await using (var spool = _dir.Open())
        {
            await AppendRecordsAsync(spool, batches: 3, perBatch: 5);
            lastPosition = (await ReadAllAsync(spool.OpenReader(0), 15))[^1].Position;
            end = spool.DurablePosition;
        }

        var segment = _dir.SegmentFiles().Single();
        var original = await File.ReadAllBytesAsync(segment);
        for (var cut = lastPosition; cut < end; cut++)
        {
            await File.WriteAllBytesAsync(segment, original.AsMemory(0, (int)cut).ToArray());
            await using var spool = _dir.Open();
            Assert.Equal(lastPosition, spool.DurablePosition);
            Assert.Equal(cut - lastPosition, spool.Stats.TailBytesTruncated);

            var records = await ReadAllAsync(spool.OpenReader(0), 14);
            Assert.Equal(Enumerable.Range(0, 14).Select(Payload), records.Select(r => r.Payload));
            Assert.Equal(0, spool.Stats.CorruptRecordsSkipped);

            var again = await AppendRecordsAsync(spool, 1, 1, firstIndex: 14);
            Assert.Equal(lastPosition, again[0].FirstPosition);
        }
    }

    [Fact]
    public async Task Read_WithAnyByteOfAMiddleRecordCorrupted_SkipsThatRecordAndReadsTheFollowingOnes()
    {
        List<(long Position, RecordMeta Meta, byte[] Payload)> written;
        await using (var spool = _dir.Open())
        {
            await AppendRecordsAsync(spool, batches: 1, perBatch: 5);
            written = await ReadAllAsync(spool.OpenReader(0), 5);
        }

        var segment = _dir.SegmentFiles().Single();
        var original = await File.ReadAllBytesAsync(segment);
        for (var at = written[2].Position; at < written[3].Position; at++)
        {
            var damaged = original.ToArray();
            damaged[at] ^= 0x5A;
            await File.WriteAllBytesAsync(segment, damaged);

            await using var spool = _dir.Open();
            var records = await ReadAllAsync(spool.OpenReader(0), 4);
            Assert.Equal([written[0].Position, written[1].Position, written[3].Position, written[4].Position], records.Select(r => r.Position));
            Assert.Equal(written[4].Payload, records[3].Payload);
            Assert.Equal(1, spool.Stats.CorruptRecordsSkipped);
            Assert.Equal(0, spool.Stats.TailBytesTruncated);
        }
    }

    [Fact]
    public async Task AppendAsync_WhenQueuedBytesReachTheBound_WaitsUntilTheWriterCatchesUp()
    {
        using var writerGate = new ManualResetEventSlim(false);
        using var writerEntered = new SemaphoreSlim(0);
        var options = _dir.Options(maxPendingBytes: 10_000, beforeWrite: () =>
        {
            writerEntered.Release();
            writerGate.Wait();
        });
        await using var spool = _dir.Open(options);
        using var batch = new SpoolBatch();
        void Fill(int first)
        {
            for (var i = first; i < first + 10; i++)
            {
                batch.Add(Encoding.ASCII.GetBytes(new string((char)('a' + i % 26), 350)), Meta(i));
            }
        }

        Fill(0);
        var bytesPerBatch = batch.Bytes;
        Assert.InRange(bytesPerBatch, 3500, 4999);
        var first = await spool.AppendAsync(batch, CancellationToken.None);
        Assert.True(await writerEntered.WaitAsync(TimeSpan.FromSeconds(30))); // the writer holds batch 1
        Fill(10);
        var second = await spool.AppendAsync(batch, CancellationToken.None); // 2 batches fit in 10,000 bytes
        Fill(20);
        var third = spool.AppendAsync(batch, CancellationToken.None).AsTask();
        using var cts = new CancellationTokenSource();
        using var fourthBatch = new SpoolBatch();
        fourthBatch.Add("cancelled"u8, Meta(99));
        var fourth = spool.AppendAsync(fourthBatch, cts.Token).AsTask();

        Assert.False(third.IsCompleted);
        Assert.False(fourth.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fourth);
        Assert.Equal(1, fourthBatch.Count); // not taken: the caller still owns it

        writerGate.Set();
        var thirdAppend = await third.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.WhenAll(first.Durable, second.Durable, thirdAppend.Durable);
        Assert.Equal(second.EndPosition, thirdAppend.FirstPosition);

        var records = await ReadAllAsync(spool.OpenReader(0), 30);
        Assert.Equal(30, records.Count);
        Assert.DoesNotContain(records, r => r.Payload.AsSpan().SequenceEqual("cancelled"u8));
    }

    [Fact]
    public async Task AppendAsync_FromConcurrentTasks_LosesNothing()
    {
        await using var spool = _dir.Open(_dir.Options(segmentBytes: 256 * 1024, maxPendingBytes: 64 * 1024));
        const int tasks = 4, batches = 100, perBatch = 25;
        await Task.WhenAll(Enumerable.Range(0, tasks).Select(t => Task.Run(async () =>
        {
            using var batch = new SpoolBatch(4096);
            var durable = new List<Task>();
            for (var b = 0; b < batches; b++)
            {
                for (var r = 0; r < perBatch; r++)
                {
                    batch.Add(Encoding.UTF8.GetBytes($"task {t} batch {b} record {r}"), Meta(r) with { TenantId = "t" + t });
                }

                durable.Add((await spool.AppendAsync(batch, CancellationToken.None)).Durable);
            }

            await Task.WhenAll(durable);
        })));

        var records = await ReadAllAsync(spool.OpenReader(0), tasks * batches * perBatch);
        var expected = from t in Enumerable.Range(0, tasks)
                       from b in Enumerable.Range(0, batches)
                       from r in Enumerable.Range(0, perBatch)
                       select $"t{t}: task {t} batch {b} record {r}";
        Assert.Equal(
            expected.Order(StringComparer.Ordinal),
            records.Select(r => $"{r.Meta.TenantId}: {Encoding.UTF8.GetString(r.Payload)}").Order(StringComparer.Ordinal));
        Assert.Equal(records.Count, records.Select(r => r.Position).Distinct().Count());

        // Within one appender, records keep their order.
        var ofTask0 = records.Where(r => r.Meta.TenantId == "t0").Select(r => Encoding.UTF8.GetString(r.Payload)).ToList();
        Assert.Equal(expected.Where(e => e.StartsWith("t0:", StringComparison.Ordinal)).Select(e => e[4..]), ofTask0);
    }

    [Fact]
    public async Task Reader_TailingWhileSegmentsRoll_ReadsEveryRecordOnceInOrder()
    {
        await using var spool = _dir.Open(_dir.Options(segmentBytes: 4096));
        await using var reader = spool.OpenReader();
        var reading = ReadAllAsync(reader, 2000, maxRecords: 64);
        await AppendRecordsAsync(spool, batches: 200, perBatch: 10);

        var records = await reading.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(0, 2000).Select(Payload), records.Select(r => r.Payload));
        Assert.True(spool.Stats.Segments > 50);
        Assert.Equal(0, spool.Stats.CorruptRecordsSkipped);
    }

    [Fact]
    public async Task Open_AfterAnAbruptStop_RecoversEveryDurableRecord()
    {
        var spool = _dir.Open();
        var durable = await AppendRecordsAsync(spool, batches: 10, perBatch: 10);
        using (var batch = new SpoolBatch())
        {
            for (var i = 100; i < 150; i++)
            {
                batch.Add(Payload(i), Meta(i));
            }

            _ = await spool.AppendAsync(batch, CancellationToken.None); // may or may not reach the disk
        }

        spool.Abandon();

        await using var reopened = _dir.Open();
        Assert.True(reopened.DurablePosition >= durable[^1].EndPosition);
        var records = await ReadAllAsync(reopened.OpenReader(0), 100);
        Assert.Equal(Enumerable.Range(0, 100).Select(Payload), records.Take(100).Select(r => r.Payload));
        Assert.Equal(durable[0].FirstPosition, records[0].Position);

        var next = await AppendRecordsAsync(reopened, 1, 1, firstIndex: 500);
        Assert.Equal(reopened.DurablePosition, next[0].EndPosition);
    }

    [Fact]
    public async Task AppendAsync_WhenTheDiskFails_FaultsDurableAndLaterAppendsWithTheError()
    {
        var failing = false;
        var options = _dir.Options(beforeWrite: () =>
        {
            if (Volatile.Read(ref failing))
            {
                throw new IOException("No space left on device");
            }
        });
        List<SpoolAppend> good;
        await using (var spool = _dir.Open(options))
        {
            good = await AppendRecordsAsync(spool, 2, 10);
            Volatile.Write(ref failing, true);

            using var batch = new SpoolBatch();
            batch.Add(Payload(20), Meta(20));
            var doomed = await spool.AppendAsync(batch, CancellationToken.None);
            var error = await Assert.ThrowsAsync<IOException>(() => doomed.Durable.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
            Assert.Contains(good[^1].EndPosition.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);

            batch.Add(Payload(21), Meta(21));
            var later = await Assert.ThrowsAsync<IOException>(async () => await spool.AppendAsync(batch, CancellationToken.None));
            Assert.Contains("No space left on device", later.Message, StringComparison.Ordinal);
            Assert.Equal(good[^1].EndPosition, spool.DurablePosition);
        }

        await using var reopened = _dir.Open();
        var records = await ReadAllAsync(reopened.OpenReader(0), 20);
        Assert.Equal(Enumerable.Range(0, 20).Select(Payload), records.Select(r => r.Payload));
    }

    [Fact]
    public async Task Open_WhileAnotherSpoolHoldsTheDirectory_Throws()
    {
        await using var spool = _dir.Open();
        var error = Assert.Throws<IOException>(() => _dir.Open());
        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommitAsync_BeyondTheDurableEnd_Throws()
    {
        await using var spool = _dir.Open();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await spool.CommitAsync(spool.DurablePosition + 1, CancellationToken.None));
    }
}

using BenchmarkDotNet.Attributes;
using Yagura.Ingest;
using Yagura.Ingest.Spool;

namespace Yagura.Benchmarks;

/// <summary>
/// The accept path: 300-byte messages encoded into batches of 1,000 and appended to the spool, measured per record.
/// <see cref="AppendDurable"/> waits for the last batch's fsync, so it is the sustained rate of durable accepts.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet owns the lifetime: [GlobalCleanup] disposes, and the class cannot be sealed.
public class SpoolBenchmarks
#pragma warning restore CA1001
{
    private const int BatchSize = 1_000;
    private const int BatchesPerInvoke = 200;

    private readonly byte[] _payload = new byte[300];
    private readonly RecordMeta _meta = new("default", new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero), Transport.Udp, "192.168.10.21", false, null);
    private string _directory = "";
    private MessageSpool? _spool;
    private SpoolBatch? _batch;

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < _payload.Length; i++)
        {
            _payload[i] = (byte)(' ' + (i * 7 % 90));
        }

        _directory = Path.Combine(Path.GetTempPath(), "yagura-spool-bench-" + Guid.NewGuid().ToString("N"));
        _spool = MessageSpool.Open(new SpoolOptions { Directory = _directory }, TimeProvider.System);
        _batch = new SpoolBatch();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _batch?.Dispose();
        if (_spool is not null)
        {
            await _spool.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Encoding alone (CRC included), the part that runs on the listener's core.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int Encode()
    {
        var batch = _batch!;
        batch.Clear();
        for (var i = 0; i < BatchSize; i++)
        {
            batch.Add(_payload, _meta);
        }

        return batch.Bytes;
    }

    /// <summary>Encode, append and wait until fsync'd; the processed segments are deleted so the disk does not fill.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize * BatchesPerInvoke)]
    public async Task<long> AppendDurable()
    {
        var spool = _spool!;
        var batch = _batch!;
        batch.Clear();
        SpoolAppend last = default;
        for (var b = 0; b < BatchesPerInvoke; b++)
        {
            for (var i = 0; i < BatchSize; i++)
            {
                batch.Add(_payload, _meta);
            }

            last = await spool.AppendAsync(batch, CancellationToken.None);
        }

        await last.Durable;
        await spool.CommitAsync(spool.DurablePosition, CancellationToken.None);
        return last.EndPosition;
    }
}

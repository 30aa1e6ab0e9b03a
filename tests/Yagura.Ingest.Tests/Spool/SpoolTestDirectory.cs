using System.Text;
using Yagura.Ingest.Spool;

namespace Yagura.Ingest.Tests.Spool;

/// <summary>A temporary spool directory, removed after the test, plus helpers shared by the spool tests.</summary>
internal sealed class SpoolTestDirectory : IDisposable
{
    public SpoolTestDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "yagura-spool-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public SpoolOptions Options(long segmentBytes = 64L * 1024 * 1024, TimeSpan? flushInterval = null, int maxPendingBytes = 64 * 1024 * 1024, Action? beforeWrite = null) => new()
    {
        Directory = Path,
        SegmentBytes = segmentBytes,
        FlushInterval = flushInterval ?? TimeSpan.FromMilliseconds(1),
        MaxPendingBytes = maxPendingBytes,
        ReadBufferBytes = 64 * 1024,
        BeforeWrite = beforeWrite,
    };

    public MessageSpool Open(SpoolOptions? options = null, TimeProvider? time = null) =>
        MessageSpool.Open(options ?? Options(), time ?? TimeProvider.System);

    public string[] SegmentFiles() => System.IO.Directory.GetFiles(Path, "*.seg").Order(StringComparer.Ordinal).ToArray();

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is not worth failing a test for.
        }
    }

    public static RecordMeta Meta(int i) => new(
        i % 3 == 0 ? "default" : "テナント-" + (i % 5),
        new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero).AddTicks(i * 10L),
        (Transport)(i % 5),
        i % 4 == 0 ? null : "10.0.0." + (i % 250),
        i % 7 == 0,
        i % 2 == 0 ? null : "json");

    public static byte[] Payload(int i) => Encoding.UTF8.GetBytes($"<13>1 2026-11-25T09:00:00Z host app - - - message number {i} " + new string('x', i % 97));

    /// <summary>Reads every record until <paramref name="expected"/> are seen, copying them out of the reader's buffer.</summary>
    public static async Task<List<(long Position, RecordMeta Meta, byte[] Payload)>> ReadAllAsync(SpoolReader reader, int expected, int maxRecords = 1000)
    {
        var records = new List<(long, RecordMeta, byte[])>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (records.Count < expected)
        {
            var batch = await reader.ReadAsync(maxRecords, timeout.Token);
            Assert.False(timeout.IsCancellationRequested, $"read only {records.Count} of {expected} records");
            foreach (var record in batch)
            {
                records.Add((record.Position, record.Meta, record.Payload.ToArray()));
            }
        }

        return records;
    }

    /// <summary>Waits for a condition the spool's own threads make true; the timeout only guards against a hang.</summary>
    public static async Task EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 30 s");
            await Task.Delay(1);
        }
    }
}

using System.Globalization;
using System.Text;

using BenchmarkDotNet.Attributes;

using Yagura.Core.Events;
using Yagura.Storage.Sqlite;

namespace Yagura.Benchmarks;

/// <summary>
/// Event store write throughput: 100,000 syslog-like events of ~300 bytes in batches of 10,000 into a fresh data
/// directory (two shards, so two writer threads). The throughput run with CPU time is
/// <c>dotnet test -c Release tests/Yagura.Storage.Sqlite.Tests --filter Category=Bench</c>.
/// </summary>
[MemoryDiagnoser]
public class StoreBenchmarks
{
    private const int Events = 100_000;
    private const int BatchSize = 10_000;

    private List<EventRecord[]> _batches = [];
    private string _directory = "";
    private SqliteEventStore? _store;

    [Params(FullTextIndex.BlockBloom, FullTextIndex.Fts5, FullTextIndex.None)]
    public FullTextIndex FullText { get; set; }

    [Params(false, true)]
    public bool ColumnIndexes { get; set; }

    [GlobalSetup]
    public void Setup() => _batches = [.. Generate(Events).Chunk(BatchSize)];

    [IterationSetup]
    public void OpenStore()
    {
        _directory = Path.Combine(Path.GetTempPath(), "yagura-bench-" + Guid.NewGuid().ToString("N"));
        _store = SqliteEventStore.Open(
            _directory,
            new SqliteEventStoreOptions { FullText = FullText, ColumnIndexes = ColumnIndexes },
            TimeProvider.System);
    }

    [IterationCleanup]
    public void CloseStore()
    {
        _store!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public async Task WriteBatches()
    {
        foreach (var batch in _batches)
        {
            await _store!.WriteAsync(batch).ConfigureAwait(false);
        }
    }

    /// <summary>Events like an sshd log: varied words, numbers and addresses, the promoted ECS fields set.</summary>
    public static List<EventRecord> Generate(int count, long firstId = 1)
    {
        var random = new Random(1);
        var words = Enumerable.Range(0, 5000)
            .Select(_ => new string(Enumerable.Range(0, random.Next(3, 10)).Select(_ => (char)('a' + random.Next(26))).ToArray()))
            .ToArray();
        var start = new DateTimeOffset(2026, 11, 20, 1, 0, 0, TimeSpan.Zero);
        var list = new List<EventRecord>(count);
        var sb = new StringBuilder(400);
        for (var i = 0; i < count; i++)
        {
            var ts = start.AddMilliseconds(i);
            var user = "user" + random.Next(500).ToString(CultureInfo.InvariantCulture);
            var ip = string.Create(CultureInfo.InvariantCulture, $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}");
            sb.Clear().Append("Accepted password for ").Append(user).Append(" from ").Append(ip).Append(" port ")
                .Append(random.Next(1024, 65535)).Append(" ssh2;");
            while (sb.Length < 200)
            {
                sb.Append(' ').Append(words[random.Next(words.Length)]);
                if (random.Next(6) == 0)
                {
                    sb.Append('=').Append(random.Next(100000));
                }
            }

            var message = sb.ToString();
            var host = "web" + random.Next(40).ToString("00", CultureInfo.InvariantCulture);
            list.Add(new EventRecord
            {
                Id = firstId + i,
                TenantId = "bench",
                Timestamp = ts,
                Received = ts,
                Original = string.Create(CultureInfo.InvariantCulture, $"<38>1 {ts:yyyy-MM-ddTHH:mm:ss.fffZ} {host} sshd {random.Next(30000)} - - {message}"),
                Message = message,
                Fields = new Dictionary<string, object?>
                {
                    [FieldNames.HostName] = host,
                    [FieldNames.SourceIp] = ip,
                    [FieldNames.UserName] = user,
                    [FieldNames.EventAction] = "ssh_login",
                    [FieldNames.LogFormat] = "rfc5424",
                    [FieldNames.ProcessName] = "sshd",
                    [FieldNames.ProcessPid] = (long)random.Next(30000),
                    [FieldNames.LogSyslogSeverityCode] = 6L,
                    [FieldNames.SourcePort] = (long)random.Next(1024, 65535),
                },
            });
        }

        return list;
    }
}

using System.Globalization;
using System.Text;

using Yagura.Core.Events;

namespace Yagura.Storage.Sqlite.Tests;

/// <summary>Events for tests and throughput runs.</summary>
internal static class TestEvents
{
    public static readonly DateTimeOffset Day0 = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    public static EventRecord Make(
        long id,
        DateTimeOffset timestamp,
        string tenant = "acme",
        string? message = null,
        DateTimeOffset? received = null,
        Dictionary<string, object?>? fields = null) => new()
        {
            Id = id,
            TenantId = tenant,
            Timestamp = timestamp,
            Received = received ?? timestamp,
            Message = message ?? $"event {id}",
            Original = $"<13>1 {timestamp:O} host app - - - {message ?? $"event {id}"}",
            Fields = fields ?? [],
        };

    private static readonly string[] Words = BuildWords();

    private static string[] BuildWords()
    {
        var random = new Random(7);
        var words = new string[5000];
        for (var i = 0; i < words.Length; i++)
        {
            var length = random.Next(3, 10);
            var sb = new StringBuilder(length);
            for (var j = 0; j < length; j++)
            {
                sb.Append((char)('a' + random.Next(26)));
            }

            words[i] = sb.ToString();
        }

        return words;
    }

    /// <summary>Syslog-like events of about 300 bytes with varied words, ids from <paramref name="firstId"/>.</summary>
    public static List<EventRecord> Realistic(int count, long firstId, string tenant, DateTimeOffset start, int seed = 1)
    {
        var random = new Random(seed);
        var list = new List<EventRecord>(count);
        var sb = new StringBuilder(400);
        for (var i = 0; i < count; i++)
        {
            var ts = start.AddMilliseconds(i);
            sb.Clear();
            var user = "user" + random.Next(500).ToString(CultureInfo.InvariantCulture);
            var ip = $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}";
            sb.Append("Accepted password for ").Append(user).Append(" from ").Append(ip).Append(" port ")
                .Append(random.Next(1024, 65535)).Append(" ssh2;");
            var vocabulary = Environment.GetEnvironmentVariable("YAGURA_BENCH_VOCAB") is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : Words.Length;
            while (sb.Length < 200)
            {
                sb.Append(' ').Append(Words[random.Next(vocabulary)]);
                if (vocabulary == Words.Length && random.Next(6) == 0)
                {
                    sb.Append('=').Append(random.Next(100000));
                }
            }

            var message = sb.ToString();
            var host = "web" + random.Next(40).ToString("00", CultureInfo.InvariantCulture);
            var original = $"<38>1 {ts:yyyy-MM-ddTHH:mm:ss.fffZ} {host} sshd {random.Next(30000)} - - {message}";
            list.Add(new EventRecord
            {
                Id = firstId + i,
                TenantId = tenant,
                Timestamp = ts,
                Received = ts,
                Original = original,
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

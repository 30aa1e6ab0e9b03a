using System.Text;
using BenchmarkDotNet.Attributes;
using Yagura.Core.Events;
using Yagura.Ingest;
using Yagura.Ingest.Parsing;

namespace Yagura.Benchmarks;

/// <summary>One typical message per format (≈300 bytes), parsed end to end into an <see cref="EventRecord"/>.</summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private static readonly byte[] Rfc5424Message = Encoding.UTF8.GetBytes(
        "<165>1 2026-11-25T10:15:03.123456+09:00 web01.example.jp sshd 4242 ID47 "
        + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][meta sequenceId=\"17\" sysUpTime=\"3748\"] "
        + "Accepted publickey for alice from 203.0.113.5 port 52144 ssh2: RSA SHA256:Wf1vTbXw0cY1n0QW0hU2Fq5t1Xo8");

    private static readonly byte[] Rfc3164Message = Encoding.UTF8.GetBytes(
        "<38>Nov 25 10:15:03 web01 sshd[4242]: Failed password for invalid user admin from 203.0.113.9 port 2222 ssh2 "
        + "- authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9 user=admin after 3 attempts "
        + "in the last 60 seconds, connection closed by remote host");

    private static readonly byte[] CefMessage = Encoding.UTF8.GetBytes(
        "<14>Nov 25 10:00:00 pa-fw01 CEF:0|Palo Alto Networks|PAN-OS|10.2.3|spyware|THREAT|5|rt=Nov 25 2026 01:00:00 GMT "
        + "deviceExternalId=013201001234 src=10.1.1.5 dst=198.51.100.20 spt=51544 dpt=443 proto=tcp suser=corp\\\\alice "
        + "act=reset-both cs1Label=Rule cs1=allow-web cs2Label=Source Zone cs2=trust request=malicious.example.com/path app=ssl");

    private static readonly byte[] LeefMessage = Encoding.UTF8.GetBytes(
        "<13>Nov 25 10:00:00 qradar LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5^srcPort=81^"
        + "dstPort=21^usrName=joe^proto=tcp^cat=Suspicious^devTime=2026-11-25 10:00:00.250 +0900^"
        + "devTimeFormat=yyyy-MM-dd HH:mm:ss.SSS Z^identHostName=ws-042.corp.example^policy=Block FTP^action=blocked");

    private static readonly byte[] JsonMessage = Encoding.UTF8.GetBytes(
        "{\"@timestamp\":\"2026-11-25T01:02:03.456Z\",\"event\":{\"code\":\"4625\",\"outcome\":\"failure\"},"
        + "\"host\":{\"name\":\"DC01.corp.example\"},\"winlog\":{\"channel\":\"Security\",\"event_data\":{\"TargetUserName\":\"administrator\","
        + "\"IpAddress\":\"203.0.113.50\",\"LogonType\":\"3\",\"Status\":\"0xc000006d\"}},\"source\":{\"ip\":\"203.0.113.50\",\"port\":50123},"
        + "\"message\":\"An account failed to log on.\"}");

    private static readonly byte[] KvMessage = Encoding.UTF8.GetBytes(
        "<189>date=2026-11-25 time=10:00:00 devname=\"FGT60F-HQ\" devid=\"FGT60FTK2109XXXX\" tz=\"+0900\" logid=\"0000000013\" "
        + "type=\"traffic\" subtype=\"forward\" level=\"notice\" srcip=192.168.1.10 srcport=52345 dstip=93.184.216.34 dstport=443 "
        + "policyid=12 proto=6 action=\"accept\" service=\"HTTPS\" sentbyte=1234 rcvdbyte=5678 msg=\"session closed\"");

    private static readonly byte[] RawMessage = Encoding.UTF8.GetBytes(
        "printer-3f: toner low on tray 2, 12 percent remaining; job 4711 from user bob queued behind 3 jobs; "
        + "next maintenance window is scheduled for the first weekend of the month, contact facilities for details "
        + "or open a ticket with the service desk referencing asset tag PRN-0042");

    /// <summary>The messages above by benchmark name, for <see cref="ParseCpuTime"/>.</summary>
    internal static readonly (string Name, byte[] Message)[] Messages =
    [
        (nameof(Rfc5424), Rfc5424Message), (nameof(Rfc3164), Rfc3164Message), (nameof(Cef), CefMessage),
        (nameof(Leef), LeefMessage), (nameof(Json), JsonMessage), (nameof(Kv), KvMessage), (nameof(Raw), RawMessage),
    ];

    private readonly MessageContext _context = new(1, "tenant-a", DateTimeOffset.UnixEpoch.AddYears(56), Transport.Udp, "192.0.2.10", false, null);

    [Benchmark(Baseline = true)]
    public EventRecord Rfc5424() => LogParser.Parse(Rfc5424Message, _context);

    [Benchmark]
    public EventRecord Rfc3164() => LogParser.Parse(Rfc3164Message, _context);

    [Benchmark]
    public EventRecord Cef() => LogParser.Parse(CefMessage, _context);

    [Benchmark]
    public EventRecord Leef() => LogParser.Parse(LeefMessage, _context);

    [Benchmark]
    public EventRecord Json() => LogParser.Parse(JsonMessage, _context);

    [Benchmark]
    public EventRecord Kv() => LogParser.Parse(KvMessage, _context);

    [Benchmark]
    public EventRecord Raw() => LogParser.Parse(RawMessage, _context);
}

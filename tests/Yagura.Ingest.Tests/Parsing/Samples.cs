namespace Yagura.Ingest.Tests.Parsing;

/// <summary>One well-formed message per format and variant; the property tests cut and corrupt these.</summary>
internal static class Samples
{
    public static readonly string[] All =
    [
        "<165>1 2026-11-25T10:15:03.123456+09:00 web01.example.jp sshd 4242 ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][meta sequenceId=\"17\"] Accepted publickey for alice",
        "<13>1 2026-11-25T00:00:00Z h app - - [x@1 q=\"say \\\"hi\\\"\" b=\"a\\\\b\" r=\"[1\\]\"] \uFEFFm",
        "<38>Nov 25 10:15:03 web01 sshd[4242]: Failed password for root from 203.0.113.9 port 2222 ssh2",
        "<166>Nov 25 2025 10:00:00 asa01 : %ASA-6-302013: Built outbound TCP connection 1234 for outside:198.51.100.7/443",
        "<189>123: *Nov 25 10:00:00.123: %SYS-5-CONFIG_I: Configured from console by vty0 (10.0.0.1)",
        "<14>2026-11-01T10:00:00+09:00 fw01 kernel: eth0 link up",
        "<14>Nov 25 10:00:00 pa-fw01 CEF:0|Palo Alto Networks|PAN-OS|10.2.3|spyware|THREAT|5|rt=Nov 25 2026 01:00:00 GMT src=10.1.1.5 dst=198.51.100.20 spt=51544 dpt=443 suser=corp\\\\alice cs1Label=Rule cs1=allow-web request=http://x/?a\\=b",
        "CEF:0|Trend Micro|Deep Security Agent|20.0.0.8438|4000000|Eicar_test_file|6|cn1=1 cn1Label=Host ID dvchost=ws-042 act=Delete msg=Realtime fileHash=275A021BBFB6489E54D471899F7DB9D1663FC695EC2FE2A2C4538AABF651FD0F rt=1764032400000",
        "LEEF:1.0|Microsoft|MSExchange|2016|15345|src=10.50.1.1\tdst=2.10.20.20\tsrcPort=1200\tusrName=joe.bloggs\tsev=5\tdevTime=Nov 25 2026 10:00:00",
        "<13>Nov 25 10:00:00 q LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^devTime=2026-11-25 10:00:00.250 +0900^devTimeFormat=yyyy-MM-dd HH:mm:ss.SSS Z",
        "{\"@timestamp\":\"2026-11-25T01:02:03.456Z\",\"event\":{\"code\":\"4625\"},\"host\":{\"ip\":[\"10.0.0.10\",\"fe80::1\"]},\"message\":\"An account failed\",\"d\":[{\"a\":1}],\"n\":1.5e3,\"e\":\"\\u00e9\\ud83d\\ude00\"}",
        "<134>1 2026-11-25T10:00:00+09:00 k8s-node1 app 1 - - {\"msg\":\"GET /health\",\"status\":200,\"ts\":1764032400.5}",
        "<189>date=2026-11-25 time=10:00:00 devname=\"FGT60F-HQ\" tz=\"+0900\" srcip=192.168.1.10 srcport=52345 dstip=93.184.216.34 dstport=443 proto=6 action=\"accept\" msg=\"session closed\"",
        "type=USER_LOGIN msg=audit(1764032400.123:4567): pid=1234 uid=0 msg='op=login acct=\"bob\" addr=203.0.113.77 res=failed'",
        "just some plain text from a printer",
    ];
}

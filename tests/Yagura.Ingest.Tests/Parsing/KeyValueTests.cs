namespace Yagura.Ingest.Tests.Parsing;

public class KeyValueTests
{
    [Fact]
    public void Parse_FortiGateTrafficLog_MapsAndKeepsOriginals()
    {
        const string raw = "<189>date=2026-11-25 time=10:00:00 devname=\"FGT60F-HQ\" devid=\"FGT60FTK2109XXXX\" eventtime=1764032400123456789 "
            + "tz=\"+0900\" logid=\"0000000013\" type=\"traffic\" subtype=\"forward\" level=\"notice\" vd=\"root\" srcip=192.168.1.10 "
            + "srcport=52345 srcintf=\"internal\" dstip=93.184.216.34 dstport=443 dstintf=\"wan1\" policyid=12 policyname=\"LAN to WAN\" "
            + "proto=6 action=\"accept\" service=\"HTTPS\" sentbyte=1234 rcvdbyte=5678 user=\"alice\" msg=\"session closed\"";

        var e = ParserFixture.Parse(raw);

        Assert.Null(e.ErrorMessage);
        Assert.Equal("kv", e.F("log.format"));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.FromHours(9)), e.Timestamp);
        Assert.Equal(23L, e.F("log.syslog.facility.code"));
        Assert.Equal("FGT60F-HQ", e.F("observer.hostname"));
        Assert.Equal("FGT60F-HQ", e.F("host.name"));
        Assert.Equal("FGT60FTK2109XXXX", e.F("observer.serial_number"));
        Assert.Equal("0000000013", e.F("event.code"));
        Assert.Equal("notice", e.F("log.level"));
        Assert.Equal("192.168.1.10", e.F("source.ip"));
        Assert.Equal(52345L, e.F("source.port"));
        Assert.Equal("93.184.216.34", e.F("destination.ip"));
        Assert.Equal(443L, e.F("destination.port"));
        Assert.Equal("12", e.F("rule.id"));
        Assert.Equal("LAN to WAN", e.F("rule.name"));
        Assert.Equal("tcp", e.F("network.transport"));
        Assert.Equal("accept", e.F("event.action"));
        Assert.Equal("https", e.F("network.protocol"));
        Assert.Equal(1234L, e.F("source.bytes"));
        Assert.Equal("alice", e.F("user.name"));
        Assert.Equal("session closed", e.Message);
        Assert.Equal("internal", e.F("kv.srcintf"));
        Assert.Equal("FGT60F-HQ", e.F("kv.devname"));
    }

    [Fact]
    public void Parse_FortiGateDateWithoutTz_UsesTenantZone()
    {
        var e = ParserFixture.Parse("date=2026-11-25 time=10:00:00 devname=fw srcip=10.0.0.1", zone: ParserFixture.Tokyo);

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.FromHours(9)), e.Timestamp);
        Assert.Equal("kv", e.F("log.format"));
    }

    [Fact]
    public void Parse_LinuxAuditUserLogin_ReadsStampAndNestedMessage()
    {
        const string raw = "type=USER_LOGIN msg=audit(1764032400.123:4567): pid=1234 uid=0 auid=4294967295 ses=4294967295 "
            + "msg='op=login acct=\"bob\" exe=\"/usr/sbin/sshd\" hostname=? addr=203.0.113.77 terminal=sshd res=failed'";

        var e = ParserFixture.Parse(raw);

        Assert.Null(e.ErrorMessage);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764032400123), e.Timestamp);
        Assert.Equal(4567L, e.F("event.sequence"));
        Assert.Equal(1234L, e.F("process.pid"));
        Assert.Equal("0", e.F("user.id"));
        Assert.Equal("bob", e.F("user.name"));
        Assert.Equal("/usr/sbin/sshd", e.F("process.executable"));
        Assert.Equal("203.0.113.77", e.F("source.ip"));
        Assert.Equal("failure", e.F("event.outcome"));
        Assert.Equal("USER_LOGIN", e.F("kv.type"));
        var msgs = Assert.IsAssignableFrom<IReadOnlyList<object?>>(e.F("kv.msg"));
        Assert.Equal("audit(1764032400.123:4567):", msgs[0]);
    }

    [Fact]
    public void Parse_SophosXgOverSyslog_ReadsQuotedValues()
    {
        const string raw = "<30>device=\"SFW\" date=2026-11-25 time=10:00:00 timezone=\"JST\" device_name=\"XG230\" device_id=C01001K234RXPF1 "
            + "log_id=010101600001 log_type=\"Firewall\" log_component=\"Firewall Rule\" log_subtype=\"Allowed\" status=\"Allow\" "
            + "src_ip=10.0.0.5 dst_ip=8.8.4.4 protocol=\"UDP\" src_port=33000 dst_port=53 user_name='jane doe'";

        var e = ParserFixture.Parse(raw, zone: ParserFixture.Tokyo);

        Assert.Null(e.ErrorMessage);
        Assert.Equal("XG230", e.F("observer.hostname"));
        Assert.Equal("10.0.0.5", e.F("source.ip"));
        Assert.Equal("8.8.4.4", e.F("destination.ip"));
        Assert.Equal("udp", e.F("network.transport"));
        Assert.Equal(53L, e.F("destination.port"));
        Assert.Equal("jane doe", e.F("user.name"));
        Assert.Equal("Firewall Rule", e.F("kv.log_component"));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.FromHours(9)), e.Timestamp);
    }

    [Fact]
    public void Parse_CommaSeparatedPairsWithUnquotedSpaces_SplitOnlyBeforeKeys()
    {
        var e = ParserFixture.Parse("<13>Nov 25 10:00:00 h app: user=alice, action=login failed, src=10.0.0.1");

        Assert.Equal("kv", e.F("log.format"));
        Assert.Equal("alice", e.F("user.name"));
        Assert.Equal("login failed", e.F("event.action"));
        Assert.Equal("10.0.0.1", e.F("source.ip"));
        Assert.Equal("app", e.F("process.name"));
        Assert.Equal("user=alice, action=login failed, src=10.0.0.1", e.Message);
    }

    [Fact]
    public void Parse_UnclosedQuote_IsReported()
    {
        var e = ParserFixture.Parse("srcip=10.0.0.1 msg=\"never closed");

        Assert.Equal("kv", e.F("log.format"));
        Assert.Contains("no closing quote", e.ErrorMessage);
        Assert.Equal("never closed", e.Message);
    }
}

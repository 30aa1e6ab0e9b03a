namespace Yagura.Ingest.Tests.Parsing;

public class LeefTests
{
    [Fact]
    public void Parse_Leef10TabDelimited_MapsAttributes()
    {
        const string raw = "LEEF:1.0|Microsoft|MSExchange|2016|15345|src=10.50.1.1\tdst=2.10.20.20\tspt=1200\tsrcPort=1200\tdstPort=25\t"
            + "usrName=joe.bloggs\tsev=5\tcat=Mail\tdevTime=Nov 25 2026 10:00:00\tmsg=Message delivered";

        var e = ParserFixture.Parse(raw);

        Assert.Null(e.ErrorMessage);
        Assert.Equal("leef", e.F("log.format"));
        Assert.Equal("Microsoft", e.F("observer.vendor"));
        Assert.Equal("MSExchange", e.F("observer.product"));
        Assert.Equal("2016", e.F("observer.version"));
        Assert.Equal("15345", e.F("event.code"));
        Assert.Equal("10.50.1.1", e.F("source.ip"));
        Assert.Equal("2.10.20.20", e.F("destination.ip"));
        Assert.Equal(1200L, e.F("source.port"));
        Assert.Equal(25L, e.F("destination.port"));
        Assert.Equal("joe.bloggs", e.F("user.name"));
        Assert.Equal(5L, e.F("event.severity"));
        Assert.Equal("Mail", e.F("rule.category"));
        Assert.Equal("Message delivered", e.Message);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), e.Timestamp);
        Assert.Equal("1200", e.F("leef.spt"));
        Assert.Equal("Mail", e.F("leef.cat"));
    }

    [Fact]
    public void Parse_QRadarLeef20WithCaretDelimiterAndDevTimeFormat_ReadsThem()
    {
        const string raw = "<13>Nov 25 10:00:00 qradar-src LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^"
            + "sev=5^srcPort=81^dstPort=21^usrName=joe^devTime=2026-11-25 10:00:00.250 +0900^devTimeFormat=yyyy-MM-dd HH:mm:ss.SSS Z";

        var e = ParserFixture.Parse(raw);

        Assert.Null(e.ErrorMessage);
        Assert.Equal("leef", e.F("log.format"));
        Assert.Equal("2.0", e.F("leef.version"));
        Assert.Equal("qradar-src", e.F("host.name"));
        Assert.Equal("10.0.1.8", e.F("source.ip"));
        Assert.Equal(21L, e.F("destination.port"));
        Assert.Equal("joe", e.F("user.name"));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, 250, TimeSpan.FromHours(9)), e.Timestamp);
    }

    [Theory]
    [InlineData("x09")]
    [InlineData("0x09")]
    [InlineData("")]
    public void Parse_Leef20HexTabDelimiter_SplitsOnTab(string delimiter)
    {
        var e = ParserFixture.Parse($"LEEF:2.0|Vendor|Product|1.0|evt|{delimiter}|src=10.0.0.1\tdst=10.0.0.2\tusrName=a b");

        Assert.Null(e.ErrorMessage);
        Assert.Equal("10.0.0.1", e.F("source.ip"));
        Assert.Equal("10.0.0.2", e.F("destination.ip"));
        Assert.Equal("a b", e.F("user.name"));
    }

    [Fact]
    public void Parse_PaloAltoLeefWithPipes_SplitsOnPipe()
    {
        const string raw = "LEEF:1.0|Palo Alto Networks|PAN-OS Syslog Integration|10.1.0|allow|cat=TRAFFIC|ReceiveTime=2026/11/25 10:00:00|"
            + "src=10.0.0.9|dst=8.8.8.8|srcPort=50000|dstPort=53|proto=udp|usrName=corp\\bob|action=allow";

        var e = ParserFixture.Parse(raw);

        Assert.Null(e.ErrorMessage);
        Assert.Equal("allow", e.F("event.code"));
        Assert.Equal("TRAFFIC", e.F("leef.cat"));
        Assert.Equal("2026/11/25 10:00:00", e.F("leef.ReceiveTime"));
        Assert.Equal("8.8.8.8", e.F("destination.ip"));
        Assert.Equal(53L, e.F("destination.port"));
        Assert.Equal("udp", e.F("network.transport"));
        Assert.Equal("corp\\bob", e.F("user.name"));
        Assert.Equal("allow", e.F("event.action"));
    }

    [Fact]
    public void Parse_DevTimeEpochMilliseconds_SetsTimestamp()
    {
        var e = ParserFixture.Parse("LEEF:1.0|V|P|1|E|devTime=1764032400000\tsrc=10.0.0.1");

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764032400000), e.Timestamp);
    }

    [Fact]
    public void Parse_DevTimeNotMatchingFormat_KeepsReceivedAndSaysSo()
    {
        var e = ParserFixture.Parse("LEEF:1.0|V|P|1|E|devTime=garbage\tdevTimeFormat=yyyy-MM-dd");

        Assert.Equal(ParserFixture.Received, e.Timestamp);
        Assert.Contains("devTime 'garbage'", e.ErrorMessage);
    }

    [Fact]
    public void Parse_IncompleteHeader_ReportsFieldCount()
    {
        var e = ParserFixture.Parse("LEEF:1.0|Vendor|Product");

        Assert.Equal("LEEF header has 2 of 5 fields; kept as raw", e.ErrorMessage);
        Assert.Equal("raw", e.F("log.format"));
    }
}

namespace Yagura.Ingest.Tests.Parsing;

public class Rfc3164Tests
{
    [Fact]
    public void Parse_ClassicLineWithHostAndPid_SetsHeaderFields()
    {
        var e = ParserFixture.Parse("<38>Nov 25 10:15:03 web01 sshd[4242]: Failed password for root from 203.0.113.9 port 2222 ssh2");

        Assert.Null(e.ErrorMessage);
        Assert.Equal("rfc3164", e.F("log.format"));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 15, 3, TimeSpan.Zero), e.Timestamp);
        Assert.Equal(4L, e.F("log.syslog.facility.code"));
        Assert.Equal(6L, e.F("log.syslog.severity.code"));
        Assert.Equal("web01", e.F("host.name"));
        Assert.Equal("web01", e.F("observer.hostname"));
        Assert.Equal("sshd", e.F("process.name"));
        Assert.Equal(4242L, e.F("process.pid"));
        Assert.Equal("sshd", e.F("log.syslog.appname"));
        Assert.Equal("Failed password for root from 203.0.113.9 port 2222 ssh2", e.Message);
    }

    [Fact]
    public void Parse_UtilLinuxLoggerDefault_ReadsSpacePaddedDay()
    {
        // logger -t cron 'job done' (util-linux, --rfc3164) with a one-digit day.
        var e = ParserFixture.Parse("<13>Nov  5 07:08:09 host1 cron: job done");

        Assert.Equal(new DateTimeOffset(2026, 11, 5, 7, 8, 9, TimeSpan.Zero), e.Timestamp);
        Assert.Equal("host1", e.F("host.name"));
        Assert.Equal("cron", e.F("process.name"));
        Assert.Equal("job done", e.Message);
    }

    [Fact]
    public void Parse_NoHostname_TakesFirstTokenAsTag()
    {
        var e = ParserFixture.Parse("<13>Nov 25 10:00:00 myapp: started");

        Assert.Null(e.F("host.name"));
        Assert.Equal("myapp", e.F("process.name"));
        Assert.Equal("started", e.Message);
    }

    [Fact]
    public void Parse_TimestampWithoutZone_UsesTenantZone()
    {
        var e = ParserFixture.Parse("<13>Nov 25 10:00:00 h app: x", zone: ParserFixture.Tokyo);

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.FromHours(9)), e.Timestamp);
    }

    [Fact]
    public void Parse_DecemberMessageReceivedInJanuary_IsPreviousYear()
    {
        var received = new DateTimeOffset(2027, 1, 1, 0, 0, 5, TimeSpan.Zero);

        var e = ParserFixture.Parse("<13>Dec 31 23:59:58 h app: x", received);

        Assert.Equal(new DateTimeOffset(2026, 12, 31, 23, 59, 58, TimeSpan.Zero), e.Timestamp);
    }

    [Fact]
    public void Parse_JanuaryMessageFromFastClockReceivedInDecember_IsNextYear()
    {
        var received = new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.Zero);

        var e = ParserFixture.Parse("<13>Jan  1 00:00:01 h app: x", received);

        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 1, TimeSpan.Zero), e.Timestamp);
    }

    [Fact]
    public void Parse_CiscoAsaWithYear_ReadsYearAndMnemonic()
    {
        var e = ParserFixture.Parse(
            "<166>Nov 25 2025 10:00:00 asa01 : %ASA-6-302013: Built outbound TCP connection 1234 for outside:198.51.100.7/443 (198.51.100.7/443) to inside:10.0.0.5/51234 (203.0.113.1/51234)");

        Assert.Null(e.ErrorMessage);
        Assert.Equal(new DateTimeOffset(2025, 11, 25, 10, 0, 0, TimeSpan.Zero), e.Timestamp);
        Assert.Equal("asa01", e.F("host.name"));
        Assert.Equal("%ASA-6-302013", e.F("log.syslog.appname"));
        Assert.Equal("302013", e.F("event.code"));
        Assert.Equal(6L, e.F("event.severity"));
        Assert.Equal("Cisco", e.F("observer.vendor"));
        Assert.Equal("ASA", e.F("observer.product"));
        Assert.StartsWith("Built outbound TCP connection 1234", e.Message);
    }

    [Fact]
    public void Parse_CiscoAsaWithoutTimestamp_ReadsTag()
    {
        var e = ParserFixture.Parse("<164>%ASA-4-106023: Deny tcp src outside:203.0.113.9/4444 dst inside:10.0.0.5/22 by access-group \"outside_in\"");

        Assert.Equal("rfc3164", e.F("log.format"));
        Assert.Equal("106023", e.F("event.code"));
        Assert.Equal(ParserFixture.Received, e.Timestamp);
        Assert.StartsWith("Deny tcp", e.Message);
    }

    [Fact]
    public void Parse_CiscoIosWithSequenceAndMilliseconds_ReadsTimestamp()
    {
        var e = ParserFixture.Parse("<189>123: *Nov 25 10:00:00.123: %SYS-5-CONFIG_I: Configured from console by vty0 (10.0.0.1)");

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, 123, TimeSpan.Zero), e.Timestamp);
        Assert.Equal(123L, e.F("event.sequence"));
        Assert.Equal("CONFIG_I", e.F("event.code"));
        Assert.Equal("%SYS-5-CONFIG_I", e.F("process.name"));
        Assert.Equal("Configured from console by vty0 (10.0.0.1)", e.Message);
    }

    [Fact]
    public void Parse_IsoTimestampAfterPri_ReadsZone()
    {
        var e = ParserFixture.Parse("<14>2026-11-01T10:00:00+09:00 fw01 kernel: eth0 link up");

        Assert.Equal("rfc3164", e.F("log.format"));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.FromHours(9)), e.Timestamp);
        Assert.Equal("fw01", e.F("host.name"));
        Assert.Equal("kernel", e.F("process.name"));
        Assert.Equal("eth0 link up", e.Message);
    }

    [Fact]
    public void Parse_RsyslogFileFormatWithoutPri_IsDetected()
    {
        var e = ParserFixture.Parse("2026-11-25T10:00:00.123456+09:00 db01 postgres[777]: connection received");

        Assert.Equal("rfc3164", e.F("log.format"));
        Assert.Null(e.F("log.syslog.facility.code"));
        Assert.Equal("db01", e.F("host.name"));
        Assert.Equal(777L, e.F("process.pid"));
        Assert.Equal("connection received", e.Message);
    }

    [Fact]
    public void Parse_BsdLineWithoutPri_IsDetected()
    {
        var e = ParserFixture.Parse("Nov 25 10:00:00 h su: pam_unix(su:session): session opened for user root");

        Assert.Equal("rfc3164", e.F("log.format"));
        Assert.Equal("su", e.F("process.name"));
        Assert.Equal("pam_unix(su:session): session opened for user root", e.Message);
    }

    [Fact]
    public void Parse_ImpossibleDate_KeepsReceivedAndSaysSo()
    {
        var e = ParserFixture.Parse("<13>Feb 30 10:00:00 h app: x");

        Assert.Equal(ParserFixture.Received, e.Timestamp);
        Assert.Contains("not a valid date", e.ErrorMessage);
    }
}

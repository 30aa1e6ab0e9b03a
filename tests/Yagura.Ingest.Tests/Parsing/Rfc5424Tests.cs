using Yagura.Core.Events;

namespace Yagura.Ingest.Tests.Parsing;

public class Rfc5424Tests
{
    [Fact]
    public void Parse_RsyslogLineWithStructuredData_SetsEveryHeaderField()
    {
        const string raw = "<165>1 2026-11-25T10:15:03.123456+09:00 web01.example.jp sshd 4242 ID47 "
            + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][meta sequenceId=\"17\"] "
            + "Accepted publickey for alice from 203.0.113.5 port 52144 ssh2";

        var e = ParserFixture.Parse(raw);

        Assert.Null(e.ErrorMessage);
        Assert.Equal("rfc5424", e.F("log.format"));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 15, 3, TimeSpan.FromHours(9)).AddTicks(1234560), e.Timestamp);
        Assert.Equal(20L, e.F("log.syslog.facility.code"));
        Assert.Equal("local4", e.F("log.syslog.facility.name"));
        Assert.Equal(5L, e.F("log.syslog.severity.code"));
        Assert.Equal("Notice", e.F("log.syslog.severity.name"));
        Assert.Equal("notice", e.F("log.level"));
        Assert.Equal(1L, e.F("log.syslog.version"));
        Assert.Equal("web01.example.jp", e.F("host.name"));
        Assert.Equal("web01.example.jp", e.F("observer.hostname"));
        Assert.Equal("sshd", e.F("log.syslog.appname"));
        Assert.Equal("sshd", e.F("process.name"));
        Assert.Equal("4242", e.F("log.syslog.procid"));
        Assert.Equal(4242L, e.F("process.pid"));
        Assert.Equal("ID47", e.F("log.syslog.msgid"));
        Assert.Equal("3", e.F("log.syslog.structured_data.exampleSDID@32473.iut"));
        Assert.Equal("Application", e.F("log.syslog.structured_data.exampleSDID@32473.eventSource"));
        Assert.Equal("1011", e.F("log.syslog.structured_data.exampleSDID@32473.eventID"));
        Assert.Equal("17", e.F("log.syslog.structured_data.meta.sequenceId"));
        Assert.Equal("Accepted publickey for alice from 203.0.113.5 port 52144 ssh2", e.Message);
        Assert.Equal(raw, e.Original);
        Assert.Equal(42L, e.Id);
        Assert.Equal("tenant-a", e.TenantId);
        Assert.Equal(ParserFixture.Received, e.Received);
        Assert.Equal("192.0.2.10", e.F("log.source.address"));
    }

    [Fact]
    public void Parse_UtilLinuxLoggerRfc5424_ReadsNilValuesAndBom()
    {
        // logger --rfc5424 -p user.warning -t backup 'disk almost full'
        const string raw = "<12>1 2026-11-25T01:00:00.000000Z host1 backup - - [timeQuality tzKnown=\"1\" isSynced=\"1\" syncAccuracy=\"95000\"] \uFEFFdisk almost full";

        var e = ParserFixture.Parse(raw);

        Assert.Null(e.ErrorMessage);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 1, 0, 0, TimeSpan.Zero), e.Timestamp);
        Assert.Equal(1L, e.F("log.syslog.facility.code"));
        Assert.Equal(4L, e.F("log.syslog.severity.code"));
        Assert.Equal("warning", e.F("log.level"));
        Assert.Null(e.F("log.syslog.procid"));
        Assert.Null(e.F("process.pid"));
        Assert.Null(e.F("log.syslog.msgid"));
        Assert.Equal("95000", e.F("log.syslog.structured_data.timeQuality.syncAccuracy"));
        Assert.Equal("disk almost full", e.Message);
    }

    [Fact]
    public void Parse_AllNilHeader_KeepsReceivedTimeAndNoHost()
    {
        var e = ParserFixture.Parse("<34>1 - - - - - - hello");

        Assert.Null(e.ErrorMessage);
        Assert.Equal(ParserFixture.Received, e.Timestamp);
        Assert.Null(e.F("host.name"));
        Assert.Null(e.F("process.name"));
        Assert.Equal("hello", e.Message);
    }

    [Fact]
    public void Parse_StructuredDataEscapes_AreUnescaped()
    {
        const string raw = "<13>1 2026-11-25T00:00:00Z h app - - [x@1 q=\"say \\\"hi\\\"\" b=\"a\\\\b\" r=\"[1\\]\" o=\"c:\\d\"] m";

        var e = ParserFixture.Parse(raw);

        Assert.Null(e.ErrorMessage);
        Assert.Equal("say \"hi\"", e.F("log.syslog.structured_data.x@1.q"));
        Assert.Equal("a\\b", e.F("log.syslog.structured_data.x@1.b"));
        Assert.Equal("[1]", e.F("log.syslog.structured_data.x@1.r"));
        Assert.Equal("c:\\d", e.F("log.syslog.structured_data.x@1.o"));
        Assert.Equal("m", e.Message);
    }

    [Fact]
    public void Parse_RepeatedStructuredDataParam_BecomesList()
    {
        var e = ParserFixture.Parse("<13>1 2026-11-25T00:00:00Z h app - - [origin ip=\"192.0.2.1\" ip=\"192.0.2.2\"] m");

        var list = Assert.IsAssignableFrom<IReadOnlyList<object?>>(e.F("log.syslog.structured_data.origin.ip"));
        Assert.Equal(["192.0.2.1", "192.0.2.2"], list);
    }

    [Fact]
    public void Parse_MalformedStructuredData_SetsErrorAndKeepsRestAsMessage()
    {
        var e = ParserFixture.Parse("<13>1 2026-11-25T00:00:00Z h app - - [x@1 a=\"unterminated] tail");

        Assert.Contains("structured data is malformed", e.ErrorMessage);
        Assert.Equal("h", e.F("host.name"));
        Assert.Equal("[x@1 a=\"unterminated] tail", e.Message);
    }

    [Fact]
    public void Parse_BadTimestamp_KeepsReceivedAndSaysSo()
    {
        var e = ParserFixture.Parse("<13>1 2026-13-45T99:00:00Z h app - - - m");

        Assert.Equal(ParserFixture.Received, e.Timestamp);
        Assert.Contains("not a valid RFC 3339 time", e.ErrorMessage);
        Assert.Equal("m", e.Message);
    }

    [Fact]
    public void Parse_HeaderCutShort_SaysHowFarItGot()
    {
        var e = ParserFixture.Parse("<13>1 2026-11-25T00:00:00Z host");

        Assert.Equal("RFC 5424 header ends after 3 of 7 fields", e.ErrorMessage);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero), e.Timestamp);
        Assert.Equal("host", e.F("host.name"));
    }

    [Fact]
    public void Parse_PriOutOfRange_IsReported()
    {
        var e = ParserFixture.Parse("<999>1 2026-11-25T00:00:00Z h a - - - m");

        Assert.Contains("PRI 999", e.ErrorMessage);
        Assert.Null(e.F("log.syslog.facility.code"));
        Assert.Equal("m", e.Message);
    }
}

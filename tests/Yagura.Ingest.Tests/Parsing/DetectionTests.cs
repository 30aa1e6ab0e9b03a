using System.Text;
using Yagura.Ingest.Parsing;

namespace Yagura.Ingest.Tests.Parsing;

public class DetectionTests
{
    [Theory]
    [InlineData("hello world")]
    [InlineData("[1,2,3]")]
    [InlineData("<not a pri> text")]
    [InlineData("a=b")]
    [InlineData("2026-11-25 something")]
    public void Parse_UnrecognisedText_IsRawWithoutError(string raw)
    {
        var e = ParserFixture.Parse(raw);

        Assert.Equal("raw", e.F("log.format"));
        Assert.Null(e.ErrorMessage);
        Assert.Equal(raw, e.Message);
        Assert.Equal(ParserFixture.Received, e.Timestamp);
    }

    [Fact]
    public void Parse_EmptyInput_IsRawAndEmpty()
    {
        var e = LogParser.Parse([], ParserFixture.Context());

        Assert.Equal("raw", e.F("log.format"));
        Assert.Equal(string.Empty, e.Original);
        Assert.Null(e.ErrorMessage);
    }

    [Fact]
    public void Parse_ContextFormatRaw_SkipsDetection()
    {
        var e = ParserFixture.Parse("CEF:0|V|P|1|2|N|3|src=10.0.0.1", format: "raw");

        Assert.Equal("raw", e.F("log.format"));
        Assert.Null(e.F("source.ip"));
    }

    [Fact]
    public void Parse_ContextFormatKv_ParsesTextThatDetectionWouldLeaveRaw()
    {
        var e = ParserFixture.Parse("user=alice", format: "kv");

        Assert.Equal("kv", e.F("log.format"));
        Assert.Equal("alice", e.F("user.name"));
    }

    [Fact]
    public void Parse_ContextFormatJsonOnNonJson_SetsError()
    {
        var e = ParserFixture.Parse("plain words", format: "json");

        Assert.Contains("not a JSON object", e.ErrorMessage);
        Assert.Equal("plain words", e.Message);
    }

    [Fact]
    public void Parse_ContextFormatRfc5424OnBsdLine_SetsError()
    {
        var e = ParserFixture.Parse("<13>Nov 25 10:00:00 h app: x", format: "rfc5424");

        Assert.Contains("not an RFC 5424 message", e.ErrorMessage);
        Assert.Equal("raw", e.F("log.format"));
    }

    [Fact]
    public void Parse_ContextFormatCefAfterSyslogHeader_ParsesCef()
    {
        var e = ParserFixture.Parse("<13>Nov 25 10:00:00 h CEF:0|V|P|1|2|N|3|src=10.0.0.1", format: "CEF");

        Assert.Equal("cef", e.F("log.format"));
        Assert.Equal("10.0.0.1", e.F("source.ip"));
    }

    [Fact]
    public void Parse_TruncatedMessage_IsMarkedAndExplained()
    {
        var e = ParserFixture.Parse("<13>Nov 25 10:00:00 h app: the message was cut", truncated: true);

        Assert.Equal(true, e.F("event.truncated"));
        Assert.Contains("truncated", e.ErrorMessage);
        Assert.Equal("the message was cut", e.Message);
    }

    [Fact]
    public void Parse_InvalidUtf8AndNul_OriginalIsReplacementDecodedKeepsNulAndIsFlagged()
    {
        byte[] raw = [.. "<13>Nov 25 10:00:00 h app: a"u8, 0xFF, 0xC3, (byte)'b', 0, (byte)'c'];

        var e = LogParser.Parse(raw, ParserFixture.Context());

        Assert.Equal("<13>Nov 25 10:00:00 h app: a\uFFFD\uFFFDb\0c", e.Original);
        Assert.Equal("a\uFFFD\uFFFDb\0c", e.Message);
        Assert.Equal("invalid UTF-8 at byte 28: such bytes are shown as U+FFFD in event.original", e.ErrorMessage);
    }

    [Fact]
    public void Parse_SourceAddress_IsLogSourceAndDefaultObserverIp()
    {
        var e = ParserFixture.Parse("hello");

        Assert.Equal("192.0.2.10", e.F("log.source.address"));
        Assert.Equal("192.0.2.10", e.F("observer.ip"));
    }

    [Fact]
    public void Parse_TrailingNewline_IsNotPartOfMessageButStaysInOriginal()
    {
        var e = ParserFixture.Parse("<13>Nov 25 10:00:00 h app: x\r\n");

        Assert.Equal("x", e.Message);
        Assert.Equal("<13>Nov 25 10:00:00 h app: x\r\n", e.Original);
    }

    [Fact]
    public void Parse_Always_FillsIdentityFromContext()
    {
        var e = LogParser.Parse(Encoding.UTF8.GetBytes("x"), ParserFixture.Context(received: ParserFixture.Received.AddDays(1)));

        Assert.Equal(42L, e.Id);
        Assert.Equal("tenant-a", e.TenantId);
        Assert.Equal(ParserFixture.Received.AddDays(1), e.Received);
    }
}

using System.Text;
using System.Text.Json;
using CsCheck;
using Yagura.Core.Events;
using Yagura.Ingest.Parsing;

namespace Yagura.Ingest.Tests.Parsing;

public class ParserPropertyTests
{
    private static readonly byte[][] Prefixes =
    [
        [], "<13>1 "u8.ToArray(), "<13>1 2026-11-25T00:00:00Z h a p m ["u8.ToArray(), "<13>Nov 25 10:00:00 "u8.ToArray(),
        "*Nov 25 2026 10:00:00.1 "u8.ToArray(), "CEF:0|"u8.ToArray(), "CEF:0|V|P|1|2|N|3|"u8.ToArray(), "LEEF:1.0|"u8.ToArray(),
        "LEEF:2.0|V|P|1|E|"u8.ToArray(), "{"u8.ToArray(), "{\"a\":"u8.ToArray(), "@cee: {"u8.ToArray(), "a=b "u8.ToArray(),
        "type=X msg=audit("u8.ToArray(), "date=2026-11-25 time="u8.ToArray(), "<"u8.ToArray(), "/Date("u8.ToArray(),
    ];

    // Bytes that drive the parsers' decisions, plus invalid UTF-8 and NUL.
    private static readonly Gen<byte> InterestingByte = Gen.Frequency(
        (6, (IGen<byte>)Gen.Byte[(byte)'a', (byte)'z']),
        (3, (IGen<byte>)Gen.Byte[(byte)'0', (byte)'9']),
        (6, (IGen<byte>)Gen.OneOf<byte>("|=\"'[]{}:,. \t\\-+TZ<>@^/\n\r"u8.ToArray())),
        (1, (IGen<byte>)Gen.OneOf<byte>(0x00, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xFE, 0xFF)));

    [Fact]
    public void Parse_RandomBytes_NeverFailsAndKeepsOriginal()
    {
        Gen.Byte.Array[0, 600].Sample(b => { AssertSound(b); }, iter: 5_000);
    }

    [Fact]
    public void Parse_FormatShapedNoise_NeverFailsAndKeepsOriginal()
    {
        Gen.Select(Gen.Int[0, Prefixes.Length - 1], InterestingByte.Array[0, 300])
            .Select((prefix, tail) => (byte[])[.. Prefixes[prefix], .. tail])
            .Sample(b => { AssertSound(b); }, iter: 20_000);
    }

    [Fact]
    public void Parse_EveryTruncationOfEverySample_NeverFailsAndMarksTruncation()
    {
        foreach (string sample in Samples.All)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(sample);
            for (int length = 0; length <= bytes.Length; length++)
            {
                byte[] cut = bytes[..length];
                var e = LogParser.Parse(cut, ParserFixture.Context(truncated: true));
                AssertSound(cut, e);
                Assert.Equal(true, e.F(FieldNames.EventTruncated));
                Assert.Contains("truncated", e.ErrorMessage);
            }
        }
    }

    [Fact]
    public void Parse_SamplesWithInvalidUtf8OrNulInserted_NeverFail()
    {
        Gen.Select(Gen.Int[0, Samples.All.Length - 1], Gen.Int[0, 400], Gen.OneOf<byte[]>([0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x00], [0xC0, 0xAF]))
            .Select((index, position, bad) =>
            {
                byte[] sample = Encoding.UTF8.GetBytes(Samples.All[index]);
                int at = Math.Min(position, sample.Length);
                return (byte[])[.. sample[..at], .. bad, .. sample[at..]];
            })
            .Sample(b => { AssertSound(b); }, iter: 5_000);
    }

    [Fact]
    public void Parse_NulBytes_AreKeptInOriginal()
    {
        InterestingByte.Array[1, 200].Select(b => (byte[])[.. "<13>Nov 25 10:00:00 h a: "u8, .. b, 0, .. b])
            .Sample(bytes =>
            {
                var e = AssertSound(bytes);
                Assert.Contains('\0', e.Original);
            }, iter: 1_000);
    }

    [Fact]
    public void Parse_CefExtensionValues_RoundTripThroughEscaping()
    {
        var value = Gen.Char["abc xyz=\\|\n\r日本é:/"].Array[1, 30].Select(c => new string(c).Trim())
            .Where(v => v.Length > 0);
        Gen.Select(value, value).Sample((a, b) =>
        {
            string raw = $"CEF:0|V|P|1|2|N|3|cs1={Escape(a)} msg={Escape(b)}";
            var e = ParserFixture.Parse(raw);
            Assert.Null(e.ErrorMessage);
            Assert.Equal(a, e.F("cef.extensions.cs1"));
            Assert.Equal(b, e.Message);
        }, iter: 3_000);

        static string Escape(string v) => v.Replace("\\", "\\\\").Replace("=", "\\=").Replace("\n", "\\n").Replace("\r", "\\r");
    }

    [Fact]
    public void Parse_StructuredDataValues_RoundTripThroughEscaping()
    {
        Gen.Char["ab \"\\]=[日"].Array[0, 30].Select(c => new string(c)).Sample(v =>
        {
            string escaped = v.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("]", "\\]");
            var e = ParserFixture.Parse($"<13>1 2026-11-25T00:00:00Z h a - - [x@1 k=\"{escaped}\"] m");
            Assert.Null(e.ErrorMessage);
            Assert.Equal(v, e.F("log.syslog.structured_data.x@1.k"));
            Assert.Equal("m", e.Message);
        }, iter: 3_000);
    }

    [Fact]
    public void Parse_JsonStringValues_RoundTripThroughSerializer()
    {
        Gen.Char["ab \"\\/\n\t\u0001日é"].Array[0, 30].Select(c => new string(c)).Sample(v =>
        {
            string raw = JsonSerializer.Serialize(new Dictionary<string, object> { ["k"] = v, ["n"] = new { m = v } });
            var e = ParserFixture.Parse(raw);
            Assert.Null(e.ErrorMessage);
            Assert.Equal(v, e.F("k"));
            Assert.Equal(v, e.F("n.m"));
        }, iter: 3_000);
    }

    [Fact]
    public void Parse_CefHeaderWithTooFewFields_AlwaysSaysSo()
    {
        Gen.Int[0, 6].SelectMany(n => Gen.Char["abc 12"].Array[0, 10].Select(c => new string(c)).Array[n].Select(f => (n, f)))
            .Sample(t =>
            {
                string raw = "CEF:" + string.Concat(t.f.Select(x => x + "|")) + "tail";
                var e = ParserFixture.Parse(raw);
                Assert.Equal($"CEF header has {t.n} of 7 fields; kept as raw", e.ErrorMessage);
            }, iter: 1_000);
    }

    [Fact]
    public void Parse_LeefHeaderWithTooFewFields_AlwaysSaysSo()
    {
        Gen.Int[0, 4].SelectMany(n => Gen.Char["abc 12=\t"].Array[0, 10].Select(c => new string(c)).Array[n].Select(f => (n, f)))
            .Sample(t =>
            {
                string raw = "LEEF:" + string.Concat(t.f.Select(x => x + "|")) + "tail";
                var e = ParserFixture.Parse(raw);
                Assert.Equal($"LEEF header has {t.n} of 5 fields; kept as raw", e.ErrorMessage);
                Assert.Equal("raw", e.F("log.format"));
            }, iter: 1_000);
    }

    [Fact]
    public void Parse_KvValueWithUnclosedQuote_AlwaysSaysSo()
    {
        Gen.Char["ab =,'x"].Array[0, 30].Select(c => new string(c).Replace("\"", string.Empty, StringComparison.Ordinal)).Sample(v =>
        {
            var e = ParserFixture.Parse($"srcip=10.0.0.1 note=\"{v}");
            Assert.Contains("has no closing quote", e.ErrorMessage);
            Assert.Equal("10.0.0.1", e.F("source.ip"));
        }, iter: 1_000);
    }

    [Fact]
    public void Parse_JsonCutAnywhereInside_AlwaysReportsMalformed()
    {
        foreach (string sample in Samples.All.Where(s => s.StartsWith('{')))
        {
            byte[] bytes = Encoding.UTF8.GetBytes(sample);
            for (int length = 1; length < bytes.Length; length++)
            {
                var e = LogParser.Parse(bytes.AsSpan(0, length), ParserFixture.Context());
                Assert.Contains("JSON is malformed", e.ErrorMessage);
            }
        }
    }

    [Fact]
    public void Parse_Rfc5424HeaderCutBeforeStructuredData_AlwaysReportsIt()
    {
        const string header = "<13>1 2026-11-25T00:00:00Z host app 1 id ";
        for (int length = "<13>1 ".Length; length < header.Length; length++)
        {
            var e = ParserFixture.Parse(header[..length]);
            Assert.Contains("RFC 5424", e.ErrorMessage);
        }
    }

    [Theory]
    [InlineData("<13>1 2026-11-25T00:00:00Z h a - - - {0}", "message")]
    [InlineData("<13>1 2026-11-25T00:00:00Z h a - - [x@1 k=\"{0}\"] m", "log.syslog.structured_data.x@1.k")]
    [InlineData("<13>Nov 25 10:00:00 h a: {0}", "message")]
    [InlineData("CEF:0|V|P|1|2|N|3|src=10.0.0.1 msg={0}", "message")]
    [InlineData("CEF:0|V|P|1|2|{0}|3|src=10.0.0.1", "cef.name")]
    [InlineData("LEEF:1.0|V|P|1|E|src=10.0.0.1\tmsg={0}", "message")]
    [InlineData("{{\"a\":\"{0}\"}}", "a")]
    [InlineData("{{\"{0}\":1}}", null)]
    [InlineData("srcip=10.0.0.1 msg=\"{0}\"", "message")]
    [InlineData("{0}", "message")]
    public void Parse_GiantField_IsKeptWhole(string template, string? field)
    {
        string big = new('x', 1 << 20);
        string raw = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, big);

        var e = ParserFixture.Parse(raw);

        Assert.Equal(raw, e.Original);
        Assert.DoesNotContain(LogParser.InternalErrorPrefix, e.ErrorMessage ?? string.Empty, StringComparison.Ordinal);
        if (field is not null)
        {
            Assert.Equal(big, e.GetField(field));
        }
        else
        {
            Assert.Equal(1L, e.GetField(big));
        }
    }

    private static EventRecord AssertSound(byte[] raw) => AssertSound(raw, LogParser.Parse(raw, ParserFixture.Context()));

    private static EventRecord AssertSound(byte[] raw, EventRecord e)
    {
        Assert.Equal(Encoding.UTF8.GetString(raw), e.Original);
        Assert.DoesNotContain(LogParser.InternalErrorPrefix, e.ErrorMessage ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal(42L, e.Id);
        Assert.Equal("tenant-a", e.TenantId);
        Assert.IsType<string>(e.GetField(FieldNames.LogFormat));
        foreach (var (name, value) in e.Fields)
        {
            Assert.NotNull(name);
            Assert.True(value is null or string or long or double or bool or IReadOnlyList<object?>, $"{name} has {value?.GetType()}");
        }

        return e;
    }
}

namespace Yagura.Ingest.Tests.Parsing;

public class JsonTests
{
    [Fact]
    public void Parse_WinlogbeatEvent_FlattensAndPassesEcsThrough()
    {
        const string raw = """
            {"@timestamp":"2026-11-25T01:02:03.456Z","event":{"code":"4625","kind":"event","provider":"Microsoft-Windows-Security-Auditing","outcome":"failure"},
             "host":{"name":"DC01.corp.example","ip":["10.0.0.10","fe80::1"]},"winlog":{"channel":"Security","event_id":"4625",
             "event_data":{"TargetUserName":"administrator","IpAddress":"203.0.113.50","LogonType":"3","Status":"0xc000006d"}},
             "source":{"ip":"203.0.113.50","port":50123},"message":"An account failed to log on.","tags":[],"enabled":true,"score":0.5,"nothing":null}
            """;

        var e = ParserFixture.Parse(raw);

        Assert.Null(e.ErrorMessage);
        Assert.Equal("json", e.F("log.format"));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 1, 2, 3, 456, TimeSpan.Zero), e.Timestamp);
        Assert.Equal("4625", e.F("event.code"));
        Assert.Equal("failure", e.F("event.outcome"));
        Assert.Equal("DC01.corp.example", e.F("host.name"));
        Assert.Equal(["10.0.0.10", "fe80::1"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(e.F("host.ip")));
        Assert.Equal("administrator", e.F("winlog.event_data.TargetUserName"));
        Assert.Equal("0xc000006d", e.F("winlog.event_data.Status"));
        Assert.Equal(50123L, e.F("source.port"));
        Assert.Equal("An account failed to log on.", e.Message);
        Assert.Empty(Assert.IsAssignableFrom<IReadOnlyList<object?>>(e.F("tags")));
        Assert.Equal(true, e.F("enabled"));
        Assert.Equal(0.5, e.F("score"));
        Assert.True(e.Fields.ContainsKey("nothing"));
        Assert.False(e.Fields.ContainsKey("@timestamp"));
        Assert.False(e.Fields.ContainsKey("message"));
    }

    [Fact]
    public void Parse_NxlogWindowsJson_MapsLocalEventTimeAndHost()
    {
        const string raw = """{"EventTime":"2026-11-25 10:00:00","Hostname":"WS042.corp.example","EventID":4688,"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security","NewProcessName":"C:\\Windows\\System32\\cmd.exe","CommandLine":"cmd.exe /c \"whoami /all\"","Message":"A new process has been created.","Data":[{"a":1},{"b":[2,3]}]}""";

        var e = ParserFixture.Parse(raw, zone: ParserFixture.Tokyo);

        Assert.Null(e.ErrorMessage);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.FromHours(9)), e.Timestamp);
        Assert.Equal("WS042.corp.example", e.F("host.name"));
        Assert.Equal("4688", e.F("event.code"));
        Assert.Equal(4688L, e.F("EventID"));
        Assert.Equal("Security", e.F("winlog.channel"));
        Assert.Equal("C:\\Windows\\System32\\cmd.exe", e.F("NewProcessName"));
        Assert.Equal("cmd.exe /c \"whoami /all\"", e.F("CommandLine"));
        Assert.Equal("A new process has been created.", e.Message);
        Assert.Equal("[{\"a\":1},{\"b\":[2,3]}]", e.F("Data"));
    }

    [Fact]
    public void Parse_JsonInsideRfc5424_KeepsHeaderAndBody()
    {
        const string raw = "<134>1 2026-11-25T10:00:00+09:00 k8s-node1 app 1 - - {\"msg\":\"GET /health\",\"status\":200,\"ts\":1764032400.5,\"http\":{\"request\":{\"method\":\"GET\"}}}";

        var e = ParserFixture.Parse(raw);

        Assert.Null(e.ErrorMessage);
        Assert.Equal("json", e.F("log.format"));
        Assert.Equal("k8s-node1", e.F("host.name"));
        Assert.Equal(16L, e.F("log.syslog.facility.code"));
        Assert.Equal("GET /health", e.Message);
        Assert.Equal(200L, e.F("status"));
        Assert.Equal("GET", e.F("http.request.method"));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764032400500), e.Timestamp);
    }

    [Fact]
    public void Parse_CeeJsonInsideRfc3164_IsParsed()
    {
        var e = ParserFixture.Parse("<13>Nov 25 10:00:00 h app[9]: @cee: {\"message\":\"hi \\u00e9\\ud83d\\ude00\",\"time\":\"2026-11-25T00:00:00Z\"}");

        Assert.Null(e.ErrorMessage);
        Assert.Equal("json", e.F("log.format"));
        Assert.Equal("app", e.F("process.name"));
        Assert.Equal("hi é😀", e.Message);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero), e.Timestamp);
    }

    [Fact]
    public void Parse_ReservedNamesInPayload_DoNotOverrideEventProperties()
    {
        var e = ParserFixture.Parse("{\"tenant.id\":\"other\",\"event.id\":7,\"error.message\":\"x\",\"log.format\":\"cef\",\"a\":1}");

        Assert.Equal("tenant-a", e.F("tenant.id"));
        Assert.Equal(42L, e.F("event.id"));
        Assert.Null(e.ErrorMessage);
        Assert.Equal("json", e.F("log.format"));
        Assert.Equal(1L, e.F("a"));
    }

    [Theory]
    [InlineData("{\"a\":1,", "expected a property name")]
    [InlineData("{\"a\":1", "object not closed")]
    [InlineData("{\"a\":tru}", "unexpected character")]
    [InlineData("{\"a\":\"x\\q\"}", "invalid escape")]
    [InlineData("{\"a\":1} trailing", "unexpected data after")]
    [InlineData("{\"a\" 1}", "expected ':'")]
    public void Parse_MalformedJson_SetsErrorWithReason(string raw, string reason)
    {
        var e = ParserFixture.Parse(raw);

        Assert.Equal("json", e.F("log.format"));
        Assert.Contains("JSON is malformed", e.ErrorMessage);
        Assert.Contains(reason, e.ErrorMessage);
    }

    [Fact]
    public void Parse_TruncatedJson_KeepsFieldsReadBeforeTheCut()
    {
        var e = ParserFixture.Parse("{\"user\":\"alice\",\"src\":\"10.0.0.1\",\"msg\":\"cut he", truncated: true);

        Assert.Equal("alice", e.F("user"));
        Assert.Equal("10.0.0.1", e.F("src"));
        Assert.Equal(true, e.F("event.truncated"));
        Assert.Contains("truncated", e.ErrorMessage);
        Assert.Contains("string not closed", e.ErrorMessage);
    }

    [Fact]
    public void Parse_DeepNesting_StopsWithErrorInsteadOfOverflowingTheStack()
    {
        string raw = string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000);

        var e = ParserFixture.Parse(raw);

        Assert.Contains("nested deeper than 64", e.ErrorMessage);
    }

    [Theory]
    [InlineData("{\"ts\":1764032400}", "2025-11-25T01:00:00+00:00")]
    [InlineData("{\"ts\":1764032400123}", "2025-11-25T01:00:00.123+00:00")]
    [InlineData("{\"time\":\"1764032400\"}", "2025-11-25T01:00:00+00:00")]
    [InlineData("{\"date\":\"2026-11-24\"}", "2026-11-24T00:00:00+00:00")]
    [InlineData("{\"TimeCreated\":\"\\/Date(1764032400000)\\/\"}", "2025-11-25T01:00:00+00:00")]
    [InlineData("{\"timestamp\":\"Nov 25 2026 10:00:00\"}", "2026-11-25T10:00:00+00:00")]
    [InlineData("{\"time\":\"x\",\"@timestamp\":\"2026-11-25T10:00:00+09:00\"}", "2026-11-25T10:00:00+09:00")]
    public void Parse_TimestampKeyForms_SetTimestamp(string raw, string expected)
    {
        var e = ParserFixture.Parse(raw);

        Assert.Null(e.ErrorMessage);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), e.Timestamp);
    }

    [Fact]
    public void Parse_BadTimestampField_KeepsReceivedAndSaysSo()
    {
        var e = ParserFixture.Parse("{\"timestamp\":\"not a time\",\"message\":\"m\"}");

        Assert.Equal(ParserFixture.Received, e.Timestamp);
        Assert.Contains("'timestamp' is not a timestamp", e.ErrorMessage);
    }
}

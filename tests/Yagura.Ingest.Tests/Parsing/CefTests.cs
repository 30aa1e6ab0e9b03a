namespace Yagura.Ingest.Tests.Parsing;

public class CefTests
{
    [Fact]
    public void Parse_PaloAltoThreatCefOverSyslog_MapsHeaderAndExtensions()
    {
        const string raw = "<14>Nov 25 10:00:00 pa-fw01 CEF:0|Palo Alto Networks|PAN-OS|10.2.3|spyware|THREAT|5|"
            + "rt=Nov 25 2026 01:00:00 GMT deviceExternalId=013201001234 src=10.1.1.5 dst=198.51.100.20 "
            + "sourceTranslatedAddress=203.0.113.1 spt=51544 dpt=443 proto=tcp suser=corp\\\\alice "
            + "act=reset-both cs1Label=Rule cs1=allow-web cs2Label=Source Zone cs2=trust "
            + "request=\"malicious.example.com/path?a\\=b\" cat=Suspicious DNS Query(12345) app=web-browsing";

        var e = ParserFixture.Parse(raw);

        Assert.Null(e.ErrorMessage);
        Assert.Equal("cef", e.F("log.format"));
        Assert.Equal("pa-fw01", e.F("host.name"));
        Assert.Equal(1L, e.F("log.syslog.facility.code"));
        Assert.Equal("Palo Alto Networks", e.F("observer.vendor"));
        Assert.Equal("PAN-OS", e.F("observer.product"));
        Assert.Equal("10.2.3", e.F("observer.version"));
        Assert.Equal("spyware", e.F("event.code"));
        Assert.Equal("THREAT", e.F("cef.name"));
        Assert.Equal("THREAT", e.Message);
        Assert.Equal(5L, e.F("event.severity"));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 1, 0, 0, TimeSpan.Zero), e.Timestamp);
        Assert.Equal("013201001234", e.F("observer.serial_number"));
        Assert.Equal("10.1.1.5", e.F("source.ip"));
        Assert.Equal("198.51.100.20", e.F("destination.ip"));
        Assert.Equal("203.0.113.1", e.F("source.nat.ip"));
        Assert.Equal(51544L, e.F("source.port"));
        Assert.Equal(443L, e.F("destination.port"));
        Assert.Equal("tcp", e.F("network.transport"));
        Assert.Equal("corp\\alice", e.F("source.user.name"));
        Assert.Equal("corp\\alice", e.F("user.name"));
        Assert.Equal("reset-both", e.F("event.action"));
        Assert.Equal("allow-web", e.F("cef.custom.Rule"));
        Assert.Equal("trust", e.F("cef.custom.Source Zone"));
        Assert.Equal("\"malicious.example.com/path?a=b\"", e.F("url.original"));
        Assert.Equal("Suspicious DNS Query(12345)", e.F("rule.category"));
        Assert.Equal("web-browsing", e.F("network.protocol"));
        Assert.Equal("10.1.1.5", e.F("cef.extensions.src"));
        Assert.Equal("Source Zone", e.F("cef.extensions.cs2Label"));
        Assert.Equal("Nov 25 2026 01:00:00 GMT", e.F("cef.extensions.rt"));
    }

    [Fact]
    public void Parse_TrendMicroDeepSecurityAntiMalware_KeepsVendorFieldsAndMapsMessage()
    {
        const string raw = "CEF:0|Trend Micro|Deep Security Agent|20.0.0.8438|4000000|Eicar_test_file|6|"
            + "cn1=1 cn1Label=Host ID dvchost=ws-042.corp.example cn2=205 cn2Label=Quarantine File Size "
            + "cs6=ContainerImageName | ContainerName | ContainerID cs6Label=Container filePath=C:\\\\Users\\\\bob\\\\Downloads\\\\eicar.com "
            + "act=Delete result=Delete msg=Realtime TrendMicroDsMalwareTarget=N/A TrendMicroDsMalwareTargetType=N/A "
            + "TrendMicroDsFileMD5=44D88612FEA8A8F36DE82E1278ABB02F TrendMicroDsFileSHA1=3395856CE81F2B7382DEE72602F798B642F14140 "
            + "fileHash=275A021BBFB6489E54D471899F7DB9D1663FC695EC2FE2A2C4538AABF651FD0F rt=1764032400000";

        var e = ParserFixture.Parse(raw);

        Assert.Null(e.ErrorMessage);
        Assert.Equal("cef", e.F("log.format"));
        Assert.Equal("Trend Micro", e.F("observer.vendor"));
        Assert.Equal("Deep Security Agent", e.F("observer.product"));
        Assert.Equal("4000000", e.F("event.code"));
        Assert.Equal(6L, e.F("event.severity"));
        Assert.Equal("Realtime", e.Message);
        Assert.Equal("Eicar_test_file", e.F("cef.name"));
        Assert.Equal("ws-042.corp.example", e.F("observer.hostname"));
        Assert.Equal("ws-042.corp.example", e.F("host.name"));
        Assert.Equal("Delete", e.F("event.action"));
        Assert.Equal("C:\\Users\\bob\\Downloads\\eicar.com", e.F("file.path"));
        Assert.Equal("275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f", e.F("file.hash.sha256"));
        Assert.Equal("44D88612FEA8A8F36DE82E1278ABB02F", e.F("cef.extensions.TrendMicroDsFileMD5"));
        Assert.Equal("1", e.F("cef.custom.Host ID"));
        Assert.Equal("205", e.F("cef.custom.Quarantine File Size"));
        Assert.Equal("ContainerImageName | ContainerName | ContainerID", e.F("cef.custom.Container"));
        Assert.Equal("N/A", e.F("cef.extensions.TrendMicroDsMalwareTarget"));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764032400000), e.Timestamp);
    }

    [Fact]
    public void Parse_HeaderEscapes_AreUnescaped()
    {
        var e = ParserFixture.Parse("CEF:0|Ven\\|dor|Pro\\\\duct|1.0|100|Name with \\| pipe|Very-High|msg=line1\\nline2\\r spt=80");

        Assert.Null(e.ErrorMessage);
        Assert.Equal("Ven|dor", e.F("observer.vendor"));
        Assert.Equal("Pro\\duct", e.F("observer.product"));
        Assert.Equal("Name with | pipe", e.F("cef.name"));
        Assert.Equal(10L, e.F("event.severity"));
        Assert.Equal("line1\nline2\r", e.Message);
        Assert.Equal(80L, e.F("source.port"));
    }

    [Fact]
    public void Parse_SophosCefWithOutcomeAndTimes_MapsThem()
    {
        const string raw = "<134>1 2026-11-25T10:00:00+09:00 utm01 CEF - - - CEF:0|Sophos|UTM|9.7|auth|Authentication failed|7|"
            + "duser=admin suser=bob outcome=Failure start=Nov 25 2026 09:59:58 end=1764032398000 src=192.0.2.44 requestMethod=POST";

        var e = ParserFixture.Parse(raw);

        Assert.Null(e.ErrorMessage);
        Assert.Equal("cef", e.F("log.format"));
        Assert.Equal("utm01", e.F("host.name"));
        Assert.Equal(1L, e.F("log.syslog.version"));
        Assert.Equal("failure", e.F("event.outcome"));
        Assert.Equal("bob", e.F("user.name"));
        Assert.Equal("admin", e.F("destination.user.name"));
        Assert.Equal("2026-11-25T09:59:58+00:00", e.F("event.start"));
        Assert.Equal("POST", e.F("http.request.method"));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.FromHours(9)), e.Timestamp);
    }

    [Theory]
    [InlineData("CEF:0|Vendor|Product|1.0|100", 4)]
    [InlineData("CEF:0|Vendor|Product|1.0|100|Name", 5)]
    [InlineData("CEF:", 0)]
    public void Parse_IncompleteHeader_ReportsFieldCountAndKeepsRaw(string raw, int fields)
    {
        var e = ParserFixture.Parse(raw);

        Assert.Equal($"CEF header has {fields} of 7 fields; kept as raw", e.ErrorMessage);
        Assert.Equal("raw", e.F("log.format"));
        Assert.Equal(raw, e.Message);
    }

    [Fact]
    public void Parse_BadRt_KeepsReceivedAndSaysSo()
    {
        var e = ParserFixture.Parse("CEF:0|V|P|1|2|N|3|rt=yesterday src=10.0.0.1");

        Assert.Equal(ParserFixture.Received, e.Timestamp);
        Assert.Contains("'yesterday' is not understood", e.ErrorMessage);
        Assert.Equal("10.0.0.1", e.F("source.ip"));
    }
}

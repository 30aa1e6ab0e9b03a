using Yagura.Detection.Ioc;
using Yagura.Testing;

namespace Yagura.Detection.Tests.Ioc;

public sealed class IocListTests : IDisposable
{
    private readonly TempDirectory _dir = new("yagura-ioc");

    public void Dispose() => _dir.Dispose();

    private IocList Load(string fileName, string content, string? name = null)
    {
        var path = _dir.File(fileName);
        File.WriteAllText(path, content);
        return IocList.Load(path, name);
    }

    private static (IocType Type, string Value)[] TypesAndValues(IocList list) =>
        [.. list.Indicators.Select(i => (i.Type, i.Value))];

    [Fact]
    public void Load_TextFile_DetectsEveryType()
    {
        var list = Load("mixed.txt", """
            203.0.113.7
            2001:db8::dead:beef
            198.51.100.0/24
            2001:db8:abcd::/48
            evil.example.com
            https://bad.example.net/payload.exe?id=1
            D41D8CD98F00B204E9800998ECF8427E
            da39a3ee5e6b4b0d3255bfef95601890afd80709
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """);

        Assert.Empty(list.Errors);
        Assert.Equal(
            [
                (IocType.Ip, "203.0.113.7"),
                (IocType.Ip, "2001:db8::dead:beef"),
                (IocType.Cidr, "198.51.100.0/24"),
                (IocType.Cidr, "2001:db8:abcd::/48"),
                (IocType.Domain, "evil.example.com"),
                (IocType.Url, "https://bad.example.net/payload.exe?id=1"),
                (IocType.Md5, "d41d8cd98f00b204e9800998ecf8427e"),
                (IocType.Sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
                (IocType.Sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ],
            TypesAndValues(list));
    }

    [Fact]
    public void Load_TextFile_SkipsCommentsAndBlankLinesAndKeepsTrailingTextAsDescription()
    {
        var list = Load("drop.txt", """
            # Spamhaus-style list

              # indented comment
            192.0.2.0/24 ; SBL123456
            evil.example.com    # phishing kit
            """);

        Assert.Empty(list.Errors);
        Assert.Equal(["SBL123456", "phishing kit"], list.Indicators.Select(i => i.Description));
    }

    [Fact]
    public void Load_DefangedIndicators_AreRefanged()
    {
        var list = Load("defanged.txt", """
            hxxp://evil[.]example[.]com/a
            hXXps[:]//bad(.)example.net/b
            example[.]com
            1.2.3[.]4
            sub[dot]example.org
            """);

        Assert.Empty(list.Errors);
        Assert.Equal(
            [
                (IocType.Url, "http://evil.example.com/a"),
                (IocType.Url, "https://bad.example.net/b"),
                (IocType.Domain, "example.com"),
                (IocType.Ip, "1.2.3.4"),
                (IocType.Domain, "sub.example.org"),
            ],
            TypesAndValues(list));
    }

    [Fact]
    public void Load_DomainsAndHashes_AreNormalised()
    {
        var list = Load("case.txt", """
            WWW.Evil.Example.COM.
            *.wild.example.com
            HTTP://Evil.Example.COM:80/Path?Q=1#fragment
            2001:DB8:0:0:0:0:0:1
            10.1.2.3/8
            """);

        Assert.Empty(list.Errors);
        Assert.Equal(
            [
                (IocType.Domain, "www.evil.example.com"),
                (IocType.Domain, "wild.example.com"),
                (IocType.Url, "http://evil.example.com/Path?Q=1"),
                (IocType.Ip, "2001:db8::1"),
                (IocType.Cidr, "10.0.0.0/8"),
            ],
            TypesAndValues(list));
    }

    [Fact]
    public void Load_BadLines_AreReportedWithFileAndLineNumberAndSkipped()
    {
        var list = Load("bad.txt", """
            203.0.113.7
            # comment
            not an indicator
            999.1.2.3
            evil.example.com/path
            10.0.0.0/33
            evil.example.com
            """);

        var path = _dir.File("bad.txt");
        Assert.Equal([3, 4, 5, 6], list.Errors.Select(e => e.Line));
        Assert.All(list.Errors, e => Assert.Equal(path, e.File));
        Assert.Contains("'not'", list.Errors[0].Reason, StringComparison.Ordinal);
        Assert.Contains("needs its scheme", list.Errors[2].Reason, StringComparison.Ordinal);
        Assert.StartsWith($"{path}:6: ", list.Errors[3].ToString(), StringComparison.Ordinal);
        Assert.Equal(["203.0.113.7", "evil.example.com"], list.Indicators.Select(i => i.Value));
    }

    [Fact]
    public void Load_Csv_ReadsEveryColumnInAnyOrder()
    {
        var list = Load("feed.csv", """"
            Description,Expires,Value,Type,Source
            "C2, stage 2 ""beacon""",2026-12-31T12:00:00Z,evil[.]example.com,domain,FeedA
            ,2026-06-30,203.0.113.0/24,ip,
            plain,,E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855,sha-256,FeedB
            ,,hxxp://bad.example.net/x,,
            """");

        Assert.Empty(list.Errors);
        Assert.Equal("feed", list.Name);
        var domain = list.Indicators[0];
        Assert.Equal((IocType.Domain, "evil.example.com"), (domain.Type, domain.Value));
        Assert.Equal("C2, stage 2 \"beacon\"", domain.Description);
        Assert.Equal("FeedA", domain.Source);
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 12, 0, 0, TimeSpan.Zero), domain.Expires);

        var network = list.Indicators[1];
        Assert.Equal((IocType.Cidr, "203.0.113.0/24"), (network.Type, network.Value));
        Assert.Null(network.Source);
        Assert.Null(network.Description);

        // A date alone lasts the whole of that day.
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(-1), network.Expires);

        Assert.Equal((IocType.Sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), (list.Indicators[2].Type, list.Indicators[2].Value));
        Assert.Equal((IocType.Url, "http://bad.example.net/x"), (list.Indicators[3].Type, list.Indicators[3].Value));
    }

    [Fact]
    public void Load_CsvBadRows_AreReportedWithLineNumbersAndSkipped()
    {
        var list = Load("rows.csv", """
            # exported 2026-01-01
            indicator,type,expires
            203.0.113.7,ip,
            evil.example.com,colour,
            203.0.113.8,,31/12/2026
            da39a3ee5e6b4b0d3255bfef95601890afd80709,md5,
            "unterminated,ip,

            ,ip,
            "quoted"x,ip,
            198.51.100.1,ipv4,2026-01-01
            """);

        Assert.Equal([4, 5, 6, 7, 9, 10], list.Errors.Select(e => e.Line));
        Assert.Contains("unknown indicator type 'colour'", list.Errors[0].Reason, StringComparison.Ordinal);
        Assert.Contains("ISO 8601", list.Errors[1].Reason, StringComparison.Ordinal);
        Assert.Contains("MD5", list.Errors[2].Reason, StringComparison.Ordinal);
        Assert.Contains("unterminated", list.Errors[3].Reason, StringComparison.Ordinal);
        Assert.Contains("empty indicator", list.Errors[4].Reason, StringComparison.Ordinal);
        Assert.Contains("after a closing quote", list.Errors[5].Reason, StringComparison.Ordinal);
        Assert.Equal(["203.0.113.7", "198.51.100.1"], list.Indicators.Select(i => i.Value));
    }

    [Fact]
    public void Load_CsvWithoutIndicatorColumn_ReportsTheHeaderLine()
    {
        var list = Load("noheader.csv", """
            203.0.113.7,ip
            198.51.100.1,ip
            """);

        Assert.Empty(list.Indicators);
        var error = Assert.Single(list.Errors);
        Assert.Equal(1, error.Line);
        Assert.Contains("no indicator column", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Name_DefaultsToTheFileNameAndCanBeGiven()
    {
        Assert.Equal("abuse-ch", Load("abuse-ch.txt", "evil.example.com").Name);
        Assert.Equal("Partner feed", Load("partner.txt", "evil.example.com", "Partner feed").Name);
    }

    [Fact]
    public void Indicator_InvalidValue_Throws()
    {
        Assert.Throws<ArgumentException>(() => new IocIndicator("not an indicator"));
        Assert.Throws<ArgumentException>(() => new IocIndicator("evil.example.com", IocType.Md5));
        Assert.Equal(IocType.Cidr, new IocIndicator("10.0.0.0/8", IocType.Ip).Type);
    }
}

using System.Text.Json;

using Yagura.Detection.Events;
using Yagura.Detection.Ioc;
using Yagura.Testing;

namespace Yagura.Detection.Tests.Ioc;

public sealed class IocMatcherTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private const string Md5 = "44d88612fea8a8f36de82e1278abb02f";
    private const string Sha1 = "3395856ce81f2b7382dee72602f798b642f14140";
    private const string Sha256 = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";

    private readonly TempDirectory _dir = new("yagura-ioc");

    public void Dispose() => _dir.Dispose();

    private IocList Load(string fileName, string content)
    {
        var path = _dir.File(fileName);
        File.WriteAllText(path, content);
        var list = IocList.Load(path);
        Assert.Empty(list.Errors);
        return list;
    }

    private IocMatcher Matcher(string content, string fileName = "iocs.txt") => new([Load(fileName, content)]);

    private static DetectionEvent Event(params (string Name, object? Value)[] fields) =>
        new(fields.ToDictionary(f => f.Name, f => f.Value, StringComparer.Ordinal));

    private static string[] Matched(IReadOnlyList<IocHit> hits) => [.. hits.Select(h => $"{h.Field}={h.Indicator}")];

    [Fact]
    public void Match_ListedIPv4_HitsWithEverythingAnAlertNeeds()
    {
        var matcher = Matcher("203.0.113.7  # known C2", "c2-servers.txt");

        var hits = matcher.Match(Event(("source.ip", "10.0.0.5"), ("destination.ip", "203.0.113.7")), Now);

        var hit = Assert.Single(hits);
        Assert.Equal(new IocHit("203.0.113.7", IocType.Ip, "c2-servers", "c2-servers", "destination.ip", "203.0.113.7", "known C2"), hit);
    }

    [Fact]
    public void Match_UnlistedValues_ReturnNoHits()
    {
        var matcher = Matcher($"203.0.113.7\n198.51.100.0/24\nevil.example.com\nhttp://bad.example.net/x\n{Md5}");

        var hits = matcher.Match(Event(
            ("source.ip", "203.0.113.8"), ("destination.ip", "198.51.101.1"), ("dns.question.name", "notevil.example.org"),
            ("url.full", "http://bad.example.net/y"), ("file.hash.md5", Md5[..^1] + "0")), Now);

        Assert.Empty(hits);
    }

    [Fact]
    public void Match_ListedIPv6InAnotherTextualForm_Hits()
    {
        var matcher = Matcher("2001:db8::dead:beef");

        var hits = matcher.Match(Event(("client.ip", "2001:0DB8:0000:0000:0000:0000:DEAD:BEEF")), Now);

        Assert.Equal(["client.ip=2001:db8::dead:beef"], Matched(hits));
    }

    [Fact]
    public void Match_AddressInsideIPv4Cidr_Hits()
    {
        var matcher = Matcher("198.51.100.0/24\n10.0.0.0/8\n192.0.2.0/30");

        Assert.Equal(["server.ip=10.0.0.0/8"], Matched(matcher.Match(Event(("server.ip", "10.200.3.4")), Now)));
        Assert.Equal(["server.ip=198.51.100.0/24"], Matched(matcher.Match(Event(("server.ip", "198.51.100.255")), Now)));
        Assert.Equal(["server.ip=192.0.2.0/30"], Matched(matcher.Match(Event(("server.ip", "192.0.2.3")), Now)));
        Assert.Empty(matcher.Match(Event(("server.ip", "192.0.2.4")), Now));
        Assert.Empty(matcher.Match(Event(("server.ip", "198.51.101.0")), Now));
    }

    [Fact]
    public void Match_AddressInsideNestedCidrs_HitsEachNetwork()
    {
        var matcher = Matcher("10.0.0.0/8\n10.1.0.0/16\n10.1.2.3");

        Assert.Equal(["host.ip=10.1.2.3", "host.ip=10.0.0.0/8", "host.ip=10.1.0.0/16"],
            Matched(matcher.Match(Event(("host.ip", "10.1.2.3")), Now)));
    }

    [Fact]
    public void Match_AddressInsideIPv6Cidr_Hits()
    {
        var matcher = Matcher("2001:db8:abcd::/48\n::/0");
        var onlyNarrow = Matcher("2001:db8:abcd::/48", "narrow.txt");

        Assert.Equal(["destination.ip=2001:db8:abcd::/48"], Matched(onlyNarrow.Match(Event(("destination.ip", "2001:db8:abcd:12::1")), Now)));
        Assert.Empty(onlyNarrow.Match(Event(("destination.ip", "2001:db8:abce::1")), Now));
        Assert.Equal(2, matcher.Match(Event(("destination.ip", "2001:db8:abcd:ffff::1")), Now).Count);
    }

    [Fact]
    public void Match_IPv4MappedIPv6Value_MatchesTheIPv4Indicators()
    {
        var matcher = Matcher("203.0.113.7\n198.51.100.0/24");

        var hits = matcher.Match(Event(("source.ip", "::ffff:203.0.113.7"), ("destination.ip", "::ffff:198.51.100.9")), Now);

        Assert.Equal(["source.ip=203.0.113.7", "destination.ip=198.51.100.0/24"], Matched(hits));
    }

    [Fact]
    public void Match_SubdomainOfListedDomain_Hits()
    {
        var matcher = Matcher("evil.example.com");

        Assert.Equal(["dns.question.name=evil.example.com"], Matched(matcher.Match(Event(("dns.question.name", "a.b.evil.example.com")), Now)));
        Assert.Single(matcher.Match(Event(("dns.question.name", "evil.example.com")), Now));
        Assert.Empty(matcher.Match(Event(("dns.question.name", "notevil.example.com")), Now));
        Assert.Empty(matcher.Match(Event(("dns.question.name", "example.com")), Now));
        Assert.Empty(matcher.Match(Event(("dns.question.name", "evil.example.com.au")), Now));
    }

    [Fact]
    public void Match_DomainValue_IgnoresCaseAndTrailingDot()
    {
        var matcher = Matcher("Evil.Example.COM.");

        var hits = matcher.Match(Event(("destination.domain", "WWW.EVIL.example.com.")), Now);

        var hit = Assert.Single(hits);
        Assert.Equal((IocType.Domain, "evil.example.com", "WWW.EVIL.example.com."), (hit.Type, hit.Indicator, hit.Value));
    }

    [Fact]
    public void Match_ListedUrl_HitsTheNormalisedFullUrl()
    {
        var matcher = Matcher("hxxp://bad.example.net/Payload.exe?id=1");

        Assert.Equal(["url.full=http://bad.example.net/Payload.exe?id=1"],
            Matched(matcher.Match(Event(("url.full", "HTTP://BAD.Example.NET:80/Payload.exe?id=1#top")), Now)));

        // The path is the server's, and servers tell case apart; so do the scheme and the query.
        Assert.Empty(matcher.Match(Event(("url.full", "http://bad.example.net/payload.exe?id=1")), Now));
        Assert.Empty(matcher.Match(Event(("url.full", "https://bad.example.net/Payload.exe?id=1")), Now));
        Assert.Empty(matcher.Match(Event(("url.full", "http://bad.example.net/Payload.exe?id=2")), Now));
    }

    [Fact]
    public void Match_UrlWithEmptyPath_EqualsTheRootPath()
    {
        var matcher = Matcher("https://bad.example.net");

        Assert.Single(matcher.Match(Event(("url.original", "https://bad.example.net/")), Now));
    }

    [Fact]
    public void Match_UrlWhoseHostIsAListedDomain_HitsAsDomain()
    {
        var matcher = Matcher("evil.example.com");

        var hit = Assert.Single(matcher.Match(Event(("url.full", "https://cdn.evil.example.com/x.js")), Now));

        Assert.Equal((IocType.Domain, "evil.example.com", "url.full"), (hit.Type, hit.Indicator, hit.Field));
    }

    [Fact]
    public void Match_OtherUrlOnTheHostOfAListedUrl_DoesNotHit()
    {
        var matcher = Matcher("http://shared.example.com/malware.bin");

        Assert.Empty(matcher.Match(Event(("url.full", "http://shared.example.com/index.html")), Now));
        Assert.Empty(matcher.Match(Event(("dns.question.name", "shared.example.com")), Now));
    }

    [Fact]
    public void Match_UrlWhoseHostIsAListedAddress_Hits()
    {
        var matcher = Matcher("203.0.113.7\n2001:db8::/32");

        var hits = matcher.Match(Event(("url.full", "http://203.0.113.7:8080/a"), ("url.original", "http://[2001:db8::1]/b")), Now);

        Assert.Equal(["url.full=203.0.113.7", "url.original=2001:db8::/32"], Matched(hits));
    }

    [Fact]
    public void Match_HashesInEcsFields_HitWhateverTheirCase()
    {
        var matcher = Matcher($"{Md5}\n{Sha1}\n{Sha256}");

        var hits = matcher.Match(Event(
            ("file.hash.md5", Md5.ToUpperInvariant()), ("process.hash.sha1", Sha1), ("file.hash.sha256", Sha256.ToUpperInvariant())), Now);

        Assert.Equal([IocType.Md5, IocType.Sha1, IocType.Sha256], hits.Select(h => h.Type));
        Assert.Equal(["file.hash.md5", "process.hash.sha1", "file.hash.sha256"], hits.Select(h => h.Field));
    }

    [Fact]
    public void Match_SysmonHashesField_HitsEachListedAlgorithmButNeverTheImphash()
    {
        // The listed MD5 is also this image's IMPHASH, which must not pass for an MD5 hit.
        const string imphash = "f34d5f2d4577ed6d9ceec516c1f5a744";
        var matcher = Matcher($"{Sha256}\n{imphash}");
        var hashes = $"SHA1={Sha1},MD5={Md5},SHA256={Sha256.ToUpperInvariant()},IMPHASH={imphash.ToUpperInvariant()}";

        var hits = matcher.Match(Event(("Hashes", hashes)), Now);

        var hit = Assert.Single(hits);
        Assert.Equal((IocType.Sha256, Sha256, "Hashes", hashes), (hit.Type, hit.Indicator, hit.Field, hit.Value));
    }

    [Fact]
    public void Match_EvtxFlattenedFieldNames_Hit()
    {
        var matcher = Matcher($"203.0.113.7\nevil.example.com\n{Md5}");
        using var json = JsonDocument.Parse($$"""
            {"Event":{"System":{"EventID":3},"EventData":{
              "DestinationIp":"203.0.113.7","DestinationHostname":"c2.evil.example.com",
              "QueryName":"www.evil.example.com","Hashes":"MD5={{Md5.ToUpperInvariant()}},SHA256={{Sha256}}"} } }
            """);

        var hits = matcher.Match(DetectionEvent.FromJson(json.RootElement), Now);

        string[] expected =
        [
            "Event.EventData.DestinationIp=203.0.113.7",
            "Event.EventData.QueryName=evil.example.com",
            "Event.EventData.DestinationHostname=evil.example.com",
            $"Event.EventData.Hashes={Md5}",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), Matched(hits).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Match_ListValue_ChecksEachItem()
    {
        var matcher = Matcher($"203.0.113.7\n198.51.100.0/24\n{Sha1}");

        var hits = matcher.Match(Event(
            ("related.ip", new List<object?> { "10.0.0.1", 42L, null, "203.0.113.7", "198.51.100.20" }),
            ("related.hash", new List<object?> { Md5, Sha1 })), Now);

        Assert.Equal(["related.ip=203.0.113.7", "related.ip=198.51.100.0/24", $"related.hash={Sha1}"], Matched(hits));
        Assert.Equal(["203.0.113.7", "198.51.100.20", Sha1], hits.Select(h => h.Value));
    }

    [Fact]
    public void Match_ExpiredIndicator_DoesNotHit()
    {
        var matcher = new IocMatcher([Load("expiring.csv", """
            indicator,expires
            203.0.113.7,2026-03-01T11:59:59Z
            203.0.113.8,2026-03-01T12:00:00Z
            203.0.113.9,2026-03-01
            203.0.113.10,2026-02-28
            203.0.113.11,
            """)]);
        var e = Event(("source.ip", new List<object?> { "203.0.113.7", "203.0.113.8", "203.0.113.9", "203.0.113.10", "203.0.113.11" }));

        Assert.Equal(["203.0.113.8", "203.0.113.9", "203.0.113.11"], matcher.Match(e, Now).Select(h => h.Indicator));
        Assert.Equal(5, matcher.Match(e, Now.AddDays(-30)).Count);
        Assert.Equal(["203.0.113.11"], matcher.Match(e, Now.AddDays(1)).Select(h => h.Indicator));
    }

    [Fact]
    public void Match_IndicatorInTwoLists_HitsOncePerListWithItsSource()
    {
        var partner = Load("partner.csv", """
            indicator,source,description
            evil.example.com,CERT feed,phishing
            evil.example.com,CERT feed,phishing (repeated)
            """);
        var local = Load("local.txt", "evil.example.com");
        var matcher = new IocMatcher([partner, local]);

        var hits = matcher.Match(Event(("dns.question.name", "evil.example.com")), Now);

        Assert.Equal([("CERT feed", "partner"), ("local", "local")], hits.Select(h => (h.Source, h.List)));
    }

    [Fact]
    public void Match_FieldMapGiven_ChecksOnlyItsFields()
    {
        var fields = new Dictionary<IocType, IReadOnlyList<string>>
        {
            [IocType.Ip] = ["firewall.peer"],
            [IocType.Domain] = ["proxy.host"],
        };
        var matcher = new IocMatcher([Load("iocs.txt", "203.0.113.7\n198.51.100.0/24\nevil.example.com")], fields);

        var hits = matcher.Match(Event(
            ("firewall.peer", "203.0.113.7"), ("source.ip", "203.0.113.7"),
            ("proxy.host", "x.evil.example.com"), ("dns.question.name", "evil.example.com"),
            ("destination.ip", "198.51.100.1")), Now);

        Assert.Equal(["firewall.peer=203.0.113.7", "proxy.host=evil.example.com"], Matched(hits));
    }

    [Fact]
    public void Match_ValueInAFieldOfAnotherType_DoesNotHit()
    {
        var matcher = Matcher($"203.0.113.7\nevil.example.com\n{Md5}");

        Assert.Empty(matcher.Match(Event(
            ("dns.question.name", "203.0.113.7"), ("source.ip", "evil.example.com"), ("url.full", Md5), ("user.name", "evil.example.com")), Now));
    }

    [Fact]
    public void Match_DefaultFields_CoverTheBriefsFieldNames()
    {
        foreach (var field in new[] { "source.ip", "destination.ip", "client.ip", "server.ip", "host.ip", "related.ip", "DestinationIp", "SourceIp", "Event.EventData.DestinationIp" })
        {
            Assert.Contains(field, IocMatcher.DefaultFields[IocType.Ip]);
            Assert.Contains(field, IocMatcher.DefaultFields[IocType.Cidr]);
        }

        foreach (var field in new[] { "dns.question.name", "url.domain", "destination.domain", "server.domain", "QueryName", "DestinationHostname", "Event.EventData.QueryName" })
        {
            Assert.Contains(field, IocMatcher.DefaultFields[IocType.Domain]);
        }

        Assert.Equal(["url.full", "url.original"], IocMatcher.DefaultFields[IocType.Url]);
        Assert.Contains("file.hash.sha256", IocMatcher.DefaultFields[IocType.Sha256]);
        Assert.Contains("Event.EventData.Hashes", IocMatcher.DefaultFields[IocType.Md5]);
    }
}

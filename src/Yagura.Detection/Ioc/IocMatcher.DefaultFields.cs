namespace Yagura.Detection.Ioc;

public sealed partial class IocMatcher
{
    // ECS names first, then the vendor names Sigma rules use (Sysmon's own, and the same inside a flattened
    // Windows event, Event.EventData.*), since events keep their vendor fields next to the ECS ones.
    private static readonly string[] AddressFields =
    [
        "source.ip", "destination.ip", "client.ip", "server.ip", "host.ip", "related.ip",
        "source.nat.ip", "destination.nat.ip", "client.nat.ip", "server.nat.ip",
        "source.address", "destination.address", "client.address", "server.address",
        "dns.resolved_ip", "url.domain", "url.full", "url.original",
        "SourceIp", "DestinationIp", "IpAddress",
        "Event.EventData.SourceIp", "Event.EventData.DestinationIp", "Event.EventData.IpAddress",
    ];

    private static readonly string[] DomainFields =
    [
        "dns.question.name", "url.domain", "url.full", "url.original",
        "destination.domain", "server.domain", "source.domain", "client.domain",
        "source.address", "destination.address", "client.address", "server.address",
        "tls.client.server_name",
        "QueryName", "DestinationHostname",
        "Event.EventData.QueryName", "Event.EventData.DestinationHostname",
    ];

    private static readonly string[] UrlFields = ["url.full", "url.original"];

    // Hashes (Sysmon 1, 6, 7, 23, 26) and Hash (Sysmon 15) hold "SHA1=…,MD5=…,SHA256=…,IMPHASH=…".
    private static string[] HashFields(string algorithm) =>
    [
        $"file.hash.{algorithm}", $"process.hash.{algorithm}", $"process.parent.hash.{algorithm}", $"dll.hash.{algorithm}",
        "related.hash", "Hashes", "Hash", "Event.EventData.Hashes", "Event.EventData.Hash",
    ];

    /// <summary>
    /// The fields checked for each type of indicator when the matcher is given no map of its own. To check more
    /// fields, copy this map, add to it and pass the copy.
    /// </summary>
    public static IReadOnlyDictionary<IocType, IReadOnlyList<string>> DefaultFields { get; } = new Dictionary<IocType, IReadOnlyList<string>>
    {
        [IocType.Ip] = AddressFields,
        [IocType.Cidr] = AddressFields,
        [IocType.Domain] = DomainFields,
        [IocType.Url] = UrlFields,
        [IocType.Md5] = HashFields("md5"),
        [IocType.Sha1] = HashFields("sha1"),
        [IocType.Sha256] = HashFields("sha256"),
    }.AsReadOnly();
}

namespace Yagura.Detection.Ioc;

public enum IocType
{
    /// <summary>One IPv4 or IPv6 address.</summary>
    Ip,

    /// <summary>An IPv4 or IPv6 network; any address inside it matches.</summary>
    Cidr,

    /// <summary>A domain name; the name itself and every subdomain of it match.</summary>
    Domain,

    /// <summary>A full URL with its scheme, matched after normalisation (scheme and host case-insensitive).</summary>
    Url,

    Md5,
    Sha1,
    Sha256,
}

using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

using Yagura.Core.Text;

namespace Yagura.Detection.Ioc.Internal;

/// <summary>
/// How indicator text is read: refanging, type detection and the normal form that list entries and event values are
/// compared in. The same code reads list files (once) and event values (per event), so both sides agree.
/// </summary>
internal static class IndicatorText
{
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");
    private static readonly SearchValues<char> DefangMarks = SearchValues.Create("[({");
    private static readonly SearchValues<char> DomainChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    private static readonly (string From, string To)[] Refangs =
    [
        ("[://]", "://"), ("[:]", ":"), ("[/]", "/"),
        ("[.]", "."), ("(.)", "."), ("{.}", "."), ("[dot]", "."), ("(dot)", "."), ("{dot}", "."),
    ];

    /// <summary>Undoes the usual defanging (<c>hxxp://</c>, <c>evil[.]com</c>, <c>1.2.3[.]4</c>, <c>[:]//</c>).</summary>
    public static string Refang(string text)
    {
        var result = text;
        if (text.AsSpan().ContainsAny(DefangMarks))
        {
            foreach (var (from, to) in Refangs)
            {
                result = result.Replace(from, to, StringComparison.OrdinalIgnoreCase);
            }
        }

        if (result.StartsWith("hxxp", StringComparison.OrdinalIgnoreCase))
        {
            result = string.Concat("http", result.AsSpan(4));
        }
        else if (result.StartsWith("fxp://", StringComparison.OrdinalIgnoreCase))
        {
            result = string.Concat("ftp", result.AsSpan(3));
        }

        return result;
    }

    /// <summary>
    /// Reads one indicator: refangs it, detects its type (or checks it against <paramref name="declared"/>) and returns
    /// its normal form. <see cref="IocType.Ip"/> and <see cref="IocType.Cidr"/> are one family when declared, so an
    /// "ip" column may hold networks; the result's type says which it is.
    /// </summary>
    public static bool TryNormalise(string raw, IocType? declared, out string value, out IocType type, out string error)
    {
        value = "";
        type = default;
        var text = Refang(raw.Trim());
        if (text.Length == 0)
        {
            error = "empty indicator";
            return false;
        }

        if (declared is IocType.Url && !text.Contains("://", StringComparison.Ordinal))
        {
            error = $"'{raw}' is not a URL: a URL needs its scheme (http://, https://)";
            return false;
        }

        if (!TryDetect(text, out value, out type, out error))
        {
            if (error.Length == 0)
            {
                error = declared is null
                    ? $"'{raw}' is not an IP address, CIDR, domain, URL or MD5/SHA-1/SHA-256 hash"
                    : $"'{raw}' is not a valid {Describe(declared.Value)}";
            }

            return false;
        }

        if (declared is { } expected && !SameFamily(expected, type))
        {
            error = $"'{raw}' is not a valid {Describe(expected)} (it reads as {Describe(type)})";
            return false;
        }

        return true;
    }

    private static bool SameFamily(IocType declared, IocType detected) => declared == detected
        || (declared is IocType.Ip or IocType.Cidr && detected is IocType.Ip or IocType.Cidr);

    private static string Describe(IocType type) => type switch
    {
        IocType.Ip => "IP address",
        IocType.Cidr => "CIDR network",
        IocType.Domain => "domain",
        IocType.Url => "URL",
        IocType.Md5 => "MD5 hash (32 hex digits)",
        IocType.Sha1 => "SHA-1 hash (40 hex digits)",
        IocType.Sha256 => "SHA-256 hash (64 hex digits)",
        _ => type.ToString(),
    };

    /// <summary>The error is left empty when the text is simply none of the types, for the caller to word.</summary>
    private static bool TryDetect(string text, out string value, out IocType type, out string error)
    {
        value = "";
        type = default;
        error = "";
        if (text.Contains("://", StringComparison.Ordinal))
        {
            type = IocType.Url;
            return TryNormaliseListedUrl(text, out value, out error);
        }

        if (text.Contains('/', StringComparison.Ordinal))
        {
            type = IocType.Cidr;
            return TryNormaliseCidr(text, out value, out error);
        }

        if (TryParseAddress(text, out var address))
        {
            type = IocType.Ip;
            value = address.ToString();
            return true;
        }

        if (HashType(text) is { } hashType)
        {
            type = hashType;
            value = text.ToLowerInvariant();
            return true;
        }

        // "*.evil.com" and ".evil.com" are how some lists say "and its subdomains", which every domain means here.
        var domain = text.AsSpan();
        if (domain.StartsWith("*."))
        {
            domain = domain[2..];
        }
        else if (domain.StartsWith('.'))
        {
            domain = domain[1..];
        }

        domain = domain.TrimEnd('.');
        if (IsDomain(domain))
        {
            type = IocType.Domain;
            value = domain.ToString().ToLowerInvariant();
            return true;
        }

        return false;
    }

    /// <summary>The hash type a hex string's length gives, or null when it is not 32, 40 or 64 hex digits.</summary>
    public static IocType? HashType(ReadOnlySpan<char> text)
    {
        IocType? type = text.Length switch
        {
            32 => IocType.Md5,
            40 => IocType.Sha1,
            64 => IocType.Sha256,
            _ => null,
        };
        return type is not null && !text.ContainsAnyExcept(HexDigits) ? type : null;
    }

    /// <summary>The algorithm names used in key=value hash lists such as Sysmon's <c>Hashes</c>.</summary>
    public static IocType? HashAlgorithm(ReadOnlySpan<char> name)
    {
        if (name.Equals("MD5", StringComparison.OrdinalIgnoreCase))
        {
            return IocType.Md5;
        }

        if (name.Equals("SHA1", StringComparison.OrdinalIgnoreCase) || name.Equals("SHA-1", StringComparison.OrdinalIgnoreCase))
        {
            return IocType.Sha1;
        }

        if (name.Equals("SHA256", StringComparison.OrdinalIgnoreCase) || name.Equals("SHA-256", StringComparison.OrdinalIgnoreCase))
        {
            return IocType.Sha256;
        }

        return null;
    }

    /// <summary>At least two labels of letters, digits, '-' or '_', each 1–63 long, and a top label that is not a number.</summary>
    private static bool IsDomain(ReadOnlySpan<char> text)
    {
        if (text.Length is 0 or > 253 || text.ContainsAnyExcept(DomainChars))
        {
            return false;
        }

        var labels = 0;
        var lastLabelNumeric = false;
        foreach (var range in text.Split('.'))
        {
            var label = text[range];
            if (label.Length is 0 or > 63)
            {
                return false;
            }

            labels++;
            lastLabelNumeric = !label.ContainsAnyExceptInRange('0', '9');
        }

        return labels >= 2 && !lastLabelNumeric;
    }

    /// <summary>
    /// A strict IP address: IPv4 only as a dotted quad (so <c>12345</c> or <c>1.2</c>, which the BCL would accept,
    /// are not addresses), IPv6 in any textual form. IPv4-mapped IPv6 addresses become IPv4, and zones are dropped.
    /// </summary>
    public static bool TryParseAddress(ReadOnlySpan<char> text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Contains(':'))
        {
            if (!IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            address = v6.IsIPv4MappedToIPv6 ? v6.MapToIPv4() : v6.ScopeId != 0 ? new IPAddress(v6.GetAddressBytes()) : v6;
            return true;
        }

        if (!DottedQuad.TryParse(text, out var v4))
        {
            return false;
        }

        address = new IPAddress(ToNetworkOrder(v4));
        return true;
    }

    private static byte[] ToNetworkOrder(uint address)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, address);
        return bytes;
    }

    /// <summary><c>10.0.0.0/8</c>, <c>2001:db8::/32</c>; host bits after the prefix are cleared, as the search language does.</summary>
    public static bool TryParseCidr(ReadOnlySpan<char> text, out IPAddress network, out int prefix)
    {
        network = IPAddress.None;
        prefix = 0;
        var slash = text.LastIndexOf('/');
        if (slash <= 0
            || !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix)
            || !TryParseAddress(text[..slash], out var address))
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        var mappedV4 = address.AddressFamily == AddressFamily.InterNetwork && text[..slash].Contains(':');
        if (mappedV4)
        {
            // ::ffff:10.0.0.0/104 was written for IPv4 addresses, which is how they are matched.
            prefix -= 96;
        }

        if (prefix < 0 || prefix > bytes.Length * 8)
        {
            return false;
        }

        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        network = new IPAddress(bytes);
        return true;
    }

    private static bool TryNormaliseCidr(string text, out string value, out string error)
    {
        value = "";
        if (!TryParseCidr(text, out var network, out var prefix))
        {
            error = $"'{text}' is neither a CIDR network (192.0.2.0/24, 2001:db8::/32) nor a URL (a URL needs its scheme: http://, https://)";
            return false;
        }

        value = $"{network}/{prefix.ToString(CultureInfo.InvariantCulture)}";
        error = "";
        return true;
    }

    private static bool TryNormaliseListedUrl(string text, out string value, out string error)
    {
        value = "";
        error = "";
        if (!UrlParts.TryParse(text, out var parts))
        {
            error = $"'{text}' is not a URL (scheme://host/path)";
            return false;
        }

        var host = text.AsSpan(parts.HostStart, parts.HostLength).TrimEnd('.');
        if (!TryParseAddress(host, out _) && !IsDomain(host))
        {
            error = $"'{text}' is not a URL: its host '{host}' is neither a domain nor an IP address";
            return false;
        }

        var buffer = new char[UrlParts.MaxNormalisedLength(text)];
        value = new string(buffer, 0, parts.Normalise(text, buffer));
        return true;
    }
}

namespace Yagura.Detection.Ioc.Internal;

/// <summary>
/// Where the parts of <c>scheme://userinfo@host:port/path?query#fragment</c> are in a URL, found without allocating.
/// <see cref="System.Uri"/> is not used: it allocates, and it unescapes and rewrites paths, which would make a listed
/// URL and the same URL in a log compare unequal for reasons the analyst cannot see.
/// </summary>
internal readonly struct UrlParts
{
    private UrlParts(int schemeLength, int userInfoLength, int hostStart, int hostLength, bool bracketed, int portStart, int portLength, int pathStart, int pathEnd)
    {
        SchemeLength = schemeLength;
        UserInfoLength = userInfoLength;
        HostStart = hostStart;
        HostLength = hostLength;
        Bracketed = bracketed;
        PortStart = portStart;
        PortLength = portLength;
        PathStart = pathStart;
        PathEnd = pathEnd;
    }

    public int SchemeLength { get; }

    /// <summary>Length of <c>user:password@</c> (with the '@'), 0 when there is none.</summary>
    public int UserInfoLength { get; }

    /// <summary>The host without the brackets of an IPv6 literal.</summary>
    public int HostStart { get; }

    public int HostLength { get; }

    public bool Bracketed { get; }

    public int PortStart { get; }

    public int PortLength { get; }

    public int PathStart { get; }

    /// <summary>Where the fragment starts, or the end: fragments never reach a server, so they are not compared.</summary>
    public int PathEnd { get; }

    public static bool TryParse(ReadOnlySpan<char> url, out UrlParts parts)
    {
        parts = default;
        var separator = url.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0 || !char.IsAsciiLetter(url[0]))
        {
            return false;
        }

        foreach (var c in url[..separator])
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        var authorityStart = separator + 3;
        var rest = url[authorityStart..];
        var authorityLength = rest.IndexOfAny('/', '?', '#');
        if (authorityLength < 0)
        {
            authorityLength = rest.Length;
        }

        var authority = rest[..authorityLength];
        var userInfoLength = authority.LastIndexOf('@') + 1;
        var hostPort = authority[userInfoLength..];
        var hostPortStart = authorityStart + userInfoLength;

        int hostStart, hostLength;
        ReadOnlySpan<char> afterHost;
        var bracketed = hostPort.StartsWith('[');
        if (bracketed)
        {
            var close = hostPort.IndexOf(']');
            if (close < 0)
            {
                return false;
            }

            hostStart = hostPortStart + 1;
            hostLength = close - 1;
            afterHost = hostPort[(close + 1)..];
        }
        else
        {
            var colon = hostPort.IndexOf(':');
            hostStart = hostPortStart;
            hostLength = colon < 0 ? hostPort.Length : colon;
            afterHost = hostPort[hostLength..];
        }

        if (hostLength == 0 || (!afterHost.IsEmpty && afterHost[0] != ':'))
        {
            return false;
        }

        var port = afterHost.IsEmpty ? afterHost : afterHost[1..];
        if (port.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        var pathStart = authorityStart + authorityLength;
        var fragment = url[pathStart..].IndexOf('#');
        var pathEnd = fragment < 0 ? url.Length : pathStart + fragment;
        var portStart = authorityStart + authorityLength - port.Length;
        parts = new UrlParts(separator, userInfoLength, hostStart, hostLength, bracketed, portStart, port.Length, pathStart, pathEnd);
        return true;
    }

    /// <summary>The most room <see cref="Normalise"/> can need for <paramref name="url"/>: one more for an added '/'.</summary>
    public static int MaxNormalisedLength(ReadOnlySpan<char> url) => url.Length + 1;

    /// <summary>
    /// Writes the form URLs are compared in: scheme and host lower-case, the host's trailing dot and a default port
    /// dropped, an empty path written as '/', no fragment. Path and query keep their case, as servers treat them.
    /// </summary>
    public int Normalise(ReadOnlySpan<char> url, Span<char> destination)
    {
        var written = url[..SchemeLength].ToLowerInvariant(destination);
        "://".CopyTo(destination[written..]);
        written += 3;

        url.Slice(SchemeLength + 3, UserInfoLength).CopyTo(destination[written..]);
        written += UserInfoLength;

        if (Bracketed)
        {
            destination[written++] = '[';
        }

        written += url.Slice(HostStart, HostLength).TrimEnd('.').ToLowerInvariant(destination[written..]);
        if (Bracketed)
        {
            destination[written++] = ']';
        }

        var port = url.Slice(PortStart, PortLength);
        if (!port.IsEmpty && !IsDefaultPort(url[..SchemeLength], port))
        {
            destination[written++] = ':';
            port.CopyTo(destination[written..]);
            written += port.Length;
        }

        var path = url[PathStart..PathEnd];
        if (path.IsEmpty || path[0] == '?')
        {
            destination[written++] = '/';
        }

        path.CopyTo(destination[written..]);
        return written + path.Length;
    }

    private static bool IsDefaultPort(ReadOnlySpan<char> scheme, ReadOnlySpan<char> port)
    {
        var expected = scheme switch
        {
            _ when scheme.Equals("http", StringComparison.OrdinalIgnoreCase) || scheme.Equals("ws", StringComparison.OrdinalIgnoreCase) => "80",
            _ when scheme.Equals("https", StringComparison.OrdinalIgnoreCase) || scheme.Equals("wss", StringComparison.OrdinalIgnoreCase) => "443",
            _ when scheme.Equals("ftp", StringComparison.OrdinalIgnoreCase) => "21",
            _ => null,
        };
        return expected is not null && port.TrimStart('0').SequenceEqual(expected);
    }
}

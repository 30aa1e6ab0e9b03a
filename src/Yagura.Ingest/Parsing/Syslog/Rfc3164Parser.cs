using Yagura.Ingest.Parsing.Internal;

namespace Yagura.Ingest.Parsing.Syslog;

/// <summary>
/// BSD syslog (RFC 3164) and what devices actually send under that name: <c>TIMESTAMP [HOST] TAG[PID]: MSG</c>
/// with a BSD, year-bearing, Cisco (<c>*Mmm dd hh:mm:ss.fff</c>) or ISO timestamp, or none at all.
/// </summary>
internal static class Rfc3164Parser
{
    /// <summary>True when the text starts with a timestamp this parser reads (used for messages without PRI).</summary>
    public static bool LooksLikeTimestamp(ReadOnlySpan<byte> s) =>
        (s.Length >= 19 && Text.IsDigit(s[0]) && Timestamps.TryParseIso(s, out _, out _))
        || Timestamps.TryParseBsd(s, out _, out _);

    /// <summary>Parses what follows PRI (or the whole message when there is none); returns the MSG part.</summary>
    public static ReadOnlySpan<byte> Parse(ReadOnlySpan<byte> s, EventBuilder b)
    {
        b.Format = LogFormats.Rfc3164;

        // Cisco IOS puts a sequence number first: "123: *Nov 25 10:00:00.123: %SYS-5-CONFIG_I: …".
        int colon = s.IndexOf(": "u8);
        if (colon > 0 && colon <= 10 && Text.TryParseLong(s[..colon], out long sequence))
        {
            b.Set("event.sequence", Text.Box(sequence));
            s = s[(colon + 2)..];
        }

        bool hasTimestamp = false;
        DateParts parts;
        int used;
        if ((s.Length >= 19 && Text.IsDigit(s[0]) && Timestamps.TryParseIso(s, out parts, out used))
            || Timestamps.TryParseBsd(s, out parts, out used))
        {
            hasTimestamp = true;
            if (Timestamps.TryResolve(parts, b.Received, b.LocalTimeZone, out DateTimeOffset ts))
            {
                b.Timestamp = ts;
            }
            else
            {
                b.AddError($"syslog timestamp '{Text.Decode(s[..used])}' is not a valid date; received time used");
            }

            s = Text.TrimStart(s[used..]);
        }

        if (StartsPayload(s))
        {
            return s;
        }

        // First token: a tag (no host), a key=value pair (no host, no tag), or the host.
        ReadOnlySpan<byte> token = FirstToken(s);
        if (TryTag(s, b, out ReadOnlySpan<byte> afterTag))
        {
            return afterTag;
        }

        if (!hasTimestamp || token.Length == s.Length || token.IndexOf((byte)'=') >= 0 || !LooksLikeHost(token))
        {
            return s;
        }

        SyslogHeader.SetHostName(b, Text.Decode(token));
        s = Text.TrimStart(s[token.Length..]);

        // Cisco ASA: "asa01 : %ASA-6-302013: …".
        if (s.Length >= 2 && s[0] == ':' && s[1] == ' ')
        {
            s = Text.TrimStart(s[2..]);
        }

        if (StartsPayload(s))
        {
            return s;
        }

        return TryTag(s, b, out afterTag) ? afterTag : s;
    }

    private static bool StartsPayload(ReadOnlySpan<byte> s) =>
        s.StartsWith("CEF:"u8) || s.StartsWith("LEEF:"u8) || s.StartsWith("@cee:"u8) || (!s.IsEmpty && s[0] == '{');

    private static ReadOnlySpan<byte> FirstToken(ReadOnlySpan<byte> s)
    {
        int sp = s.IndexOf((byte)' ');
        return sp < 0 ? s : s[..sp];
    }

    private static bool LooksLikeHost(ReadOnlySpan<byte> token)
    {
        foreach (byte b in token)
        {
            if (!(Text.IsLetter(b) || Text.IsDigit(b) || b is (byte)'.' or (byte)'-' or (byte)'_' or (byte)':' or (byte)'%' or >= 0x80))
            {
                return false;
            }
        }

        return token.Length <= 255;
    }

    // "tag:", "tag[pid]:" followed by a space or the end. Tags may hold letters, digits and . _ - / % @.
    private static bool TryTag(ReadOnlySpan<byte> s, EventBuilder b, out ReadOnlySpan<byte> rest)
    {
        rest = s;
        int p = 0;
        while (p < s.Length && p <= 64 && s[p] is not ((byte)' ' or (byte)':' or (byte)'[' or (byte)'=' or (byte)'"'))
        {
            p++;
        }

        if (p == 0 || p >= s.Length || p > 64)
        {
            return false;
        }

        ReadOnlySpan<byte> name = s[..p];
        ReadOnlySpan<byte> pid = default;
        if (s[p] == '[')
        {
            int close = s[p..].IndexOf((byte)']');
            if (close < 2 || close > 24)
            {
                return false;
            }

            pid = s.Slice(p + 1, close - 1);
            p += close + 1;
        }

        if (p >= s.Length || s[p] != ':' || (p + 1 < s.Length && s[p + 1] != ' '))
        {
            return false;
        }

        SyslogHeader.SetProcess(b, name, pid);
        rest = s[Math.Min(p + 2, s.Length)..];
        return true;
    }
}

using Yagura.Core.Events;
using Yagura.Ingest.Parsing.Internal;

namespace Yagura.Ingest.Parsing.Syslog;

/// <summary>
/// <c>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]</c> (RFC 5424 §6).
/// </summary>
internal static class Rfc5424Parser
{
    private const string SdPrefix = FieldNames.LogSyslogStructuredData + ".";

    /// <summary>True when what follows PRI is a version number and a space.</summary>
    public static bool Looks(ReadOnlySpan<byte> afterPri) =>
        afterPri.Length >= 1 && afterPri[0] is >= (byte)'1' and <= (byte)'9'
        && (afterPri.Length == 1 || afterPri[1] == ' ' || (afterPri.Length >= 3 && Text.IsDigit(afterPri[1]) && afterPri[2] == ' '));

    /// <summary>Parses the header and structured data; returns the MSG part (BOM removed) for payload detection.</summary>
    public static ReadOnlySpan<byte> Parse(ReadOnlySpan<byte> s, EventBuilder b)
    {
        b.Format = LogFormats.Rfc5424;
        int sp = s.IndexOf((byte)' ');
        if (Text.TryParseLong(sp < 0 ? s : s[..sp], out long version))
        {
            b.Set(FieldNames.LogSyslogVersion, Text.Box(version));
        }

        if (sp < 0)
        {
            return Incomplete(b, 1);
        }

        s = s[(sp + 1)..];

        // A field cut off by the end of the message is still used; the header is then reported incomplete.
        bool complete = NextToken(ref s, out ReadOnlySpan<byte> timestamp);
        if (!timestamp.IsEmpty && !IsNil(timestamp))
        {
            if (Timestamps.TryParseIso(timestamp, out DateParts parts, out int used) && used == timestamp.Length
                && parts.HasOffset && Timestamps.TryResolve(parts, b.Received, b.LocalTimeZone, out DateTimeOffset ts))
            {
                b.Timestamp = ts;
            }
            else if (Timestamps.TryParseAny(timestamp, b.Received, b.LocalTimeZone, out ts))
            {
                // Not RFC 3339 (no zone, or another layout) but unambiguous enough to use.
                b.Timestamp = ts;
            }
            else
            {
                b.AddError($"RFC 5424 timestamp '{EcsMapping.Shorten(Text.Decode(timestamp))}' is not a valid RFC 3339 time; received time used");
            }
        }

        if (!complete)
        {
            return Incomplete(b, timestamp.IsEmpty ? 1 : 2);
        }

        complete = NextToken(ref s, out ReadOnlySpan<byte> host);
        if (!host.IsEmpty && !IsNil(host))
        {
            SyslogHeader.SetHostName(b, Text.Decode(host));
        }

        if (!complete)
        {
            return Incomplete(b, host.IsEmpty ? 2 : 3);
        }

        complete = NextToken(ref s, out ReadOnlySpan<byte> app);
        bool procComplete = NextToken(ref s, out ReadOnlySpan<byte> proc); // s is empty when app was cut off
        SyslogHeader.SetProcess(b, IsNil(app) ? default : app, IsNil(proc) ? default : proc);
        if (!complete)
        {
            return Incomplete(b, app.IsEmpty ? 3 : 4);
        }

        if (!procComplete)
        {
            return Incomplete(b, proc.IsEmpty ? 4 : 5);
        }

        complete = NextToken(ref s, out ReadOnlySpan<byte> msgId);
        if (!msgId.IsEmpty && !IsNil(msgId))
        {
            b.Set(FieldNames.LogSyslogMsgId, Text.Decode(msgId));
        }

        if (!complete)
        {
            return Incomplete(b, msgId.IsEmpty ? 5 : 6);
        }

        if (s.IsEmpty)
        {
            return Incomplete(b, 6);
        }

        if (s[0] == '-')
        {
            s = s[1..];
        }
        else if (s[0] == '[')
        {
            if (!TryParseStructuredData(ref s, b, out int errorAt))
            {
                b.AddError($"RFC 5424 structured data is malformed at byte {errorAt}; the rest is kept as message");
                return s;
            }
        }
        else
        {
            b.AddError("RFC 5424 structured data is missing (expected '-' or '['); the rest is kept as message");
            return s;
        }

        if (!s.IsEmpty && s[0] == ' ')
        {
            s = s[1..];
        }

        if (s.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            s = s[3..];
        }

        return s;
    }

    private static ReadOnlySpan<byte> Incomplete(EventBuilder b, int fields)
    {
        b.AddError($"RFC 5424 header ends after {fields} of 7 fields");
        return default;
    }

    private static bool IsNil(ReadOnlySpan<byte> token) => token.Length == 1 && token[0] == '-';

    // A header field: up to the next space. False when the message ends before the field does.
    private static bool NextToken(ref ReadOnlySpan<byte> s, out ReadOnlySpan<byte> token)
    {
        int sp = s.IndexOf((byte)' ');
        if (sp <= 0)
        {
            token = sp == 0 || s.IsEmpty ? default : s;
            s = default;
            return false;
        }

        token = s[..sp];
        s = s[(sp + 1)..];
        return true;
    }

    // [id param="value" ...][id2 ...]; values escape only '"', '\' and ']' (RFC 5424 §6.3.3).
    private static bool TryParseStructuredData(ref ReadOnlySpan<byte> s, EventBuilder b, out int errorAt)
    {
        ReadOnlySpan<byte> all = s;
        int p = 0;
        errorAt = 0;
        while (p < all.Length && all[p] == '[')
        {
            int idStart = ++p;
            while (p < all.Length && all[p] is not ((byte)' ' or (byte)']' or (byte)'=' or (byte)'"'))
            {
                p++;
            }

            if (p == idStart || p >= all.Length || all[p] is (byte)'=' or (byte)'"')
            {
                errorAt = p;
                s = all[(idStart - 1)..];
                return false;
            }

            ReadOnlySpan<byte> id = all[idStart..p];
            while (p < all.Length && all[p] == ' ')
            {
                p++;
                int nameStart = p;
                while (p < all.Length && all[p] is not ((byte)'=' or (byte)' ' or (byte)']' or (byte)'"'))
                {
                    p++;
                }

                if (p == nameStart || p + 1 >= all.Length || all[p] != '=' || all[p + 1] != '"')
                {
                    errorAt = p;
                    s = all[(idStart - 1)..];
                    return false;
                }

                ReadOnlySpan<byte> name = all[nameStart..p];
                p += 2;
                int valueStart = p;
                bool escaped = false;
                while (p < all.Length && all[p] != '"')
                {
                    if (all[p] == '\\' && p + 1 < all.Length)
                    {
                        escaped = true;
                        p++;
                    }

                    p++;
                }

                if (p >= all.Length)
                {
                    errorAt = p;
                    s = all[(idStart - 1)..];
                    return false;
                }

                ReadOnlySpan<byte> raw = all[valueStart..p];
                string value = escaped ? Text.DecodeUnescaped(raw, "\"\\]"u8, newlines: false) : Text.Decode(raw);
                b.Append(FieldNameCache.Get(SdPrefix, id, name), value);
                p++;
            }

            if (p >= all.Length || all[p] != ']')
            {
                errorAt = p;
                s = all[(idStart - 1)..];
                return false;
            }

            p++;
        }

        s = all[p..];
        return true;
    }
}

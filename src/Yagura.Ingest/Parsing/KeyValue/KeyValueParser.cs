using Yagura.Ingest.Parsing.Internal;

namespace Yagura.Ingest.Parsing.KeyValue;

/// <summary>
/// <c>k=v k2="quoted value" k3='x'</c> as FortiGate, Sophos, Linux audit and many appliances write it; pairs may
/// also be separated by commas. An unquoted value runs to the next separator that is followed by <c>key=</c>, so
/// values with spaces survive when the sender did not quote them.
/// </summary>
internal static class KeyValueParser
{
    private const string Prefix = "kv.";
    private const int Date = 1;
    private const int Time = 2;
    private const int Zone = 3;
    private const int AuditMsg = 4;

    private static readonly VendorKeyTable Keys = new(Prefix, EcsMapping.Kv, static key =>
        key.Equals("date", StringComparison.OrdinalIgnoreCase) ? Date
        : key.Equals("time", StringComparison.OrdinalIgnoreCase) ? Time
        : key.Equals("tz", StringComparison.OrdinalIgnoreCase) ? Zone
        : key == "msg" ? AuditMsg
        : 0);

    /// <summary>True when the text starts with <c>key=</c> and holds at least one more pair.</summary>
    public static bool Looks(ReadOnlySpan<byte> s)
    {
        int key = KeyLength(s, 0);
        if (key == 0)
        {
            return false;
        }

        for (int i = key + 1; i < s.Length - 1; i++)
        {
            if (s[i] is (byte)' ' or (byte)',' or (byte)'\t' && KeyLength(s, i + 1) > 0)
            {
                return true;
            }
        }

        return false;
    }

    public static void Parse(ReadOnlySpan<byte> s, EventBuilder b, int depth = 0)
    {
        b.Format = LogFormats.Kv;
        ReadOnlySpan<byte> date = default;
        ReadOnlySpan<byte> time = default;
        ReadOnlySpan<byte> tz = default;
        int p = 0;
        while (p < s.Length)
        {
            while (p < s.Length && s[p] is (byte)' ' or (byte)',' or (byte)'\t' or (byte)';')
            {
                p++;
            }

            int keyLength = KeyLength(s, p);
            if (keyLength == 0)
            {
                // A word that is not a pair: skip it.
                while (p < s.Length && s[p] is not ((byte)' ' or (byte)'\t'))
                {
                    p++;
                }

                continue;
            }

            ReadOnlySpan<byte> key = s.Slice(p, keyLength);
            p += keyLength + 1;
            ReadOnlySpan<byte> raw;
            bool escaped = false;
            byte quote = p < s.Length && s[p] is (byte)'"' or (byte)'\'' ? s[p] : (byte)0;
            if (quote != 0)
            {
                int start = ++p;
                while (p < s.Length && s[p] != quote)
                {
                    if (s[p] == '\\' && p + 1 < s.Length)
                    {
                        escaped = true;
                        p++;
                    }

                    p++;
                }

                if (p >= s.Length)
                {
                    b.AddError($"kv value of '{Text.Decode(key)}' has no closing quote");
                }

                raw = s[start..Math.Min(p, s.Length)];
                p++;
            }
            else
            {
                int start = p;
                while (p < s.Length && !(s[p] is (byte)' ' or (byte)',' or (byte)'\t' && NextIsPair(s, p)))
                {
                    p++;
                }

                raw = s[start..p];
                while (!raw.IsEmpty && Text.IsSpace(raw[^1]))
                {
                    raw = raw[..^1];
                }
            }

            string value = escaped ? Text.DecodeUnescaped(raw, "\"'\\"u8, newlines: false) : Text.Decode(raw);
            VendorKey vendorKey = Keys.Get(key);
            b.Append(vendorKey.Field, value);

            // Linux audit: msg='op=login acct="bob" … res=failed' carries the interesting pairs one level down.
            if (quote == '\'' && depth == 0 && Looks(raw))
            {
                Parse(raw, b, depth + 1);
                continue;
            }

            switch (vendorKey.Special)
            {
                case Date:
                    date = raw;
                    break;
                case Time:
                    time = raw;
                    break;
                case Zone:
                    tz = raw;
                    break;
                case AuditMsg when raw.StartsWith("audit("u8):
                    AuditStamp(raw, b);
                    continue;
            }

            if (vendorKey.HasMap)
            {
                EcsMapping.Apply(b, vendorKey.Map, value, raw);
            }
        }

        if (!date.IsEmpty && !time.IsEmpty)
        {
            SetDateTime(date, time, tz, b);
        }
    }

    // FortiGate/Sophos: date=2026-11-25 time=10:00:00 [tz="+0900"].
    private static void SetDateTime(ReadOnlySpan<byte> date, ReadOnlySpan<byte> time, ReadOnlySpan<byte> tz, EventBuilder b)
    {
        Span<byte> joined = stackalloc byte[40];
        if (date.Length == 10 && time.Length is >= 8 and <= 18 && tz.Length <= 6)
        {
            date.CopyTo(joined);
            joined[10] = (byte)'T';
            time.CopyTo(joined[11..]);
            int n = 11 + time.Length;
            tz.CopyTo(joined[n..]);
            n += tz.Length;
            if (joined[4] == '/')
            {
                joined[4] = (byte)'-';
                joined[7] = (byte)'-';
            }

            if (Timestamps.TryParseIso(joined[..n], out DateParts parts, out int used) && used == n
                && Timestamps.TryResolve(parts, b.Received, b.LocalTimeZone, out DateTimeOffset ts))
            {
                b.Timestamp = ts;
                return;
            }
        }

        b.AddError($"kv date/time '{Text.Decode(date)} {Text.Decode(time)}' is not a valid time; received time used");
    }

    // msg=audit(1700000000.123:4567): time and serial of a Linux audit record.
    private static void AuditStamp(ReadOnlySpan<byte> raw, EventBuilder b)
    {
        int colon = raw.IndexOf((byte)':');
        int close = raw.IndexOf((byte)')');
        if (colon < 7 || close < colon)
        {
            return;
        }

        if (Timestamps.TryParseEpoch(raw[6..colon], out DateTimeOffset ts))
        {
            b.Timestamp = ts;
        }

        if (Text.TryParseLong(raw[(colon + 1)..close], out long serial))
        {
            b.Set("event.sequence", Text.Box(serial));
        }
    }

    private static bool NextIsPair(ReadOnlySpan<byte> s, int separator)
    {
        int p = separator + 1;
        while (p < s.Length && s[p] is (byte)' ' or (byte)'\t')
        {
            p++;
        }

        return KeyLength(s, p) > 0;
    }

    // Length of "key" when s[at..] is "key=", else 0. Keys: a letter or '_' then letters, digits, _ . -
    private static int KeyLength(ReadOnlySpan<byte> s, int at)
    {
        if (at >= s.Length || !(Text.IsLetter(s[at]) || s[at] == '_'))
        {
            return 0;
        }

        int p = at + 1;
        while (p < s.Length && p - at <= 64 && (Text.IsLetter(s[p]) || Text.IsDigit(s[p]) || s[p] is (byte)'_' or (byte)'.' or (byte)'-'))
        {
            p++;
        }

        return p < s.Length && s[p] == '=' ? p - at : 0;
    }
}

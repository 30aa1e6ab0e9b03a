using Yagura.Ingest.Parsing.Internal;

namespace Yagura.Ingest.Parsing.Leef;

/// <summary>
/// Reads a time with a Java <c>SimpleDateFormat</c> pattern, as LEEF's <c>devTimeFormat</c> names it. Supports the
/// letters devices use (y M d H h m s S a E Z X z) and quoted literals; numbers are read leniently (1–n digits).
/// </summary>
internal static class JavaDateFormat
{
    public static bool TryParse(ReadOnlySpan<byte> s, ReadOnlySpan<byte> pattern, DateTimeOffset received, TimeZoneInfo? zone, out DateTimeOffset value)
    {
        value = default;
        DateParts parts = default;
        bool pm = false;
        bool hasAmPm = false;
        int p = 0;
        int i = 0;
        Span<byte> fraction = stackalloc byte[10];
        while (i < pattern.Length)
        {
            byte c = pattern[i];
            int run = 1;
            while (i + run < pattern.Length && pattern[i + run] == c)
            {
                run++;
            }

            if (c == '\'')
            {
                int close = pattern[(i + 1)..].IndexOf((byte)'\'');
                if (close < 0)
                {
                    return false;
                }

                ReadOnlySpan<byte> literal = pattern.Slice(i + 1, close);
                if (!s[p..].StartsWith(literal))
                {
                    return false;
                }

                p += literal.Length;
                i += close + 2;
                continue;
            }

            i += run;
            if (!Text.IsLetter(c))
            {
                for (int k = 0; k < run; k++)
                {
                    if (p >= s.Length || s[p] != c)
                    {
                        return false;
                    }

                    p++;
                }

                continue;
            }

            switch (c)
            {
                case (byte)'y':
                    if (!Number(s, ref p, run == 2 ? 2 : 4, out parts.Year))
                    {
                        return false;
                    }

                    if (run == 2)
                    {
                        parts.Year += 2000;
                    }

                    break;
                case (byte)'M':
                    if (run >= 3)
                    {
                        if (!Timestamps.TryMonth(s[p..], out parts.Month))
                        {
                            return false;
                        }

                        p += 3;
                        while (run > 3 && p < s.Length && Text.IsLetter(s[p]))
                        {
                            p++;
                        }
                    }
                    else if (!Number(s, ref p, 2, out parts.Month))
                    {
                        return false;
                    }

                    break;
                case (byte)'d':
                    if (!Number(s, ref p, 2, out parts.Day))
                    {
                        return false;
                    }

                    break;
                case (byte)'H':
                case (byte)'h':
                case (byte)'k':
                    if (!Number(s, ref p, 2, out parts.Hour))
                    {
                        return false;
                    }

                    break;
                case (byte)'m':
                    if (!Number(s, ref p, 2, out parts.Minute))
                    {
                        return false;
                    }

                    break;
                case (byte)'s':
                    if (!Number(s, ref p, 2, out parts.Second))
                    {
                        return false;
                    }

                    break;
                case (byte)'S':
                    int fracStart = p;
                    while (p < s.Length && Text.IsDigit(s[p]) && p - fracStart < 9)
                    {
                        p++;
                    }

                    if (p == fracStart)
                    {
                        return false;
                    }

                    // "SSS" is milliseconds; a run of digits is read as a decimal fraction.
                    fraction[0] = (byte)'.';
                    s[fracStart..p].CopyTo(fraction[1..]);
                    Timestamps.ReadFraction(fraction[..(p - fracStart + 1)], out parts.FractionTicks);
                    break;
                case (byte)'a':
                    hasAmPm = true;
                    if (Text.StartsWithIgnoreCase(s[p..], "pm"u8))
                    {
                        pm = true;
                    }
                    else if (!Text.StartsWithIgnoreCase(s[p..], "am"u8))
                    {
                        return false;
                    }

                    p += 2;
                    break;
                case (byte)'E':
                    while (p < s.Length && Text.IsLetter(s[p]))
                    {
                        p++;
                    }

                    break;
                case (byte)'Z':
                case (byte)'X':
                case (byte)'z':
                    if (p < s.Length && s[p] == 'Z')
                    {
                        parts.HasOffset = true;
                        p++;
                    }
                    else if (Timestamps.TryReadOffset(s[p..], out parts.OffsetMinutes, out int used))
                    {
                        parts.HasOffset = true;
                        p += used;
                    }
                    else if (c == 'z')
                    {
                        int nameStart = p;
                        while (p < s.Length && Text.IsLetter(s[p]))
                        {
                            p++;
                        }

                        ReadOnlySpan<byte> name = s[nameStart..p];
                        if (name.SequenceEqual("UTC"u8) || name.SequenceEqual("GMT"u8))
                        {
                            parts.HasOffset = true;
                        }

                        // GMT+09:00 style.
                        if (Timestamps.TryReadOffset(s[p..], out parts.OffsetMinutes, out used))
                        {
                            parts.HasOffset = true;
                            p += used;
                        }
                    }
                    else
                    {
                        return false;
                    }

                    break;
                default:
                    return false;
            }
        }

        if (p != s.Length)
        {
            return false;
        }

        if (hasAmPm)
        {
            parts.Hour = (parts.Hour % 12) + (pm ? 12 : 0);
        }

        return Timestamps.TryResolve(parts, received, zone, out value);
    }

    private static bool Number(ReadOnlySpan<byte> s, ref int p, int maxDigits, out int value)
    {
        value = 0;
        int start = p;
        while (p < s.Length && p - start < maxDigits && Text.IsDigit(s[p]))
        {
            value = (value * 10) + (s[p] - '0');
            p++;
        }

        return p > start;
    }
}

namespace Yagura.Ingest.Parsing.Internal;

/// <summary>A date and time as written in a message, before the year and zone are settled.</summary>
internal struct DateParts
{
    public int Year; // 0 when the message gave none (RFC 3164)
    public int Month;
    public int Day;
    public int Hour;
    public int Minute;
    public int Second;
    public long FractionTicks;
    public int OffsetMinutes;
    public bool HasOffset;
}

/// <summary>
/// Timestamp readers over UTF-8 bytes. None of them throws: every range is checked before a
/// <see cref="DateTime"/> or <see cref="DateTimeOffset"/> is built.
/// </summary>
internal static class Timestamps
{
    private const long MinUnixMs = -62_135_596_800_000;
    private const long MaxUnixMs = 253_402_300_799_999;

    /// <summary>RFC 3339 / ISO 8601: <c>yyyy-MM-dd(T| )HH:mm:ss[.f…][Z|±hh:mm|±hhmm]</c>.</summary>
    public static bool TryParseIso(ReadOnlySpan<byte> s, out DateParts parts, out int consumed)
    {
        parts = default;
        consumed = 0;
        if (s.Length < 19 || s[4] != '-' || s[7] != '-' || s[10] is not ((byte)'T' or (byte)'t' or (byte)' ')
            || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        if (!TwoDigits(s, 0, out int c) || !TwoDigits(s, 2, out int y) || !TwoDigits(s, 5, out parts.Month)
            || !TwoDigits(s, 8, out parts.Day) || !TwoDigits(s, 11, out parts.Hour)
            || !TwoDigits(s, 14, out parts.Minute) || !TwoDigits(s, 17, out parts.Second))
        {
            return false;
        }

        parts.Year = (c * 100) + y;
        int p = 19;
        p += ReadFraction(s[p..], out parts.FractionTicks);
        if (p < s.Length)
        {
            byte z = s[p];
            if (z is (byte)'Z' or (byte)'z')
            {
                parts.HasOffset = true;
                p++;
            }
            else if (z is (byte)'+' or (byte)'-' && TryReadOffset(s[p..], out parts.OffsetMinutes, out int used))
            {
                parts.HasOffset = true;
                p += used;
            }
        }

        consumed = p;
        return true;
    }

    /// <summary>
    /// BSD syslog and Cisco forms: <c>[*|.]Mmm [d]d [yyyy ]HH:mm:ss[.fff][ UTC|GMT][:]</c>.
    /// </summary>
    public static bool TryParseBsd(ReadOnlySpan<byte> s, out DateParts parts, out int consumed)
    {
        parts = default;
        consumed = 0;
        int p = 0;
        if (s.Length > 0 && s[0] is (byte)'*' or (byte)'.')
        {
            p++;
        }

        if (s.Length < p + 14 || !TryMonth(s.Slice(p, 3), out parts.Month) || s[p + 3] != ' ')
        {
            return false;
        }

        p += 4;
        if (s[p] == ' ')
        {
            p++;
        }

        if (!Text.IsDigit(s[p]))
        {
            return false;
        }

        parts.Day = s[p++] - '0';
        if (p < s.Length && Text.IsDigit(s[p]))
        {
            parts.Day = (parts.Day * 10) + (s[p++] - '0');
        }

        if (p >= s.Length || s[p++] != ' ')
        {
            return false;
        }

        if (s.Length >= p + 5 && s[p + 4] == ' ' && Text.TryParseLong(s.Slice(p, 4), out long year))
        {
            parts.Year = (int)year;
            p += 5;
        }

        if (s.Length < p + 8 || s[p + 2] != ':' || s[p + 5] != ':' || !TwoDigits(s, p, out parts.Hour)
            || !TwoDigits(s, p + 3, out parts.Minute) || !TwoDigits(s, p + 6, out parts.Second))
        {
            return false;
        }

        p += 8;
        p += ReadFraction(s[p..], out parts.FractionTicks);
        if (s.Length >= p + 4 && s[p] == ' ' && (s.Slice(p + 1, 3).SequenceEqual("UTC"u8) || s.Slice(p + 1, 3).SequenceEqual("GMT"u8))
            && (s.Length == p + 4 || s[p + 4] is (byte)' ' or (byte)':'))
        {
            parts.HasOffset = true;
            p += 4;
        }

        // Cisco IOS ends the timestamp with a colon.
        if (p < s.Length && s[p] == ':' && (p + 1 == s.Length || s[p + 1] == ' '))
        {
            p++;
        }

        consumed = p;
        return true;
    }

    /// <summary>
    /// Any timestamp a vendor field may carry: epoch seconds/ms/µs/ns, ISO 8601, or the BSD/CEF form
    /// <c>MMM dd [yyyy] HH:mm:ss[.SSS]</c> optionally followed by a zone (<c>Z</c>, <c>UTC</c>, <c>±hh:mm</c>, or a name).
    /// </summary>
    public static bool TryParseAny(ReadOnlySpan<byte> s, DateTimeOffset received, TimeZoneInfo? zone, out DateTimeOffset value)
    {
        value = default;
        s = Text.Trim(s);
        if (s.IsEmpty)
        {
            return false;
        }

        if (Text.IsDigit(s[0]) || s[0] == '-')
        {
            if (TryParseEpoch(s, out value))
            {
                return true;
            }
        }

        DateParts parts;
        int used;
        if (s.Length == 10 && s[4] == '-' && s[7] == '-' && TwoDigits(s, 0, out int century) && TwoDigits(s, 2, out int year)
            && TwoDigits(s, 5, out int month) && TwoDigits(s, 8, out int day))
        {
            // A date alone: midnight in the tenant's zone.
            parts = new DateParts { Year = (century * 100) + year, Month = month, Day = day };
            return TryResolve(parts, received, zone, out value);
        }

        if (Text.IsDigit(s[0]) && TryParseIso(s, out parts, out used))
        {
            return TrailingZone(s[used..], ref parts) && TryResolve(parts, received, zone, out value);
        }

        if (TryParseBsd(s, out parts, out used))
        {
            return TrailingZone(s[used..], ref parts) && TryResolve(parts, received, zone, out value);
        }

        // "/Date(1700000000000)/" from .NET's old JSON serialiser (PowerShell ConvertTo-Json).
        if (s.StartsWith("/Date("u8) && s.EndsWith(")/"u8))
        {
            ReadOnlySpan<byte> inner = s[6..^2];
            int sign = inner.IndexOfAny((byte)'+', (byte)'-');
            if (sign > 0)
            {
                inner = inner[..sign];
            }

            return Text.TryParseSignedLong(inner, out long ms) && TryFromUnixMs(ms, out value);
        }

        return false;
    }

    /// <summary>Epoch time; the digit count tells the unit (10 s, 13 ms, 16 µs, 19 ns), a fraction means seconds.</summary>
    public static bool TryParseEpoch(ReadOnlySpan<byte> s, out DateTimeOffset value)
    {
        value = default;
        int dot = s.IndexOf((byte)'.');
        ReadOnlySpan<byte> whole = dot >= 0 ? s[..dot] : s;
        if (!Text.TryParseSignedLong(whole, out long n))
        {
            return false;
        }

        long fractionTicks = 0;
        if (dot >= 0)
        {
            int used = ReadFraction(s[dot..], out fractionTicks);
            if (used != s.Length - dot)
            {
                return false;
            }
        }

        int digits = whole.Length - (whole[0] == '-' ? 1 : 0);
        long ms = digits switch
        {
            <= 11 => n * 1000,
            <= 14 => n,
            <= 17 => n / 1000,
            _ => n / 1_000_000,
        };
        if (!TryFromUnixMs(ms, out value))
        {
            return false;
        }

        if (fractionTicks != 0 && digits <= 11)
        {
            value = value.AddTicks(fractionTicks);
        }

        return true;
    }

    public static bool TryFromUnixMs(long ms, out DateTimeOffset value)
    {
        if (ms is < MinUnixMs or > MaxUnixMs)
        {
            value = default;
            return false;
        }

        value = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return true;
    }

    /// <summary>
    /// Settles the year (when missing: the receive year, or the previous one when that would put the event more
    /// than a week in the future, as for a December message received in January) and the zone (the tenant's when
    /// the message gives none).
    /// </summary>
    public static bool TryResolve(in DateParts parts, DateTimeOffset received, TimeZoneInfo? zone, out DateTimeOffset value)
    {
        value = default;
        if (parts.Month is < 1 or > 12 || parts.Hour > 23 || parts.Minute > 59 || parts.Second > 60
            || parts.Day < 1 || parts.OffsetMinutes is < -14 * 60 or > 14 * 60)
        {
            return false;
        }

        // Leap seconds are stored as the last second of the minute.
        int second = Math.Min(parts.Second, 59);
        if (parts.Year != 0)
        {
            return TryBuild(parts.Year, parts, second, zone, out value);
        }

        DateTimeOffset receivedLocal = zone is null ? received.ToUniversalTime() : TimeZoneInfo.ConvertTime(received, zone);
        int year = receivedLocal.Year;
        if (parts.Month == 1 && receivedLocal.Month == 12)
        {
            year++;
        }
        else if (parts.Month == 12 && receivedLocal.Month == 1)
        {
            year--;
        }

        if (!TryBuild(year, parts, second, zone, out value))
        {
            // 29 February in a year that has none: the previous leap year is the better guess than nothing.
            return TryBuild(year - 1, parts, second, zone, out value);
        }

        if (value > received.AddDays(7) && TryBuild(year - 1, parts, second, zone, out DateTimeOffset previous))
        {
            value = previous;
        }

        return true;
    }

    private static bool TryBuild(int year, in DateParts parts, int second, TimeZoneInfo? zone, out DateTimeOffset value)
    {
        value = default;
        if (year is < 2 or > 9998 || parts.Day > DateTime.DaysInMonth(year, parts.Month))
        {
            return false;
        }

        var local = new DateTime(year, parts.Month, parts.Day, parts.Hour, parts.Minute, second, DateTimeKind.Unspecified);
        local = local.AddTicks(parts.FractionTicks);
        TimeSpan offset = parts.HasOffset ? TimeSpan.FromMinutes(parts.OffsetMinutes)
            : zone is null ? TimeSpan.Zero : zone.GetUtcOffset(local);
        value = new DateTimeOffset(local, offset);
        return true;
    }

    /// <summary>Reads <c>.f…</c> (any number of digits; beyond 7 they are dropped). Returns bytes consumed.</summary>
    public static int ReadFraction(ReadOnlySpan<byte> s, out long ticks)
    {
        ticks = 0;
        if (s.Length < 2 || s[0] is not ((byte)'.' or (byte)',') || !Text.IsDigit(s[1]))
        {
            return 0;
        }

        int p = 1;
        int digits = 0;
        while (p < s.Length && Text.IsDigit(s[p]))
        {
            if (digits < 7)
            {
                ticks = (ticks * 10) + (s[p] - '0');
                digits++;
            }

            p++;
        }

        for (; digits < 7; digits++)
        {
            ticks *= 10;
        }

        return p;
    }

    /// <summary>Reads <c>±hh:mm</c>, <c>±hhmm</c> or <c>±hh</c>.</summary>
    public static bool TryReadOffset(ReadOnlySpan<byte> s, out int minutes, out int consumed)
    {
        minutes = 0;
        consumed = 0;
        if (s.Length < 3 || s[0] is not ((byte)'+' or (byte)'-') || !TwoDigits(s, 1, out int h))
        {
            return false;
        }

        int m = 0;
        int p = 3;
        if (s.Length >= 6 && s[3] == ':' && TwoDigits(s, 4, out m))
        {
            p = 6;
        }
        else if (s.Length >= 5 && TwoDigits(s, 3, out m))
        {
            p = 5;
        }

        if (h > 14 || m > 59)
        {
            return false;
        }

        minutes = (s[0] == '-' ? -1 : 1) * ((h * 60) + m);
        consumed = p;
        return true;
    }

    public static bool TryMonth(ReadOnlySpan<byte> s, out int month)
    {
        month = 0;
        if (s.Length < 3)
        {
            return false;
        }

        int key = ((s[0] | 0x20) << 16) | ((s[1] | 0x20) << 8) | (s[2] | 0x20);
        month = key switch
        {
            ('j' << 16) | ('a' << 8) | 'n' => 1,
            ('f' << 16) | ('e' << 8) | 'b' => 2,
            ('m' << 16) | ('a' << 8) | 'r' => 3,
            ('a' << 16) | ('p' << 8) | 'r' => 4,
            ('m' << 16) | ('a' << 8) | 'y' => 5,
            ('j' << 16) | ('u' << 8) | 'n' => 6,
            ('j' << 16) | ('u' << 8) | 'l' => 7,
            ('a' << 16) | ('u' << 8) | 'g' => 8,
            ('s' << 16) | ('e' << 8) | 'p' => 9,
            ('o' << 16) | ('c' << 8) | 't' => 10,
            ('n' << 16) | ('o' << 8) | 'v' => 11,
            ('d' << 16) | ('e' << 8) | 'c' => 12,
            _ => 0,
        };
        return month != 0;
    }

    public static bool TwoDigits(ReadOnlySpan<byte> s, int at, out int value)
    {
        value = 0;
        if (at + 2 > s.Length || !Text.IsDigit(s[at]) || !Text.IsDigit(s[at + 1]))
        {
            return false;
        }

        value = ((s[at] - '0') * 10) + (s[at + 1] - '0');
        return true;
    }

    /// <summary>Accepts what may follow a vendor timestamp: nothing, a zone name, <c>Z</c>, or an offset.</summary>
    private static bool TrailingZone(ReadOnlySpan<byte> rest, ref DateParts parts)
    {
        rest = Text.Trim(rest);
        if (rest.IsEmpty)
        {
            return true;
        }

        if (rest.SequenceEqual("Z"u8) || rest.SequenceEqual("UTC"u8) || rest.SequenceEqual("GMT"u8))
        {
            parts.HasOffset = true;
            parts.OffsetMinutes = 0;
            return true;
        }

        if (TryReadOffset(rest, out int minutes, out int used) && used == rest.Length)
        {
            parts.HasOffset = true;
            parts.OffsetMinutes = minutes;
            return true;
        }

        // A zone name we cannot resolve without a tz database lookup (JST, CET…): keep the local-zone reading.
        foreach (byte b in rest)
        {
            if (!Text.IsLetter(b))
            {
                return false;
            }
        }

        return rest.Length <= 5;
    }

    /// <summary>Round-trip ISO text for timestamp fields kept as strings (<c>event.start</c> …).</summary>
    public static string Format(DateTimeOffset value) =>
        value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", System.Globalization.CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;

using Yagura.Core.Events;
using Yagura.Core.Text;

namespace Yagura.Core.Search.Internal;

/// <summary>How query values are read as numbers, times and networks; shared by the parser and the evaluator.</summary>
internal static class QueryValues
{
    public static bool IsTimeField(string field) => field is FieldNames.Timestamp or FieldNames.EventCreated;

    public static bool IsTextField(string field) =>
        field is FieldNames.Message or FieldNames.EventOriginal or FieldNames.ErrorMessage;

    public static bool TryParseNumber(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>True when <paramref name="text"/> is a time the evaluator understands (absolute or relative).</summary>
    public static bool IsTimeSyntax(string text) =>
        text.Equals("now", StringComparison.OrdinalIgnoreCase) || TryParseRelative(text, out _) || TryParseAbsoluteTime(text, out _);

    /// <summary>Parses <c>now-15m</c>, <c>now+2h</c> … (units s, m, h, d, w) into the offset from now.</summary>
    public static bool TryParseRelative(ReadOnlySpan<char> text, out TimeSpan offset)
    {
        offset = default;
        if (text.Length < 6 || !text[..3].Equals("now", StringComparison.OrdinalIgnoreCase) || text[3] is not ('-' or '+'))
        {
            return false;
        }

        var digits = text[4..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        var unitTicks = text[^1] switch
        {
            's' => TimeSpan.TicksPerSecond,
            'm' => TimeSpan.TicksPerMinute,
            'h' => TimeSpan.TicksPerHour,
            'd' => TimeSpan.TicksPerDay,
            'w' => TimeSpan.TicksPerDay * 7,
            _ => 0L,
        };
        if (unitTicks == 0)
        {
            return false;
        }

        // Absurd offsets (now-99999999999w) saturate instead of failing: they still mean "long ago".
        var ticks = amount > TimeSpan.MaxValue.Ticks / unitTicks ? TimeSpan.MaxValue.Ticks : amount * unitTicks;
        offset = TimeSpan.FromTicks(text[3] == '-' ? -ticks : ticks);
        return true;
    }

    /// <summary>ISO 8601 / RFC 3339 date-time (no offset means UTC) or a date alone (UTC midnight).</summary>
    public static bool TryParseAbsoluteTime(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length < 10 || !char.IsAsciiDigit(text[0]) || !char.IsAsciiDigit(text[3]) || text[4] != '-' || text[7] != '-')
        {
            return false;
        }

        if (text.Length == 10)
        {
            if (!DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
            {
                return false;
            }

            value = new DateTimeOffset(date, TimeSpan.Zero);
            return true;
        }

        if (text[10] is not ('T' or 't' or ' '))
        {
            return false;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    public static DateTimeOffset AddSaturating(DateTimeOffset time, TimeSpan offset)
    {
        if (offset < TimeSpan.Zero && time - DateTimeOffset.MinValue < -offset)
        {
            return DateTimeOffset.MinValue;
        }

        if (offset > TimeSpan.Zero && DateTimeOffset.MaxValue - time < offset)
        {
            return DateTimeOffset.MaxValue;
        }

        return time + offset;
    }

    /// <summary>
    /// Parses <c>10.0.0.0/8</c> or <c>2001:db8::/32</c>. Host bits after the prefix are cleared, so
    /// <c>10.1.2.3/8</c> means <c>10.0.0.0/8</c> as an analyst would expect.
    /// </summary>
    public static bool TryParseCidr(string text, out IPNetwork network)
    {
        network = default;
        var slash = text.LastIndexOf('/');
        if (slash <= 0 || slash == text.Length - 1)
        {
            return false;
        }

        if (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            return false;
        }

        var addressText = text.AsSpan(0, slash);
        IPAddress address;
        if (addressText.Contains(':'))
        {
            if (!IPAddress.TryParse(addressText, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6 || prefix > 128)
            {
                return false;
            }

            address = parsed;
        }
        else
        {
            if (!DottedQuad.TryParse(addressText, out var v4) || prefix > 32)
            {
                return false;
            }

            address = new IPAddress(ToNetworkBytes(v4));
        }

        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        network = new IPNetwork(new IPAddress(bytes), prefix);
        return true;
    }

    private static byte[] ToNetworkBytes(uint address) =>
        [(byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address];

    /// <summary>The text a non-string field value is compared as (invariant, lower-case booleans).</summary>
    public static string? ToText(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>A numeric field value (numbers, and strings that read as numbers) for ranges and statistics.</summary>
    public static bool TryGetNumber(object? value, out double number)
    {
        switch (value)
        {
            case long l:
                number = l;
                return true;
            case int i:
                number = i;
                return true;
            case double d:
                number = d;
                return !double.IsNaN(d);
            case string s:
                return TryParseNumber(s, out number);
            default:
                number = 0;
                return false;
        }
    }
}

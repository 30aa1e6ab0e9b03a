using Yagura.Core.Events;
using Yagura.Ingest.Parsing.Cef;
using Yagura.Ingest.Parsing.Internal;

namespace Yagura.Ingest.Parsing.Leef;

/// <summary>
/// IBM QRadar LEEF: <c>LEEF:1.0|Vendor|Product|Version|EventID|attrs</c> (tab-delimited) and
/// <c>LEEF:2.0|Vendor|Product|Version|EventID|Delimiter|attrs</c> (delimiter a character or <c>x09</c>/<c>0x09</c>).
/// </summary>
internal static class LeefParser
{
    private const string Prefix = "leef.";
    private const int DevTime = 1;
    private const int DevTimeFormat = 2;

    private static readonly VendorKeyTable Keys = new(Prefix, EcsMapping.Leef, static key => key switch
    {
        "devTime" => DevTime,
        "devTimeFormat" => DevTimeFormat,
        _ => 0,
    });

    public static bool TryParse(ReadOnlySpan<byte> s, EventBuilder b)
    {
        if (!s.StartsWith("LEEF:"u8))
        {
            b.AddError("payload does not start with 'LEEF:'; kept as raw");
            return false;
        }

        Span<Range> header = stackalloc Range[6];
        int p = 5;
        int found = 0;
        int start = p;
        while (p < s.Length && found < 5)
        {
            if (s[p] == '|')
            {
                header[found++] = start..p;
                start = p + 1;
            }

            p++;
        }

        if (found < 5)
        {
            b.AddError($"LEEF header has {found} of 5 fields; kept as raw");
            return false;
        }

        ReadOnlySpan<byte> version = s[header[0]];
        b.Format = LogFormats.Leef;
        b.Set("leef.version", Text.Decode(version));
        b.Set(FieldNames.ObserverVendor, Text.Decode(s[header[1]]));
        b.Set(FieldNames.ObserverProduct, Text.Decode(s[header[2]]));
        b.Set(FieldNames.ObserverVersion, Text.Decode(s[header[3]]));
        string eventId = Text.Decode(s[header[4]]);
        b.Set(FieldNames.EventCode, eventId);

        ReadOnlySpan<byte> rest = s[p..];
        byte delimiter = (byte)'\t';
        if (version.StartsWith("2"u8))
        {
            // The delimiter field is optional in practice: if what follows already looks like key=value, it is absent.
            int bar = rest.IndexOf((byte)'|');
            if (bar >= 0 && rest[..bar].IndexOf((byte)'=') < 0)
            {
                if (!TryDelimiter(rest[..bar], out delimiter))
                {
                    b.AddError($"LEEF 2.0 delimiter '{Text.Decode(rest[..bar])}' is not a character or hex code; tab used");
                    delimiter = (byte)'\t';
                }

                rest = rest[(bar + 1)..];
            }
        }
        else if (rest.IndexOf((byte)'\t') < 0)
        {
            // LEEF 1.0 without tabs: Palo Alto and others use '|', some use spaces like CEF.
            delimiter = rest.IndexOf((byte)'|') >= 0 ? (byte)'|' : (byte)' ';
        }

        ParseAttributes(rest, delimiter, b);
        if (b.Message is null)
        {
            b.Message = eventId;
        }

        return true;
    }

    private static bool TryDelimiter(ReadOnlySpan<byte> field, out byte delimiter)
    {
        delimiter = (byte)'\t';
        if (field.IsEmpty)
        {
            return true;
        }

        if (field.Length == 1)
        {
            delimiter = field[0];
            return true;
        }

        if (field.Length == 2 && field[0] == '\\' && field[1] == 't')
        {
            return true;
        }

        ReadOnlySpan<byte> hex = field;
        if (hex.Length > 2 && hex[0] == '0' && hex[1] is (byte)'x' or (byte)'X')
        {
            hex = hex[2..];
        }
        else if (hex[0] is (byte)'x' or (byte)'X')
        {
            hex = hex[1..];
        }
        else
        {
            return false;
        }

        if (hex.Length is < 1 or > 2 || !byte.TryParse(hex, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out delimiter))
        {
            delimiter = (byte)'\t';
            return false;
        }

        return delimiter != 0;
    }

    private static void ParseAttributes(ReadOnlySpan<byte> s, byte delimiter, EventBuilder b)
    {
        ReadOnlySpan<byte> devTime = default;
        ReadOnlySpan<byte> devTimeFormat = default;
        int p = 0;
        while (p < s.Length)
        {
            int end;
            if (delimiter == ' ')
            {
                end = p;
                while (end < s.Length && !(s[end] == ' ' && CefParser.NextIsKey(s, end + 1)))
                {
                    end++;
                }
            }
            else
            {
                int d = s[p..].IndexOf(delimiter);
                end = d < 0 ? s.Length : p + d;
            }

            ReadOnlySpan<byte> pair = s[p..end];
            p = end + 1;
            int eq = pair.IndexOf((byte)'=');
            if (eq <= 0)
            {
                continue;
            }

            ReadOnlySpan<byte> key = Text.Trim(pair[..eq]);
            ReadOnlySpan<byte> raw = pair[(eq + 1)..];
            if (delimiter is (byte)' ' or (byte)'\t')
            {
                raw = Text.Trim(raw);
            }

            if (key.IsEmpty)
            {
                continue;
            }

            string value = Text.Decode(raw);
            VendorKey vendorKey = Keys.Get(key);
            b.Append(vendorKey.Field, value);
            if (vendorKey.Special == DevTime)
            {
                devTime = raw;
            }
            else if (vendorKey.Special == DevTimeFormat)
            {
                devTimeFormat = raw;
            }
            else if (vendorKey.HasMap)
            {
                EcsMapping.Apply(b, vendorKey.Map, value, raw);
            }
        }

        if (!devTime.IsEmpty)
        {
            DateTimeOffset ts;
            bool ok = devTimeFormat.IsEmpty
                ? Timestamps.TryParseAny(devTime, b.Received, b.LocalTimeZone, out ts)
                : JavaDateFormat.TryParse(devTime, devTimeFormat, b.Received, b.LocalTimeZone, out ts)
                  || Timestamps.TryParseAny(devTime, b.Received, b.LocalTimeZone, out ts);
            if (ok)
            {
                b.Timestamp = ts;
            }
            else
            {
                b.AddError($"LEEF devTime '{EcsMapping.Shorten(Text.Decode(devTime))}' does not match devTimeFormat; received time used");
            }
        }
    }
}

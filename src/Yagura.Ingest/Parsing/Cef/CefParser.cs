using Yagura.Core.Events;
using Yagura.Ingest.Parsing.Internal;

namespace Yagura.Ingest.Parsing.Cef;

/// <summary>
/// ArcSight CEF: <c>CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension</c>.
/// </summary>
internal static class CefParser
{
    private const string ExtensionPrefix = "cef.extensions.";
    private const string CustomPrefix = "cef.custom.";
    private const int CustomSlots = 40;

    // Slot → the extension field names of a custom value and its label (cef.extensions.cs1 / cs1Label …).
    private static readonly (string Value, string Label)[] CustomKeys = CreateCustomKeys();

    // Special: slot + 1 for a custom value (cs1 …), -(slot + 1) for its label.
    private static readonly VendorKeyTable Keys = new(ExtensionPrefix, EcsMapping.Cef, static key =>
        CustomSlot(key, out int slot, out bool isLabel) ? (isLabel ? -(slot + 1) : slot + 1) : 0);

    /// <summary>Parses a payload starting with <c>CEF:</c>; returns false (error noted) when the header is incomplete.</summary>
    public static bool TryParse(ReadOnlySpan<byte> s, EventBuilder b)
    {
        if (!s.StartsWith("CEF:"u8))
        {
            b.AddError("payload does not start with 'CEF:'; kept as raw");
            return false;
        }

        // Header: 7 fields, each ended by an unescaped '|'.
        Span<Range> header = stackalloc Range[7];
        int p = 4;
        int found = 0;
        int start = p;
        bool anyEscape = false;
        while (p < s.Length && found < 7)
        {
            byte c = s[p];
            if (c == '\\' && p + 1 < s.Length)
            {
                anyEscape = true;
                p += 2;
                continue;
            }

            if (c == '|')
            {
                header[found++] = start..p;
                start = p + 1;
            }

            p++;
        }

        if (found < 7)
        {
            b.AddError($"CEF header has {found} of 7 fields; kept as raw");
            return false;
        }

        b.Format = LogFormats.Cef;
        ReadOnlySpan<byte> escapes = "|\\"u8;
        b.Set("cef.version", Header(s[header[0]], anyEscape, escapes));
        b.Set(FieldNames.ObserverVendor, Header(s[header[1]], anyEscape, escapes));
        b.Set(FieldNames.ObserverProduct, Header(s[header[2]], anyEscape, escapes));
        b.Set(FieldNames.ObserverVersion, Header(s[header[3]], anyEscape, escapes));
        b.Set(FieldNames.EventCode, Header(s[header[4]], anyEscape, escapes));
        string name = Header(s[header[5]], anyEscape, escapes);
        b.Set("cef.name", name);
        b.Message = name;
        ReadOnlySpan<byte> severity = Text.Trim(s[header[6]]);
        b.Set("cef.severity", Text.Decode(severity));
        if (Text.TryParseLong(severity, out long sev))
        {
            b.Set(FieldNames.EventSeverity, Text.Box(sev));
        }
        else if (SeverityWord(severity) is long word)
        {
            b.Set(FieldNames.EventSeverity, Text.Box(word));
        }

        ParseExtension(s[p..], b);
        return true;
    }

    private static string Header(ReadOnlySpan<byte> s, bool anyEscape, ReadOnlySpan<byte> escapes) =>
        anyEscape ? Text.DecodeUnescaped(s, escapes, newlines: false) : Text.Decode(s);

    private static long? SeverityWord(ReadOnlySpan<byte> s)
    {
        if (Text.StartsWithIgnoreCase(s, "very-high"u8) || Text.StartsWithIgnoreCase(s, "veryhigh"u8))
        {
            return 10;
        }

        if (Text.StartsWithIgnoreCase(s, "high"u8))
        {
            return 8;
        }

        if (Text.StartsWithIgnoreCase(s, "medium"u8))
        {
            return 5;
        }

        return Text.StartsWithIgnoreCase(s, "low"u8) ? 2 : null;
    }

    /// <summary>
    /// <c>key=value</c> pairs separated by spaces, values may hold spaces: a value ends where a space is followed by
    /// the next <c>key=</c>. Escapes: <c>\=</c> <c>\\</c> <c>\n</c> <c>\r</c> (and <c>\|</c>, which some senders add).
    /// </summary>
    public static void ParseExtension(ReadOnlySpan<byte> s, EventBuilder b)
    {
        // Labels (cs1Label=…) may come before or after their values, so both are collected first.
        ulong customValues = 0;
        ulong customLabels = 0;
        int p = 0;
        while (p < s.Length)
        {
            while (p < s.Length && s[p] == ' ')
            {
                p++;
            }

            int keyStart = p;
            while (p < s.Length && IsKeyChar(s[p]))
            {
                p++;
            }

            if (p >= s.Length || s[p] != '=' || p == keyStart)
            {
                // Not a pair: skip the word (vendors sometimes put free text at the end).
                while (p < s.Length && s[p] != ' ')
                {
                    p++;
                }

                continue;
            }

            ReadOnlySpan<byte> key = s[keyStart..p];
            p++;
            int valueStart = p;
            int valueEnd = s.Length;
            bool escaped = false;
            while (p < s.Length)
            {
                byte c = s[p];
                if (c == '\\' && p + 1 < s.Length)
                {
                    escaped = true;
                    p += 2;
                    continue;
                }

                if (c == ' ' && NextIsKey(s, p + 1))
                {
                    valueEnd = p;
                    break;
                }

                p++;
            }

            if (p >= s.Length)
            {
                valueEnd = s.Length;
            }

            ReadOnlySpan<byte> raw = s[valueStart..valueEnd];
            while (!raw.IsEmpty && raw[^1] is (byte)' ' or (byte)'\r' or (byte)'\n' or 0)
            {
                raw = raw[..^1];
            }

            string value = escaped ? Text.DecodeUnescaped(raw, "=\\|"u8, newlines: true) : Text.Decode(raw);
            VendorKey vendorKey = Keys.Get(key);
            b.Append(vendorKey.Field, value);
            if (vendorKey.HasMap)
            {
                EcsMapping.Apply(b, vendorKey.Map, value, raw);
            }
            else if (vendorKey.Special > 0)
            {
                customValues |= 1UL << (vendorKey.Special - 1);
            }
            else if (vendorKey.Special < 0)
            {
                customLabels |= 1UL << (-vendorKey.Special - 1);
            }
        }

        ulong paired = customValues & customLabels;
        for (int i = 0; paired != 0 && i < CustomSlots; i++, paired >>= 1)
        {
            if ((paired & 1) != 0 && b.Fields.GetValueOrDefault(CustomKeys[i].Label) is string { Length: > 0 } label)
            {
                b.SetForeign(FieldNameCache.Get(CustomPrefix, label.AsSpan()), b.Fields.GetValueOrDefault(CustomKeys[i].Value));
            }
        }
    }

    // cs1..cs6, cn1..cn3, cfp1..cfp4, c6a1..c6a4, flexString1..2, flexNumber1..2, deviceCustomDate1..2 and their labels.
    private static bool CustomSlot(ReadOnlySpan<char> key, out int slot, out bool isLabel)
    {
        slot = 0;
        isLabel = key.EndsWith("Label", StringComparison.Ordinal);
        if (isLabel)
        {
            key = key[..^5];
        }

        if (key.IsEmpty || !char.IsAsciiDigit(key[^1]))
        {
            return false;
        }

        int n = key[^1] - '0';
        ReadOnlySpan<char> stem = key[..^1];
        int group = stem switch
        {
            "cs" => 0,
            "cn" => 1,
            "cfp" => 2,
            "c6a" => 3,
            "flexString" => 4,
            "flexNumber" => 5,
            "deviceCustomDate" => 6,
            "flexDate" => 7,
            _ => -1,
        };
        if (group < 0 || n is < 1 or > 4 && !(group == 0 && n is 5 or 6))
        {
            return false;
        }

        slot = group < 1 ? n - 1 : 6 + ((group - 1) * 4) + (n - 1);
        return slot < CustomSlots;
    }


    private static (string Value, string Label)[] CreateCustomKeys()
    {
        var keys = new (string Value, string Label)[CustomSlots];
        string[] stems = ["cn", "cfp", "c6a", "flexString", "flexNumber", "deviceCustomDate", "flexDate"];
        for (int n = 1; n <= 6; n++)
        {
            keys[n - 1] = (ExtensionPrefix + "cs" + n, ExtensionPrefix + "cs" + n + "Label");
        }

        for (int g = 0; g < stems.Length; g++)
        {
            for (int n = 1; n <= 4; n++)
            {
                int slot = 6 + (g * 4) + (n - 1);
                if (slot < CustomSlots)
                {
                    keys[slot] = (ExtensionPrefix + stems[g] + n, ExtensionPrefix + stems[g] + n + "Label");
                }
            }
        }

        return keys;
    }

    internal static bool IsKeyChar(byte c) =>
        Text.IsLetter(c) || Text.IsDigit(c) || c is (byte)'_' or (byte)'.' or (byte)'-' or (byte)'[' or (byte)']';

    // After a space: is this "key=" (an unescaped '=' ends a run of key characters)?
    internal static bool NextIsKey(ReadOnlySpan<byte> s, int at)
    {
        int p = at;
        while (p < s.Length && IsKeyChar(s[p]))
        {
            p++;
        }

        return p > at && p < s.Length && s[p] == '=';
    }
}

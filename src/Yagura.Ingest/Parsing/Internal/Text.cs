using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Yagura.Ingest.Parsing.Internal;

/// <summary>Small helpers over UTF-8 bytes; every field value goes through <see cref="Decode"/> exactly once.</summary>
internal static class Text
{
    private static readonly object[] SmallLongs = CreateSmallLongs();

    /// <summary>Invalid sequences become U+FFFD (the default replacement fallback); NUL stays NUL.</summary>
    public static string Decode(ReadOnlySpan<byte> utf8) => utf8.IsEmpty ? string.Empty : Encoding.UTF8.GetString(utf8);

    /// <summary>Boxes a long, sharing the boxes of small values (codes, severities, common ports).</summary>
    public static object Box(long value) => (ulong)value < (ulong)SmallLongs.Length ? SmallLongs[value] : value;

    public static object Box(bool value) => value ? BoxedTrue : BoxedFalse;

    private static readonly object BoxedTrue = true;
    private static readonly object BoxedFalse = false;

    public static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
    {
        int start = 0;
        while (start < s.Length && IsSpace(s[start]))
        {
            start++;
        }

        int end = s.Length;
        while (end > start && (IsSpace(s[end - 1]) || s[end - 1] == 0))
        {
            end--;
        }

        return s[start..end];
    }

    public static ReadOnlySpan<byte> TrimStart(ReadOnlySpan<byte> s)
    {
        int start = 0;
        while (start < s.Length && IsSpace(s[start]))
        {
            start++;
        }

        return s[start..];
    }

    public static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    public static bool IsLetter(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    /// <summary>Parses an unsigned decimal that must fill the whole span.</summary>
    public static bool TryParseLong(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 18)
        {
            return s.Length > 18 && Utf8Parser.TryParse(s, out value, out int used) && used == s.Length && value >= 0;
        }

        foreach (byte b in s)
        {
            if (!IsDigit(b))
            {
                value = 0;
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }

    /// <summary>Parses an optionally signed integer that must fill the whole span.</summary>
    public static bool TryParseSignedLong(ReadOnlySpan<byte> s, out long value)
    {
        if (!s.IsEmpty && s[0] == '-')
        {
            bool ok = TryParseLong(s[1..], out value);
            value = -value;
            return ok;
        }

        return TryParseLong(s, out value);
    }

    public static bool TryParseLong(string s, out long value) =>
        long.TryParse(s, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out value);

    /// <summary>Case-insensitive ASCII prefix test (the needle must be lower case).</summary>
    public static bool StartsWithIgnoreCase(ReadOnlySpan<byte> s, ReadOnlySpan<byte> lowerNeedle)
    {
        if (s.Length < lowerNeedle.Length)
        {
            return false;
        }

        for (int i = 0; i < lowerNeedle.Length; i++)
        {
            byte b = s[i];
            if (b is >= (byte)'A' and <= (byte)'Z')
            {
                b = (byte)(b | 0x20);
            }

            if (b != lowerNeedle[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Removes backslash escapes for the listed characters; other backslashes stay as they are.</summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public static string DecodeUnescaped(ReadOnlySpan<byte> s, ReadOnlySpan<byte> escapable, bool newlines)
    {
        int firstBackslash = s.IndexOf((byte)'\\');
        if (firstBackslash < 0)
        {
            return Decode(s);
        }

        byte[]? rented = null;
        Span<byte> buffer = s.Length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(s.Length));
        s[..firstBackslash].CopyTo(buffer);
        int n = firstBackslash;
        for (int i = firstBackslash; i < s.Length; i++)
        {
            byte b = s[i];
            if (b == '\\' && i + 1 < s.Length)
            {
                byte next = s[i + 1];
                if (escapable.Contains(next))
                {
                    buffer[n++] = next;
                    i++;
                    continue;
                }

                if (newlines && next is (byte)'n' or (byte)'r')
                {
                    buffer[n++] = next == 'n' ? (byte)'\n' : (byte)'\r';
                    i++;
                    continue;
                }
            }

            buffer[n++] = b;
        }

        string result = Decode(buffer[..n]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return result;
    }

    private static object[] CreateSmallLongs()
    {
        var boxes = new object[1024];
        for (int i = 0; i < boxes.Length; i++)
        {
            boxes[i] = (long)i;
        }

        return boxes;
    }
}

using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;

namespace Yagura.Ingest.Parsing.Internal;

/// <summary>
/// Shares the strings of field names built from message content (<c>cef.extensions.src</c>,
/// <c>log.syslog.structured_data.meta.sequenceId</c> …) so a steady stream of one vendor's events allocates no
/// new key strings. Bounded, because the names come from senders and a hostile sender can invent endless ones.
/// </summary>
internal static class FieldNameCache
{
    private const int MaxEntries = 100_000;
    private const int MaxCachedLength = 200;

    private static readonly ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> Lookup =
        Names.GetAlternateLookup<ReadOnlySpan<char>>();

    private static int _count;

    /// <summary>Returns <paramref name="prefix"/> followed by the decoded key.</summary>
    [SkipLocalsInit]
    public static string Get(string prefix, ReadOnlySpan<byte> utf8Key)
    {
        // A UTF-8 decode yields at most one char per byte.
        int max = prefix.Length + utf8Key.Length;
        if (max > MaxCachedLength)
        {
            return prefix + Text.Decode(utf8Key);
        }

        Span<char> buffer = stackalloc char[MaxCachedLength];
        prefix.CopyTo(buffer);
        int n = prefix.Length + Encoding.UTF8.GetChars(utf8Key, buffer[prefix.Length..]);
        return Get(buffer[..n]);
    }

    /// <summary>Returns <paramref name="prefix"/>, the decoded <paramref name="first"/>, a dot, and <paramref name="second"/>.</summary>
    [SkipLocalsInit]
    public static string Get(string prefix, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        int max = prefix.Length + first.Length + 1 + second.Length;
        if (max > MaxCachedLength)
        {
            return string.Concat(prefix, Text.Decode(first), ".", Text.Decode(second));
        }

        Span<char> buffer = stackalloc char[MaxCachedLength];
        prefix.CopyTo(buffer);
        int n = prefix.Length + Encoding.UTF8.GetChars(first, buffer[prefix.Length..]);
        buffer[n++] = '.';
        n += Encoding.UTF8.GetChars(second, buffer[n..]);
        return Get(buffer[..n]);
    }

    /// <summary>Returns <paramref name="prefix"/> followed by <paramref name="key"/>.</summary>
    [SkipLocalsInit]
    public static string Get(string prefix, ReadOnlySpan<char> key)
    {
        int length = prefix.Length + key.Length;
        if (length > MaxCachedLength)
        {
            return string.Concat(prefix, key);
        }

        Span<char> buffer = stackalloc char[MaxCachedLength];
        prefix.CopyTo(buffer);
        key.CopyTo(buffer[prefix.Length..]);
        return Get(buffer[..length]);
    }

    public static string Get(ReadOnlySpan<char> name)
    {
        if (Lookup.TryGetValue(name, out string? cached))
        {
            return cached;
        }

        string created = name.ToString();
        if (name.Length <= MaxCachedLength && Volatile.Read(ref _count) < MaxEntries && Names.TryAdd(created, created))
        {
            Interlocked.Increment(ref _count);
        }

        return created;
    }

    /// <summary>Rents a char buffer for building longer dotted names (JSON paths).</summary>
    public static char[] Rent(int minimum) => ArrayPool<char>.Shared.Rent(minimum);

    public static void Return(char[] buffer) => ArrayPool<char>.Shared.Return(buffer);
}

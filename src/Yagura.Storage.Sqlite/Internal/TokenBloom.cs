using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;

using Yagura.Core.Search;

namespace Yagura.Storage.Sqlite.Internal;

/// <summary>
/// A Bloom filter of the free-text tokens of a block of consecutive events (by id). Tokens are exactly those of
/// <see cref="TextTokens"/> (maximal runs of token characters, lower-cased invariantly), so the filter can never miss
/// a token the evaluator would match; a false positive only costs reading a block that has no match.
/// </summary>
/// <remarks>
/// Hashes are FNV-1a over the UTF-16 code units followed by a 64-bit finaliser: stable across processes and
/// versions (the files outlive the process). Bits: the next power of two of 10 per distinct token, 3 probes by double
/// hashing, about 2 % false positives.
/// </remarks>
internal static class TokenBloom
{
    public const int Probes = 3;

    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    public static ulong Hash(ReadOnlySpan<char> lowerToken) => Finish(Fnv(FnvOffset, lowerToken));

    /// <summary>
    /// The key of a column value (upper-cased invariantly: equal keys for ordinal-ignore-case equal values), in the
    /// same filter as the tokens but never equal to a token's key.
    /// </summary>
    public static ulong HashColumnValue(int column, ReadOnlySpan<char> upperValue)
    {
        var h = FnvOffset;
        h = unchecked((h ^ 0x01) * FnvPrime);
        h = unchecked((h ^ (uint)column) * FnvPrime);
        h = unchecked((h ^ 0x01) * FnvPrime);
        return Finish(Fnv(h, upperValue));
    }

    /// <summary>Adds the keys of a promoted column's value (each element of a list).</summary>
    public static void AddColumnValue(int column, object? value, KeySet hashes)
    {
        switch (value)
        {
            case null:
                break;
            case string s when s.Length <= 256:
                // Upper-cased on the stack: the same characters as ToUpperInvariant, without a string per value.
                Span<char> upper = stackalloc char[256];
                var length = s.AsSpan().ToUpperInvariant(upper);
                hashes.Add(HashColumnValue(column, upper[..length]));
                break;
            case string s:
                hashes.Add(HashColumnValue(column, s.ToUpperInvariant()));
                break;
            case bool b:
                hashes.Add(HashColumnValue(column, b ? "TRUE" : "FALSE"));
                break;
            case System.Collections.IEnumerable list:
                foreach (var item in list)
                {
                    AddColumnValue(column, item, hashes);
                }

                break;
            case IFormattable f:
                hashes.Add(HashColumnValue(column, f.ToString(null, System.Globalization.CultureInfo.InvariantCulture).ToUpperInvariant()));
                break;
            default:
                hashes.Add(HashColumnValue(column, (value.ToString() ?? "").ToUpperInvariant()));
                break;
        }
    }

    private static ulong Fnv(ulong h, ReadOnlySpan<char> chars)
    {
        foreach (var c in chars)
        {
            h = (h ^ c) * FnvPrime;
        }

        return h;
    }

    private static ulong Finish(ulong h)
    {
        // Finaliser (murmur3 fmix64): FNV's low bits are weak, and the probes use them.
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb93fe53a87e3UL;
        h ^= h >> 33;
        return h;
    }

    public static ulong HashToken(string token) => Hash(token);

    private static readonly SearchValues<char> AsciiTokenChars =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static readonly SearchValues<char> AsciiSeparators = SearchValues.Create(
        Enumerable.Range(0, 128).Select(c => (char)c).Where(c => !char.IsAsciiLetterOrDigit(c)).ToArray());

    /// <summary>Adds the key of every token of <paramref name="text"/>, and of every pair of adjacent tokens, to <paramref name="hashes"/>.</summary>
    /// <remarks>Vectorised skips over ASCII runs; non-ASCII characters take the <see cref="TextTokens"/> path.</remarks>
    public static void AddTokens(ReadOnlySpan<char> text, KeySet hashes)
    {
        if (System.Text.Ascii.IsValid(text))
        {
            AddAsciiTokens(text, hashes);
            return;
        }

        var i = 0;
        var previous = 0UL;
        var havePrevious = false;
        while (i < text.Length)
        {
            var skip = text[i..].IndexOfAnyExcept(AsciiSeparators);
            if (skip < 0)
            {
                return;
            }

            i += skip;
            if (text[i] >= 128 && !TextTokens.IsTokenChar(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            var ascii = true;
            while (true)
            {
                var run = text[i..].IndexOfAnyExcept(AsciiTokenChars);
                if (run < 0)
                {
                    i = text.Length;
                    break;
                }

                i += run;
                if (text[i] < 128 || !TextTokens.IsTokenChar(text[i]))
                {
                    break;
                }

                ascii = false;
                i++;
            }

            var token = text[start..i];
            var hash = ascii ? HashAsciiLower(token) : HashLowered(token);
            hashes.Add(hash);
            if (havePrevious)
            {
                hashes.Add(Pair(previous, hash));
            }

            previous = hash;
            havePrevious = true;
        }
    }

    /// <summary>
    /// <see cref="AddTokens"/> for ASCII text (nearly all logs) in one pass: tokens are short, so hashing each character
    /// as it is scanned beats two vectorised searches per token and a second pass to hash it.
    /// </summary>
    private static void AddAsciiTokens(ReadOnlySpan<char> text, KeySet hashes)
    {
        var previous = 0UL;
        var havePrevious = false;
        var h = FnvOffset;
        var inToken = false;
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                h = (h ^ (c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c)) * FnvPrime;
                inToken = true;
                continue;
            }

            if (inToken)
            {
                AddToken(Finish(h), ref previous, ref havePrevious, hashes);
                h = FnvOffset;
                inToken = false;
            }
        }

        if (inToken)
        {
            AddToken(Finish(h), ref previous, ref havePrevious, hashes);
        }

        static void AddToken(ulong hash, ref ulong previous, ref bool havePrevious, KeySet hashes)
        {
            hashes.Add(hash);
            if (havePrevious)
            {
                hashes.Add(Pair(previous, hash));
            }

            previous = hash;
            havePrevious = true;
        }
    }

    /// <summary>
    /// The key of two adjacent tokens. Words made of common tokens (an IP address is four small numbers) are found
    /// in nearly every block token by token, but their adjacent pairs are rare.
    /// </summary>
    public static ulong Pair(ulong first, ulong second) => Finish((first * 0x9E3779B97F4A7C15UL) ^ second ^ 0x2545F4914F6CDD1DUL);

    /// <summary>The keys a term's tokens must all have in a block: each token and each adjacent pair.</summary>
    public static List<ulong> Keys(IReadOnlyList<string> tokens)
    {
        var keys = new List<ulong>(tokens.Count * 2);
        var previous = 0UL;
        for (var i = 0; i < tokens.Count; i++)
        {
            var hash = HashToken(tokens[i]);
            keys.Add(hash);
            if (i > 0)
            {
                keys.Add(Pair(previous, hash));
            }

            previous = hash;
        }

        return keys;
    }

    private static ulong HashAsciiLower(ReadOnlySpan<char> token)
    {
        var h = FnvOffset;
        foreach (var c in token)
        {
            h = (h ^ (c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c)) * FnvPrime;
        }

        return Finish(h);
    }

    private static ulong HashLowered(ReadOnlySpan<char> token)
    {
        Span<char> buffer = token.Length <= 256 ? stackalloc char[256] : new char[token.Length];
        var lower = buffer[..token.Length];
        token.ToLowerInvariant(lower);
        return Hash(lower);
    }

    /// <summary>Builds the filter of a set of token hashes.</summary>
    public static byte[] Build(HashSet<ulong> hashes) => Build(hashes.ToArray().AsSpan());

    /// <summary>Builds the filter of distinct token hashes.</summary>
    public static byte[] Build(ReadOnlySpan<ulong> hashes)
    {
        var bits = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, hashes.Length * 10));
        var filter = new byte[bits / 8];
        var mask = (uint)(bits - 1);
        foreach (var h in hashes)
        {
            var h1 = (uint)h;
            var h2 = (uint)(h >> 32) | 1;
            for (var k = 0; k < Probes; k++)
            {
                var bit = (h1 + ((uint)k * h2)) & mask;
                filter[bit >> 3] |= (byte)(1 << (int)(bit & 7));
            }
        }

        return filter;
    }

    /// <summary>True when every hash may be in the filter (hashes are 8-byte little-endian values).</summary>
    public static bool MayContainAll(ReadOnlySpan<byte> filter, ReadOnlySpan<byte> hashes)
    {
        if (filter.Length == 0 || !BitOperations.IsPow2(filter.Length))
        {
            return true;
        }

        var mask = (uint)((filter.Length * 8) - 1);
        for (var i = 0; i + 8 <= hashes.Length; i += 8)
        {
            var h = BinaryPrimitives.ReadUInt64LittleEndian(hashes[i..]);
            var h1 = (uint)h;
            var h2 = (uint)(h >> 32) | 1;
            for (var k = 0; k < Probes; k++)
            {
                var bit = (h1 + ((uint)k * h2)) & mask;
                if ((filter[(int)(bit >> 3)] & (1 << (int)(bit & 7))) == 0)
                {
                    return false;
                }
            }
        }

        return true;
    }
}

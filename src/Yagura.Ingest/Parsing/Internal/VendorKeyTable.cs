using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;

namespace Yagura.Ingest.Parsing.Internal;

/// <summary>What a parser needs to know about one vendor key, worked out once per distinct key.</summary>
/// <param name="Field">Where the vendor's value is kept (<c>cef.extensions.src</c>, <c>kv.srcip</c> …).</param>
/// <param name="HasMap">Whether <paramref name="Map"/> applies.</param>
/// <param name="Map">The ECS mapping of the key.</param>
/// <param name="Special">A parser-specific code for keys it treats itself (timestamps, custom labels); 0 for none.</param>
internal sealed record VendorKey(string Field, bool HasMap, FieldMap Map, int Special);

/// <summary>
/// The keys of one format (CEF extensions, LEEF attributes, key=value pairs), each resolved once to its kept field
/// name and ECS mapping, so a pair costs one lookup. Bounded like <see cref="FieldNameCache"/>: keys come from senders.
/// </summary>
internal sealed class VendorKeyTable
{
    private const int MaxEntries = 50_000;
    private const int MaxCachedLength = 128;

    private readonly string _prefix;
    private readonly Dictionary<string, FieldMap>.AlternateLookup<ReadOnlySpan<char>> _maps;
    private readonly Func<string, int> _special;
    private readonly ConcurrentDictionary<string, VendorKey> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, VendorKey>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private int _count;

    public VendorKeyTable(string prefix, Dictionary<string, FieldMap> maps, Func<string, int> special)
    {
        _prefix = prefix;
        _maps = maps.GetAlternateLookup<ReadOnlySpan<char>>();
        _special = special;
        _lookup = _keys.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    [SkipLocalsInit]
    public VendorKey Get(ReadOnlySpan<byte> utf8Key)
    {
        if (utf8Key.Length > MaxCachedLength)
        {
            return Create(Text.Decode(utf8Key));
        }

        // A UTF-8 decode yields at most one char per byte.
        Span<char> buffer = stackalloc char[MaxCachedLength];
        int n = Encoding.UTF8.GetChars(utf8Key, buffer);
        if (_lookup.TryGetValue(buffer[..n], out VendorKey? known))
        {
            return known;
        }

        string key = buffer[..n].ToString();
        VendorKey created = Create(key);
        if (Volatile.Read(ref _count) < MaxEntries && _keys.TryAdd(key, created))
        {
            Interlocked.Increment(ref _count);
        }

        return created;
    }

    private VendorKey Create(string key)
    {
        bool hasMap = _maps.TryGetValue(key.AsSpan(), out FieldMap map);
        return new VendorKey(FieldNameCache.Get(_prefix, key.AsSpan()), hasMap, map, _special(key));
    }
}

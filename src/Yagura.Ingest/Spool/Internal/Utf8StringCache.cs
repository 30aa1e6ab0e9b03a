using System.Text;

namespace Yagura.Ingest.Spool.Internal;

/// <summary>
/// Turns the few distinct tenant ids, formats and source addresses of a spool into strings without allocating
/// for every record: a direct-mapped table keyed by the bytes, the last entry in a slot wins.
/// </summary>
internal sealed class Utf8StringCache
{
    private const int Slots = 256;
    private readonly byte[]?[] _keys = new byte[Slots][];
    private readonly string?[] _values = new string[Slots];

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return string.Empty;
        }

        var slot = Hash(utf8) & (Slots - 1);
        var key = _keys[slot];
        if (key is not null && utf8.SequenceEqual(key))
        {
            return _values[slot]!;
        }

        var value = Encoding.UTF8.GetString(utf8);
        _keys[slot] = utf8.ToArray();
        _values[slot] = value;
        return value;
    }

    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        // FNV-1a: the keys are short, so a simple byte loop is cheaper than anything vectorised.
        var hash = 2166136261u;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash ^ (hash >> 16));
    }
}

using System.Collections.Frozen;
using System.Runtime.InteropServices;

namespace Yagura.Detection.Ioc.Internal;

/// <summary>An indicator in the matcher's index, with the list it came from.</summary>
internal sealed record IocEntry(IocIndicator Indicator, string List)
{
    public string Source => Indicator.Source ?? List;

    /// <summary>
    /// Adds <paramref name="entry"/> to the bucket of its key. The same indicator from the same list and source is
    /// kept once (the copy that expires last), so a list that repeats a line does not double every hit.
    /// </summary>
    public static void AddTo<TKey>(Dictionary<TKey, List<IocEntry>> buckets, TKey key, IocEntry entry)
        where TKey : notnull
    {
        ref var bucket = ref CollectionsMarshal.GetValueRefOrAddDefault(buckets, key, out _);
        bucket ??= [];
        var same = bucket.FindIndex(e => e.List == entry.List && e.Source == entry.Source && e.Indicator.Type == entry.Indicator.Type);
        if (same < 0)
        {
            bucket.Add(entry);
        }
        else if (ExpiresLater(entry.Indicator, bucket[same].Indicator))
        {
            bucket[same] = entry;
        }
    }

    public static FrozenDictionary<TKey, IocEntry[]> Freeze<TKey>(Dictionary<TKey, List<IocEntry>> buckets, IEqualityComparer<TKey>? comparer = null)
        where TKey : notnull =>
        buckets.ToFrozenDictionary(b => b.Key, b => b.Value.ToArray(), comparer);

    private static bool ExpiresLater(IocIndicator a, IocIndicator b) =>
        b.Expires is { } bExpires && (a.Expires is not { } aExpires || aExpires > bExpires);
}

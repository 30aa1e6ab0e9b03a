namespace Yagura.Detection.Correlation.Internal;

/// <summary>
/// The matches of one group (one tenant and one set of group-by values) of one rule, sorted by event time, with the
/// running aggregates that sliding windows need so that each event is evaluated without rescanning the window.
/// </summary>
internal sealed class Group(GroupKey key, long seq, CorrelationType type, int ruleCount)
{
    private readonly CorrelationType _type = type;

    public GroupKey Key { get; } = key;

    /// <summary>Creation order: breaks ties between groups deterministically.</summary>
    public long Seq { get; } = seq;

    public List<Entry> Entries { get; } = [];

    /// <summary>Set when the state limit evicted the group, so that scheduled window closes skip it.</summary>
    public bool Evicted { get; set; }

    /// <summary>Window starts (ticks) of the buckets with a close scheduled; end-of-window evaluation only.</summary>
    public List<long> OpenBuckets { get; } = [];

    // Running aggregates of the entries, kept only for sliding windows (see Add/RemoveFront).
    public Dictionary<string, int>? DistinctCounts { get; private set; }

    public double Sum { get; private set; }

    public int[]? PerRuleCounts { get; } = type == CorrelationType.Temporal ? new int[ruleCount] : null;

    public int DistinctRules { get; private set; }

    /// <summary>The newest event time held; the group's last activity, by which the state limit picks whom to evict.</summary>
    public long NewestTicks => Entries.Count == 0 ? long.MinValue : Entries[^1].Ticks;

    /// <summary>Inserts in event-time order; in-order arrival (the usual case) appends.</summary>
    public void Insert(Entry entry)
    {
        var entries = Entries;
        if (entries.Count == 0 || entries[^1].Ticks <= entry.Ticks)
        {
            entries.Add(entry);
            return;
        }

        entries.Insert(UpperBound(entry.Ticks), entry);
    }

    /// <summary>First index whose time is at or after <paramref name="ticks"/>.</summary>
    public int LowerBound(long ticks)
    {
        int lo = 0, hi = Entries.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (Entries[mid].Ticks < ticks)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private int UpperBound(long ticks)
    {
        int lo = 0, hi = Entries.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (Entries[mid].Ticks <= ticks)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    public void AddToAggregates(Entry entry)
    {
        switch (_type)
        {
            case CorrelationType.ValueCount:
                DistinctCounts ??= new Dictionary<string, int>(StringComparer.Ordinal);
                DistinctCounts[entry.Text!] = DistinctCounts.GetValueOrDefault(entry.Text!) + 1;
                break;
            case CorrelationType.ValueSum:
                Sum += entry.Number;
                break;
            case CorrelationType.Temporal:
                if (PerRuleCounts![entry.RuleIndex]++ == 0)
                {
                    DistinctRules++;
                }

                break;
        }
    }

    private void RemoveFromAggregates(Entry entry)
    {
        switch (_type)
        {
            case CorrelationType.ValueCount:
                var left = DistinctCounts![entry.Text!] - 1;
                if (left == 0)
                {
                    DistinctCounts.Remove(entry.Text!);
                }
                else
                {
                    DistinctCounts[entry.Text!] = left;
                }

                break;
            case CorrelationType.ValueSum:
                Sum -= entry.Number;
                break;
            case CorrelationType.Temporal:
                if (--PerRuleCounts![entry.RuleIndex] == 0)
                {
                    DistinctRules--;
                }

                break;
        }
    }

    /// <summary>Removes the oldest <paramref name="count"/> entries, keeping the aggregates right when they are kept.</summary>
    public void RemoveFront(int count, bool aggregates)
    {
        if (count <= 0)
        {
            return;
        }

        if (aggregates)
        {
            for (var i = 0; i < count; i++)
            {
                RemoveFromAggregates(Entries[i]);
            }

            if (count == Entries.Count)
            {
                // An empty window sums to exactly zero, whatever rounding the subtractions left.
                Sum = 0;
            }
        }

        Entries.RemoveRange(0, count);
    }
}

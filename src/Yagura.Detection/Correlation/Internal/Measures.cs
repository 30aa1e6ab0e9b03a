namespace Yagura.Detection.Correlation.Internal;

/// <summary>The value a correlation condition is compared with, computed over a window's entries.</summary>
internal static class Measures
{
    /// <summary>The measure of <paramref name="entries"/>[<paramref name="start"/>..<paramref name="end"/>), which are in event-time order.</summary>
    public static double Compute(CorrelationRule rule, List<Entry> entries, int start, int end)
    {
        var count = end - start;
        switch (rule.Type)
        {
            case CorrelationType.EventCount:
                return count;
            case CorrelationType.ValueCount:
                var distinct = new HashSet<string>(StringComparer.Ordinal);
                for (var i = start; i < end; i++)
                {
                    distinct.Add(entries[i].Text!);
                }

                return distinct.Count;
            case CorrelationType.ValueSum:
                return Sum(entries, start, end);
            case CorrelationType.ValueAvg:
                return count == 0 ? 0 : Sum(entries, start, end) / count;
            case CorrelationType.ValuePercentile:
                return Percentile(entries, start, end, rule.Condition.Percentile);
            case CorrelationType.Temporal:
                var seen = new bool[rule.Rules.Count];
                var rules = 0;
                for (var i = start; i < end; i++)
                {
                    if (!seen[entries[i].RuleIndex])
                    {
                        seen[entries[i].RuleIndex] = true;
                        rules++;
                    }
                }

                return rules;
            default:
                return OrderedRuleCount(entries, start, end, rule.Rules.Count);
        }
    }

    private static double Sum(List<Entry> entries, int start, int end)
    {
        var sum = 0.0;
        for (var i = start; i < end; i++)
        {
            sum += entries[i].Number;
        }

        return sum;
    }

    /// <summary>
    /// Nearest-rank percentile: the smallest value with at least <paramref name="percentile"/> % of the values at or
    /// below it (percentile 0 is the minimum). No interpolation, so the result is always an observed value.
    /// </summary>
    private static double Percentile(List<Entry> entries, int start, int end, int percentile)
    {
        var count = end - start;
        if (count == 0)
        {
            return 0;
        }

        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = entries[start + i].Number;
        }

        Array.Sort(values);
        var rank = (int)Math.Ceiling(percentile / 100.0 * count);
        return values[Math.Clamp(rank, 1, count) - 1];
    }

    /// <summary>
    /// The most referenced rules that matched in the listed order: the longest chain of matches whose rule indexes
    /// strictly increase as event time goes on. Matches with equal event times may chain in either order, because
    /// their true order is unknown; within such a tie they are taken in list order so that they can.
    /// </summary>
    public static int OrderedRuleCount(List<Entry> entries, int start, int end, int ruleCount)
    {
        // best[r]: the longest chain seen so far that ends with a match of rule r.
        Span<int> best = ruleCount <= 64 ? stackalloc int[ruleCount] : new int[ruleCount];
        var result = 0;
        var i = start;
        while (i < end)
        {
            var runEnd = i + 1;
            while (runEnd < end && entries[runEnd].Ticks == entries[i].Ticks)
            {
                runEnd++;
            }

            if (runEnd - i == 1)
            {
                result = Math.Max(result, Extend(best, entries[i].RuleIndex));
            }
            else
            {
                var run = new int[runEnd - i];
                for (var j = 0; j < run.Length; j++)
                {
                    run[j] = entries[i + j].RuleIndex;
                }

                Array.Sort(run);
                foreach (var index in run)
                {
                    result = Math.Max(result, Extend(best, index));
                }
            }

            i = runEnd;
        }

        return result;

        static int Extend(Span<int> best, int index)
        {
            var before = 0;
            for (var r = 0; r < index; r++)
            {
                before = Math.Max(before, best[r]);
            }

            best[index] = Math.Max(best[index], before + 1);
            return best[index];
        }
    }
}

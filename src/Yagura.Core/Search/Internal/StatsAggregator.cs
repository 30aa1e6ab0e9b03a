using System.Collections;

namespace Yagura.Core.Search.Internal;

/// <summary>
/// Runs one <c>stats</c> stage over a stream of items (events or table rows). A list value in a <c>by</c> field
/// puts the item in one group per element; a missing <c>by</c> value is a group of its own (null), so the counts
/// of a table always add up to the matches.
/// </summary>
internal sealed class StatsAggregator
{
    private readonly StatsStage _stage;
    private readonly int _maxGroups;
    private readonly Dictionary<object?[], GroupState> _groups = new(KeyComparer.Instance);
    private readonly List<(object?[] Key, GroupState State)> _order = [];
    private readonly object?[] _scratch;
    private readonly List<object?>[] _byValues;

    public StatsAggregator(StatsStage stage, int maxGroups)
    {
        _stage = stage;
        _maxGroups = maxGroups;
        _scratch = new object?[stage.By.Count];
        _byValues = [.. stage.By.Select(_ => new List<object?>())];
    }

    /// <summary>True when groups beyond the cap were dropped.</summary>
    public bool Capped { get; private set; }

    public void Add<T>(T item, Func<T, string, object?> get)
    {
        for (var i = 0; i < _stage.By.Count; i++)
        {
            var values = _byValues[i];
            values.Clear();
            Flatten(get(item, _stage.By[i]), values);
            if (values.Count == 0)
            {
                values.Add(null);
            }
        }

        // Aggregated field values are read once per item, however many groups it falls into.
        var aggregations = _stage.Aggregations;
        Span<int> counter = stackalloc int[_stage.By.Count];
        var fieldValues = new object?[aggregations.Count];
        for (var a = 0; a < aggregations.Count; a++)
        {
            fieldValues[a] = aggregations[a].Field is { } field ? get(item, field) : null;
        }

        while (true)
        {
            for (var i = 0; i < _scratch.Length; i++)
            {
                _scratch[i] = _byValues[i][counter[i]];
            }

            var group = Find();
            if (group is not null)
            {
                for (var a = 0; a < aggregations.Count; a++)
                {
                    group.Accumulators[a].Add(fieldValues[a]);
                }
            }

            // Next combination of list elements (an odometer over the by fields).
            var digit = _scratch.Length - 1;
            while (digit >= 0 && ++counter[digit] == _byValues[digit].Count)
            {
                counter[digit] = 0;
                digit--;
            }

            if (digit < 0)
            {
                break;
            }
        }
    }

    private GroupState? Find()
    {
        if (_groups.TryGetValue(_scratch, out var group))
        {
            return group;
        }

        if (_groups.Count >= _maxGroups)
        {
            Capped = true;
            return null;
        }

        var key = (object?[])_scratch.Clone();
        group = new GroupState([.. _stage.Aggregations.Select(Accumulator.Create)]);
        _groups.Add(key, group);
        _order.Add((key, group));
        return group;
    }

    public (List<string> Columns, List<object?[]> Rows) ToTable()
    {
        var columns = new List<string>(_stage.By);
        columns.AddRange(_stage.Aggregations.Select(a => a.Name));
        var rows = new List<object?[]>(_order.Count);
        if (_stage.By.Count == 0 && _order.Count == 0)
        {
            // "stats count()" over nothing is one row of zeros, not an empty table.
            _order.Add(([], new GroupState([.. _stage.Aggregations.Select(Accumulator.Create)])));
        }

        foreach (var (key, state) in _order)
        {
            var row = new object?[columns.Count];
            key.CopyTo(row, 0);
            for (var a = 0; a < state.Accumulators.Length; a++)
            {
                row[key.Length + a] = state.Accumulators[a].Result;
            }

            rows.Add(row);
        }

        return (columns, rows);
    }

    private static void Flatten(object? value, List<object?> into)
    {
        switch (value)
        {
            case null:
                return;
            case string:
                into.Add(value);
                return;
            case IEnumerable items:
                foreach (var item in items)
                {
                    if (item is not null)
                    {
                        into.Add(item);
                    }
                }

                return;
            default:
                into.Add(value);
                return;
        }
    }

    private sealed class GroupState(Accumulator[] accumulators)
    {
        public Accumulator[] Accumulators { get; } = accumulators;
    }

    private abstract class Accumulator
    {
        public abstract object? Result { get; }

        public static Accumulator Create(Aggregation aggregation) => aggregation.Function switch
        {
            "count" when aggregation.Field is null => new CountAll(),
            "count" => new CountPresent(),
            "dc" => new DistinctCount(),
            "sum" => new Numeric(NumericKind.Sum),
            "avg" => new Numeric(NumericKind.Average),
            "min" => new Extreme(max: false),
            "max" => new Extreme(max: true),
            _ => throw new ArgumentException($"unknown aggregation '{aggregation.Function}'", nameof(aggregation)),
        };

        public abstract void Add(object? value);

        protected static void ForEach<TState>(object? value, TState state, Action<TState, object> action)
        {
            switch (value)
            {
                case null:
                    return;
                case string:
                    action(state, value);
                    return;
                case IEnumerable items:
                    foreach (var item in items)
                    {
                        if (item is not null)
                        {
                            action(state, item);
                        }
                    }

                    return;
                default:
                    action(state, value);
                    return;
            }
        }
    }

    private sealed class CountAll : Accumulator
    {
        private long _count;

        public override object? Result => _count;

        public override void Add(object? value) => _count++;
    }

    private sealed class CountPresent : Accumulator
    {
        private long _count;

        public override object? Result => _count;

        public override void Add(object? value)
        {
            if (value is not null && (value is string || value is not ICollection { Count: 0 }))
            {
                _count++;
            }
        }
    }

    private sealed class DistinctCount : Accumulator
    {
        private readonly HashSet<object> _seen = [];

        public override object? Result => (long)_seen.Count;

        public override void Add(object? value) => ForEach(value, _seen, static (seen, v) => seen.Add(v));
    }

    private enum NumericKind
    {
        Sum,
        Average,
    }

    private sealed class Numeric(NumericKind kind) : Accumulator
    {
        private double _sum;
        private long _longSum;
        private long _count;
        private bool _allLong = true;

        public override object? Result
        {
            get
            {
                if (_count == 0)
                {
                    return null;
                }

                if (kind == NumericKind.Average)
                {
                    return _sum / _count;
                }

                // Boxed separately: a conditional over long and double would silently make the sum a double.
                return _allLong ? _longSum : (object)_sum;
            }
        }

        public override void Add(object? value) => ForEach(value, this, static (self, v) => self.AddOne(v));

        private void AddOne(object value)
        {
            if (!QueryValues.TryGetNumber(value, out var number))
            {
                return;
            }

            _count++;
            _sum += number;
            if (_allLong && value is long l)
            {
                // Exact while it fits; an overflowing sum falls back to the double.
                try
                {
                    _longSum = checked(_longSum + l);
                }
                catch (OverflowException)
                {
                    _allLong = false;
                }
            }
            else
            {
                _allLong = false;
            }
        }
    }

    private sealed class Extreme(bool max) : Accumulator
    {
        private object? _best;

        public override object? Result => _best;

        public override void Add(object? value) => ForEach(value, this, static (self, v) => self.AddOne(v));

        private void AddOne(object value)
        {
            object candidate;
            if (value is DateTimeOffset or long or double)
            {
                candidate = value;
            }
            else if (value is int i)
            {
                candidate = (long)i;
            }
            else if (value is string s && QueryValues.TryParseNumber(s, out var number))
            {
                candidate = number;
            }
            else
            {
                return;
            }

            if (_best is null || (max ? ValueOrder.Compare(candidate, _best) > 0 : ValueOrder.Compare(candidate, _best) < 0))
            {
                _best = candidate;
            }
        }
    }

    private sealed class KeyComparer : IEqualityComparer<object?[]>
    {
        public static KeyComparer Instance { get; } = new();

        public bool Equals(object?[]? x, object?[]? y)
        {
            if (x is null || y is null || x.Length != y.Length)
            {
                return ReferenceEquals(x, y);
            }

            for (var i = 0; i < x.Length; i++)
            {
                if (!Equals(x[i], y[i]))
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(object?[] key)
        {
            var hash = new HashCode();
            foreach (var value in key)
            {
                hash.Add(value);
            }

            return hash.ToHashCode();
        }
    }
}

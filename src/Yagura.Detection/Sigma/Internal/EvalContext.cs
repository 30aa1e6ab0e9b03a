using System.Collections;
using System.Globalization;

using Yagura.Detection.Events;

namespace Yagura.Detection.Sigma.Internal;

/// <summary>
/// The fields a set of compiled rules reads, each a list of event field names tried in order (the pipeline's mapping
/// of one Sigma field). Numbered so that each is looked up at most once per event, however many rules read it.
/// </summary>
internal sealed class FieldTable
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string[]> _candidates = [];

    public int Count => _candidates.Count;

    public int IdOf(IReadOnlyList<string> candidates)
    {
        var key = string.Join('\u0001', candidates);
        if (!_ids.TryGetValue(key, out var id))
        {
            id = _candidates.Count;
            _candidates.Add([.. candidates]);
            _ids[key] = id;
        }

        return id;
    }

    public string[] CandidatesOf(int id) => _candidates[id];
}

/// <summary>One event under evaluation: field values resolved and turned into strings once, on first use.</summary>
internal sealed class EvalContext(FieldTable fields)
{
    private static readonly string[] NoStrings = [];
    private Slot[] _slots = [];
    private int _generation;
    private string[]? _allStrings;

    public DetectionEvent Event { get; private set; } = null!;

    public void Reset(DetectionEvent e)
    {
        Event = e;
        _allStrings = null;
        if (_slots.Length < fields.Count)
        {
            Array.Resize(ref _slots, fields.Count);
        }

        if (++_generation == int.MaxValue)
        {
            Array.Clear(_slots);
            _generation = 1;
        }
    }

    public bool Exists(int field) => Resolve(field).Found;

    public object? Value(int field) => Resolve(field).Value;

    /// <summary>The field's value as strings: one for a scalar, one per item for a list, none when absent or null.</summary>
    public string[] Strings(int field)
    {
        ref var slot = ref Resolve(field);
        return slot.Strings ??= ToStrings(slot.Value);
    }

    /// <summary>Every string value of the event and its raw text: what keyword detections search.</summary>
    public string[] AllStrings()
    {
        if (_allStrings is null)
        {
            var all = new List<string>();
            foreach (var (_, value) in Event.Fields)
            {
                all.AddRange(ToStrings(value));
            }

            if (Event.Original is { } original)
            {
                all.Add(original);
            }

            _allStrings = [.. all];
        }

        return _allStrings;
    }

    private ref Slot Resolve(int field)
    {
        ref var slot = ref _slots[field];
        if (slot.Generation != _generation)
        {
            slot = default;
            slot.Generation = _generation;
            foreach (var name in fields.CandidatesOf(field))
            {
                if (Event.Fields.TryGetValue(name, out var value))
                {
                    slot.Found = true;
                    slot.Value = value;
                    break;
                }
            }
        }

        return ref slot;
    }

    public static string[] ToStrings(object? value) => value switch
    {
        null => NoStrings,
        string s => [s],
        IList list => [.. list.Cast<object?>().Where(v => v is not null).Select(Format)],
        _ => [Format(value)],
    };

    public static string Format(object? value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };

    private struct Slot
    {
        public int Generation;
        public bool Found;
        public object? Value;
        public string[]? Strings;
    }
}

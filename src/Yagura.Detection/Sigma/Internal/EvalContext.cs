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
    private readonly List<string[]> _candidates = [[]];

    /// <summary>The pseudo-field keyword (unnamed) detections search: every value of the event (its message among them;
    /// not the raw text, whose values are those same fields).</summary>
    public const int AllValues = 0;

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

    private Dictionary<string, FieldName>? _byName;

    /// <summary>For an event field name, the fields that read it and at which rank of their candidates, and what its
    /// values are scanned for. Built on first use, after every rule is compiled: an event then costs a look-up per field
    /// it has, not per field rules read.</summary>
    public Dictionary<string, FieldName> ByName => _byName ??= _candidates
        .SelectMany((names, id) => names.Select((name, rank) => (Name: name, Id: id, Rank: rank)))
        .GroupBy(x => x.Name, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => new FieldName([.. g.Select(x => (x.Id, x.Rank))]), StringComparer.Ordinal);

    /// <summary>The scan of the values of names no rule reads (keyword literals only), or null.</summary>
    public Prefilter.NameScan? OtherNames { get; set; }
}

/// <summary>An event field name some rule reads.</summary>
internal sealed class FieldName((int Field, int Rank)[] readers)
{
    public (int Field, int Rank)[] Readers => readers;

    /// <summary>What the prefilter looks for in this name's values (null: nothing).</summary>
    public Prefilter.NameScan? Scan { get; set; }

    /// <summary>The prefilter's atoms that hold when the event has this name (fields whose presence routes rules).</summary>
    public int[] Presence { get; set; } = [];
}

/// <summary>One event under evaluation: its fields resolved once, when it arrives, and turned into strings on first
/// use.</summary>
internal sealed class EvalContext(FieldTable fields)
{
    private static readonly string[] NoStrings = [];
    private Slot[] _slots = [];
    private readonly List<(Prefilter.NameScan, object)> _scans = [];
    private readonly List<FieldName> _presentNames = [];
    private int _generation;
    private string[]? _allStrings;

    public DetectionEvent Event { get; private set; } = null!;

    /// <summary>The literals found in this event by the prefilter of the rules being evaluated (null: none ran).</summary>
    public Prefilter.State? Atoms { get; set; }

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

        // Walk the event's own fields: a field no rule reads costs one look-up, and a field rules read but the event
        // lacks costs nothing (its slot is simply not stamped with this generation).
        _scans.Clear();
        _presentNames.Clear();
        var byName = fields.ByName;
        var otherNames = fields.OtherNames;
        foreach (var (name, value) in e.Fields)
        {
            if (!byName.TryGetValue(name, out var fieldName))
            {
                if (otherNames is not null && value is not null)
                {
                    _scans.Add((otherNames, value));
                }

                continue;
            }

            if (fieldName.Scan is { } scan && value is not null)
            {
                _scans.Add((scan, value));
            }

            if (fieldName.Presence.Length > 0)
            {
                _presentNames.Add(fieldName);
            }

            foreach (var (field, rank) in fieldName.Readers)
            {
                ref var slot = ref _slots[field];
                if (slot.Generation != _generation)
                {
                    slot = new Slot { Generation = _generation, Found = true, Value = value, Rank = rank };
                }
                else if (rank < slot.Rank)
                {
                    slot = new Slot { Generation = _generation, Found = true, Value = value, Rank = rank };
                }
            }
        }
    }

    /// <summary>The event's field names whose presence the prefilter marks.</summary>
    public List<FieldName> PresentNames => _presentNames;

    /// <summary>The event's values with what the prefilter looks for in each.</summary>
    public List<(Prefilter.NameScan Scan, object Value)> Scans => _scans;

    public bool Exists(int field) => Resolve(field).Found;

    public object? Value(int field) => Resolve(field).Value;

    /// <summary>The field's value as strings: one for a scalar, one per item for a list, none when absent or null.</summary>
    public string[] Strings(int field)
    {
        if (field == FieldTable.AllValues)
        {
            return AllStrings();
        }

        ref var slot = ref Resolve(field);
        return slot.Strings ??= ToStrings(slot.Value);
    }

    /// <summary>Every string value of the event: what keyword detections search.</summary>
    private string[] AllStrings()
    {
        if (_allStrings is null)
        {
            var all = new List<string>();
            foreach (var (_, value) in Event.Fields)
            {
                all.AddRange(ToStrings(value));
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
            // Not among the event's fields.
            slot = new Slot { Generation = _generation };
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
        public int Rank;
    }
}

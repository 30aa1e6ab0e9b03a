using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;

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

    /// <summary>Whether this name's values repeat enough to be kept with what the prefilter finds in them.</summary>
    public RepeatTally Values { get; } = new();

    /// <summary>The prefilter's atoms that hold when the event has this name (fields whose presence routes rules).</summary>
    public int[] Presence { get; set; } = [];
}

/// <summary>One event under evaluation: its fields resolved once, when it arrives, and turned into strings on first
/// use.</summary>
internal sealed class EvalContext(FieldTable fields)
{
    private static readonly string[] NoStrings = [];
    private Slot[] _slots = [];
    private readonly List<ScanValue> _scans = [];
    private readonly List<FieldName> _presentNames = [];
    private int _generation;
    private string[]? _allStrings;

    public DetectionEvent Event { get; private set; } = null!;

    /// <summary>The literals found in this event by the prefilter of the rules being evaluated (null: none ran).</summary>
    public Prefilter.State? Atoms { get; set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        // lacks costs nothing (its slot is simply not stamped with this generation). The names of an event read from
        // JSON are linked to what rules read once, not looked up per event.
        _scans.Clear();
        _presentNames.Clear();
        if (e.Fields is FieldList list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                Add(FieldNameOf(list.NameAt(i)), list.ValueAt(i));
            }
        }
        else
        {
            var byName = fields.ByName;
            foreach (var (name, value) in e.Fields)
            {
                Add(byName.GetValueOrDefault(name), value);
            }
        }
    }

    private void Add(FieldName? fieldName, object? value)
    {
        if (fieldName is null)
        {
            if (fields.OtherNames is { } otherNames && value is not null)
            {
                _scans.Add(new(otherNames, value, null));
            }

            return;
        }

        if (fieldName.Scan is { } scan && value is not null)
        {
            _scans.Add(new(scan, value, fieldName.Values));
        }

        if (fieldName.Presence.Length > 0)
        {
            _presentNames.Add(fieldName);
        }

        foreach (var (field, rank) in fieldName.Readers)
        {
            ref var slot = ref _slots[field];
            if (slot.Generation != _generation || rank < slot.Rank)
            {
                slot = new Slot { Generation = _generation, Found = true, Value = value, Rank = rank };
            }
        }
    }

    /// <summary>The field table's entry for a name, kept on the name for the next event.</summary>
    private FieldName? FieldNameOf(ReadName name)
    {
        if (name.Link is NameLink link && ReferenceEquals(link.Table, fields))
        {
            return link.Name;
        }

        var found = fields.ByName.GetValueOrDefault(name.Name);
        name.Link = new NameLink(fields, found);
        return found;
    }

    private sealed record NameLink(FieldTable Table, FieldName? Name);

    /// <summary>The event's field names whose presence the prefilter marks.</summary>
    public List<FieldName> PresentNames => _presentNames;

    /// <summary>The event's values with what the prefilter looks for in each.</summary>
    public List<ScanValue> Scans => _scans;

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

    /// <summary>A value of the event and what the prefilter looks for in it.</summary>
    /// <param name="Scan">What the prefilter looks for in the value.</param>
    /// <param name="Value">The value.</param>
    /// <param name="Tally">Whether the values of its name repeat enough for what the scan finds in them to be remembered
    /// (null: they are not remembered).</param>
    public readonly record struct ScanValue(Prefilter.NameScan Scan, object Value, RepeatTally? Tally);

    private struct Slot
    {
        public int Generation;
        public bool Found;
        public object? Value;
        public string[]? Strings;
        public int Rank;
    }
}

using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Yagura.Detection.Events;

/// <summary>A flattened field name as one thread reads it, with what reading an event needs to know about it, worked
/// out once.</summary>
internal sealed class ReadName(string name, string? alias, int timeRank, bool kept)
{
    public string Name { get; } = name;

    /// <summary>The Windows alias of the name (<c>Threat Name</c> → <c>ThreatName</c>), or null.</summary>
    public string? Alias { get; } = alias;

    /// <summary>The name of <see cref="Alias"/>, once read.</summary>
    public ReadName? AliasName { get; set; }

    /// <summary>Its rank among the event-time fields, or -1.</summary>
    public int TimeRank { get; } = timeRank;

    /// <summary>Whether the thread keeps this name: the same object stands for it in every event.</summary>
    public bool Kept { get; } = kept;

    /// <summary>The event being read that last set this name, and where: how a repeated name is found without a search.</summary>
    public int SetInEvent { get; set; }

    public int SetAt { get; set; }

    /// <summary>The name read after this one last time, in the same object: the reading thread's guess at the next.</summary>
    public ReadName? Next { get; set; }

    /// <summary>For the name of an object, the name read first in it last time.</summary>
    public ReadName? First { get; set; }

    /// <summary>The object this name was last read in, and the raw bytes it was read from there: a guess at this name
    /// holds when the reader is in that object at those bytes.</summary>
    public ReadName? Parent { get; set; }

    public byte[] Utf8 { get; set; } = [];

    /// <summary>Values of up to this many bytes are remembered as the name's last.</summary>
    public const int MaxLastRaw = 64;

    /// <summary>The last value read with this name, its token type and its raw bytes (the first <see cref="LastLength"/>
    /// of <see cref="LastRaw"/>).</summary>
    public object? LastValue { get; set; }

    public System.Text.Json.JsonTokenType LastType { get; set; }

    public byte[]? LastRaw { get; set; }

    public int LastLength { get; set; }

    /// <summary>What detection links to this name (the fields its rules read with this name), kept by the detection code.
    /// Replaced as a whole, never changed in place.</summary>
    public object? Link { get; set; }
}

/// <summary>
/// The fields of an event read from JSON, in the order read, looked up by name like any dictionary. Each name is the
/// reading thread's <see cref="ReadName"/>, so that detection links a name to the fields rules read once rather than per
/// event, and reading an event fills two arrays rather than a hash table.
/// </summary>
internal sealed class FieldList : IReadOnlyDictionary<string, object?>
{
    /// <summary>From this many fields, looking a name up uses an index (built on the first look-up) instead of a walk.</summary>
    private const int IndexedFrom = 24;

    private readonly int _event;
    private ReadName[] _names = new ReadName[24];
    private object?[] _values = new object?[24];
    private int _count;
    private Dictionary<string, int>? _index;

    /// <param name="readingEvent">The reading thread's number for this event (<see cref="ReadName.SetInEvent"/>).</param>
    public FieldList(int readingEvent) => _event = readingEvent;

    public int Count => _count;

    public ReadName NameAt(int index) => _names[index];

    public object? ValueAt(int index) => _values[index];

    /// <summary>Sets a field while the event is read: a name read again replaces its value, as in a dictionary.</summary>
    public void Set(ReadName name, object? value)
    {
        var at = name.Kept ? (name.SetInEvent == _event ? name.SetAt : -1) : IndexOf(name.Name);
        if (at < 0)
        {
            if (_count == _names.Length)
            {
                Array.Resize(ref _names, _count * 2);
                Array.Resize(ref _values, _count * 2);
            }

            at = _count++;
            _index = null;
            _names[at] = name;
            name.SetInEvent = _event;
            name.SetAt = at;
        }

        _values[at] = value;
    }

    /// <summary>Adds a field unless the event has one of that name.</summary>
    public void TryAdd(ReadName name, object? value)
    {
        if (name.Kept ? name.SetInEvent != _event : IndexOf(name.Name) < 0)
        {
            Set(name, value);
        }
    }

    /// <summary>The value of a field read in this event (its name has <see cref="ReadName.SetInEvent"/> of it).</summary>
    public object? Of(ReadName name) => _values[name.Kept ? name.SetAt : IndexOf(name.Name)];

    private int IndexOf(string name)
    {
        if (_count >= IndexedFrom)
        {
            var index = _index;
            if (index is null)
            {
                index = new Dictionary<string, int>(_count, StringComparer.Ordinal);
                for (var i = 0; i < _count; i++)
                {
                    index[_names[i].Name] = i;
                }

                _index = index;
            }

            return index.TryGetValue(name, out var at) ? at : -1;
        }

        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(_names[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => this.Select(p => p.Key);

    public IEnumerable<object?> Values => this.Select(p => p.Value);

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        var at = IndexOf(key);
        value = at >= 0 ? _values[at] : null;
        return at >= 0;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return new(_names[i].Name, _values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

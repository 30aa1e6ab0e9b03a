using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

using Yagura.Core.Events;

namespace Yagura.Detection.Events;

/// <summary>
/// An event as detection sees it: flattened field names (nested objects joined with dots, as the ingest parsers do)
/// to values (<see cref="string"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>, null, or a list of
/// those), the raw message when there is one, and the event time that correlation windows run on.
/// </summary>
public sealed class DetectionEvent
{
    public DetectionEvent(IReadOnlyDictionary<string, object?> fields, string? original = null, DateTimeOffset? timestamp = null, long id = 0, string tenantId = "default")
    {
        Fields = fields;
        Original = original;
        Timestamp = timestamp;
        Id = id;
        TenantId = tenantId;
    }

    public IReadOnlyDictionary<string, object?> Fields { get; }

    /// <summary>The raw message of a stored event, for showing with an alert. Keyword detections search the field
    /// values (the message among them), not this text; events read from JSON files have none.</summary>
    public string? Original { get; }

    /// <summary>Event time, when known; without it correlation takes the newest event time seen for the tenant.</summary>
    public DateTimeOffset? Timestamp { get; }

    /// <summary>The stored event's id; for events read from files, their index (counted from 0 across the files).</summary>
    public long Id { get; }

    public string TenantId { get; }

    /// <summary>A stored event: its fields plus the ones with properties of their own, read through (not copied:
    /// detection runs on every stored event).</summary>
    public static DetectionEvent FromRecord(EventRecord record) =>
        new(new RecordFields(record), record.Original, record.Timestamp, record.Id, record.TenantId);

    /// <summary>A record's fields with <c>tenant.id</c>, <c>message</c> and <c>error.message</c> added, and the Windows
    /// aliases <see cref="FromJson(ReadOnlySpan{byte}, long, string)"/> adds, as a view.</summary>
    private sealed class RecordFields(EventRecord record) : IReadOnlyDictionary<string, object?>
    {
        private List<KeyValuePair<string, object?>>? _aliases;
        private bool _aliasesFound;

        private List<KeyValuePair<string, object?>> Aliases
        {
            get
            {
                if (!_aliasesFound)
                {
                    _aliases = WindowsAliases(record.Fields, record.Fields.ContainsKey);
                    _aliasesFound = true;
                }

                return _aliases ?? [];
            }
        }

        private IEnumerable<KeyValuePair<string, object?>> Extra()
        {
            yield return new(FieldNames.TenantId, record.TenantId);
            if (record.Message is not null)
            {
                yield return new(FieldNames.Message, record.Message);
            }

            if (record.ErrorMessage is not null)
            {
                yield return new(FieldNames.ErrorMessage, record.ErrorMessage);
            }
        }

        public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

        public IEnumerable<string> Keys => this.Select(p => p.Key);

        public IEnumerable<object?> Values => this.Select(p => p.Value);

        public int Count => record.Fields.Count + Extra().Count() + Aliases.Count;

        public bool ContainsKey(string key) => TryGetValue(key, out _);

        public bool TryGetValue(string key, out object? value)
        {
            switch (key)
            {
                case FieldNames.TenantId:
                    value = record.TenantId;
                    return true;
                case FieldNames.Message when record.Message is not null:
                    value = record.Message;
                    return true;
                case FieldNames.ErrorMessage when record.ErrorMessage is not null:
                    value = record.ErrorMessage;
                    return true;
                default:
                    if (record.Fields.TryGetValue(key, out value))
                    {
                        return true;
                    }

                    foreach (var alias in Aliases)
                    {
                        if (alias.Key == key)
                        {
                            value = alias.Value;
                            return true;
                        }
                    }

                    return false;
            }
        }

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => record.Fields.Concat(Extra()).Concat(Aliases).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// A JSON object, flattened: nested objects become dotted names (<c>{"Event":{"System":{"EventID":1}}}</c> →
    /// <c>Event.System.EventID</c>), arrays of scalars become lists, arrays holding objects are kept as their JSON text.
    /// The timestamp is read from <c>@timestamp</c>, else from the time field of the source (Windows <c>TimeCreated</c>,
    /// M365 <c>CreationTime</c>, CloudTrail <c>eventTime</c> …).
    /// </summary>
    public static DetectionEvent FromJson(JsonElement root, long id = 0, string tenantId = "default") =>
        root.ValueKind == JsonValueKind.Object
            ? FromJson(System.Text.Encoding.UTF8.GetBytes(root.GetRawText()), id, tenantId)
            : throw new ArgumentException("An event must be a JSON object.", nameof(root));

    /// <summary>The same, straight from the UTF-8 bytes of one JSON object (no document is built: the offline commands
    /// read millions of events this way).</summary>
    /// <exception cref="JsonException">The bytes are not one well-formed JSON object.</exception>
    public static DetectionEvent FromJson(ReadOnlySpan<byte> utf8Object, long id = 0, string tenantId = "default")
    {
        var reader = new Utf8JsonReader(utf8Object);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("An event must be a JSON object.");
        }

        return ReadObject(ref reader, utf8Object, id, tenantId) ?? throw new JsonException("The JSON object is incomplete.");
    }

    /// <summary>
    /// Reads the object the reader is at the start of, up to its end: the event, or null when the reader's data ends
    /// first (a block that is not final: more is needed). Reading files this way parses each event once.
    /// </summary>
    /// <exception cref="JsonException">The object is malformed.</exception>
    internal static DetectionEvent? ReadObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, long id = 0, string tenantId = "default")
    {
        var names = NameTable.Current;
        var fields = names.StartEvent();
        if (!FlattenObject(ref reader, data, null, fields, names))
        {
            return null;
        }

        foreach (var name in names.Aliases)
        {
            fields.TryAdd(name.AliasName ??= names.Named(name.Alias!), fields.Of(name));
        }

        return new DetectionEvent(fields, null, names.Timestamp(), id, tenantId);
    }

    // False: the data ended before the object did.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool FlattenObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, ReadName? parent, FieldList fields, NameTable names)
    {
        ReadName? previous = null;
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return true;
            }

            var name = previous = names.Of(parent, previous, ref reader);
            if (!reader.Read())
            {
                return false;
            }

            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    if (!FlattenObject(ref reader, data, name, fields, names))
                    {
                        return false;
                    }

                    break;
                case JsonTokenType.StartArray:
                    if (!ReadArray(ref reader, data, out var array))
                    {
                        return false;
                    }

                    fields.Set(name, array);
                    names.Read(name, array);
                    break;
                default:
                    var value = ScalarOf(name, ref reader);
                    fields.Set(name, value);
                    names.Read(name, value);
                    break;
            }
        }
    }

    private static bool ReadArray(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, out object? value)
    {
        value = null;
        var start = (int)reader.TokenStartIndex;
        var items = new List<object?>();
        var nested = false;
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndArray)
            {
                break;
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                nested = true;
                if (!reader.TrySkip())
                {
                    return false;
                }
            }
            else if (!nested)
            {
                items.Add(Scalar(ref reader));
            }
        }

        // Arrays holding objects stay one field, their JSON text, as FromJson(JsonElement) keeps them.
        value = nested ? System.Text.Encoding.UTF8.GetString(data[start..(int)reader.BytesConsumed]) : items;
        return true;
    }

    /// <summary>The value the reader is at; the same object as the name's last value when its bytes are the same
    /// (channels, users, event ids, flags repeat: nothing decoded, nothing allocated).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static object? ScalarOf(ReadName name, ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (name.LastRaw is { } last && name.LastType == reader.TokenType && raw.SequenceEqual(last.AsSpan(0, name.LastLength)))
        {
            return name.LastValue;
        }

        var value = Scalar(ref reader);
        if (name.Kept && raw.Length <= ReadName.MaxLastRaw)
        {
            name.LastRaw ??= new byte[ReadName.MaxLastRaw];
            raw.CopyTo(name.LastRaw);
            name.LastLength = raw.Length;
            name.LastType = reader.TokenType;
            name.LastValue = value;
        }

        return value;
    }

    private static object? Scalar(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => reader.TryGetInt64(out var l) ? l : (object)reader.GetDouble(),
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => null,
    };

    // @timestamp, then the time field each source's own records carry: Windows (evtx form, flat), M365 unified audit
    // (CreationTime), CloudTrail (eventTime), Okta (published), GCP (timestamp), Sysmon (UtcTime).
    private static readonly string[] TimestampFields =
        ["@timestamp", "Event.System.TimeCreated.#attributes.SystemTime", "TimeCreated", "CreationTime", "eventTime", "published", "timestamp", "UtcTime"];

    /// <summary>
    /// A time as <see cref="DateTimeOffset.TryParse(string, IFormatProvider, DateTimeStyles, out DateTimeOffset)"/> reads
    /// it (invariant culture, UTC when no offset is given), with a fast path for the ISO 8601 shape nearly every source
    /// writes (<c>2026-12-01T10:00:00.123Z</c>, a space for the <c>T</c>, up to seven fraction digits, <c>Z</c> or
    /// <c>±hh:mm</c> or nothing): the general parser costs ~0.3 µs, a fifth of reading a whole event.
    /// </summary>
    internal static bool TryParseTime(string s, out DateTimeOffset time)
    {
        if (TryParseIso(s, out time))
        {
            return true;
        }

        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }

    // The ticks one unit of a fraction of n digits is worth: 0.1 s for one digit … 100 ns for seven.
    private static readonly long[] TicksPerDigit = [0, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];

    internal static bool TryParseIso(string s, out DateTimeOffset time)
    {
        time = default;
        if (s.Length < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':'
            || !Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var i = 19;
        long ticks = 0;
        if (i < s.Length && s[i] == '.')
        {
            var start = ++i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == start || i - start > 7)
            {
                return false;
            }

            _ = Digits(s, start, i - start, out var fraction);
            ticks = fraction * TicksPerDigit[i - start];
        }

        var offset = TimeSpan.Zero;
        if (i < s.Length)
        {
            if (s[i] == 'Z' && i == s.Length - 1)
            {
                // UTC
            }
            else if ((s[i] == '+' || s[i] == '-') && i + 6 == s.Length && s[i + 3] == ':'
                && Digits(s, i + 1, 2, out var oh) && Digits(s, i + 4, 2, out var om) && om <= 59 && (oh < 14 || (oh == 14 && om == 0)))
            {
                offset = new TimeSpan(oh, om, 0) * (s[i] == '-' ? -1 : 1);
            }
            else
            {
                return false;
            }
        }

        // The first and last day of the calendar are left to the general parser, which has its own rules there.
        var utc = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + ticks - offset.Ticks;
        if (utc < TimeSpan.TicksPerDay || utc > DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay)
        {
            return false;
        }

        time = new DateTimeOffset(utc, TimeSpan.Zero);
        return true;

        static bool Digits(string s, int start, int count, out int value)
        {
            value = 0;
            for (var k = start; k < start + count; k++)
            {
                if (!char.IsAsciiDigit(s[k]))
                {
                    return false;
                }

                value = (value * 10) + (s[k] - '0');
            }

            return true;
        }
    }

    /// <summary>
    /// The name Sigma rules use for a Windows event field that the evtx JSON form spells otherwise, or null: without
    /// spaces (Sigma strips them: "Threat Name" → <c>ThreatName</c>), and <c>UserData</c> fields without the element
    /// that wraps them (<c>Event.UserData.Operation_ClientFailure.Operation</c> → <c>Event.UserData.Operation</c>). The
    /// original names stay; an alias never replaces a field of that name.
    /// </summary>
    private static string? WindowsAliasOf(string name)
    {
        const string UserData = "Event.UserData.";
        var alias = name;
        if (alias.StartsWith(UserData, StringComparison.Ordinal) && alias.IndexOf('.', UserData.Length) is var dot and > 0)
        {
            alias = UserData + alias[(dot + 1)..];
        }

        if (alias.Contains(' ', StringComparison.Ordinal))
        {
            alias = alias.Replace(" ", "", StringComparison.Ordinal);
        }

        return ReferenceEquals(alias, name) ? null : alias;
    }

    /// <summary>The Windows aliases (<see cref="WindowsAliasOf"/>) that no field of the event already has, or null.</summary>
    private static List<KeyValuePair<string, object?>>? WindowsAliases(IEnumerable<KeyValuePair<string, object?>> fields, Func<string, bool> has)
    {
        List<KeyValuePair<string, object?>>? aliases = null;
        foreach (var (name, value) in fields)
        {
            if (WindowsAliasOf(name) is { } alias && !has(alias) && (aliases is null || !aliases.Exists(a => a.Key == alias)))
            {
                (aliases ??= []).Add(new(alias, value));
            }
        }

        return aliases;
    }

    /// <summary>
    /// The field names one thread has read, so that reading an event allocates no name (an event source spells the same
    /// few dozen names in every event), and the per-event state of reading one: its aliases and time candidates.
    /// </summary>
    private sealed class NameTable
    {
        /// <summary>Names beyond this many (events keyed by ids, say) are made for each event rather than kept.</summary>
        private const int Capacity = 10_000;

        [ThreadStatic]
        private static NameTable? t_current;

        private readonly Dictionary<string, ReadName> _known = new(StringComparer.Ordinal);
        private readonly Dictionary<string, ReadName>.AlternateLookup<ReadOnlySpan<char>> _lookup;
        private readonly string?[] _times = new string?[TimestampFields.Length];
        private char[] _buffer = new char[256];
        private int _event;

        /// <summary>Stands for the event's object, whose first name is guessed like that of any other object.</summary>
        private readonly ReadName _event0 = new("", null, -1, kept: true);

        private NameTable() => _lookup = _known.GetAlternateLookup<ReadOnlySpan<char>>();

        public static NameTable Current => t_current ??= new();

        /// <summary>The names with a Windows alias read in this event.</summary>
        public List<ReadName> Aliases { get; } = [];

        /// <summary>Starts reading an event: its fields.</summary>
        public FieldList StartEvent()
        {
            Aliases.Clear();
            Array.Clear(_times);
            if (++_event == int.MaxValue)
            {
                // Names remember the event that last set them; start numbering again with names that remember none.
                foreach (var name in _known.Values)
                {
                    name.SetInEvent = 0;
                }

                _event = 1;
            }

            return new FieldList(_event);
        }

        /// <summary>
        /// The name the reader is at, joined to the object's it is in. An event source writes the same names in the same
        /// order event after event, so the name that followed <paramref name="previous"/> (or began the object) last time
        /// is tried first, by its raw bytes (which spell one name, escaped or not): no characters decoded, nothing hashed.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public ReadName Of(ReadName? parent, ReadName? previous, ref Utf8JsonReader reader)
        {
            var guess = previous is null ? (parent ?? _event0).First : previous.Next;
            if (guess is not null && ReferenceEquals(guess.Parent, parent) && reader.ValueSpan.SequenceEqual(guess.Utf8))
            {
                return guess;
            }

            var prefix = parent?.Name ?? "";
            var length = 0;
            Reserve(prefix.Length + 1 + reader.ValueSpan.Length); // a span reader: no value sequences; UTF-8 bytes ≥ chars
            if (prefix.Length > 0)
            {
                prefix.CopyTo(_buffer);
                _buffer[prefix.Length] = '.';
                length = prefix.Length + 1;
            }

            length += reader.CopyString(_buffer.AsSpan(length));
            var full = _buffer.AsSpan(0, length);
            var name = _lookup.TryGetValue(full, out var known) ? known : Add(full.ToString());
            var before = previous ?? parent ?? _event0;
            if (name.Kept && before.Kept)
            {
                if (!ReferenceEquals(name.Parent, parent) || !reader.ValueSpan.SequenceEqual(name.Utf8))
                {
                    name.Parent = parent;
                    name.Utf8 = reader.ValueSpan.ToArray();
                }

                if (previous is null)
                {
                    before.First = name;
                }
                else
                {
                    before.Next = name;
                }
            }

            return name;
        }

        /// <summary>The name <paramref name="name"/> (an alias).</summary>
        public ReadName Named(string name) => _known.TryGetValue(name, out var known) ? known : Add(name);

        private ReadName Add(string name)
        {
            var kept = _known.Count < Capacity;
            var read = new ReadName(name, WindowsAliasOf(name), Array.IndexOf(TimestampFields, name), kept);
            if (kept)
            {
                _known[name] = read;
            }

            return read;
        }

        private void Reserve(int chars)
        {
            if (_buffer.Length < chars)
            {
                _buffer = new char[Math.Max(chars, _buffer.Length * 2)];
            }
        }

        /// <summary>Notes a value read, for the event's aliases and time.</summary>
        public void Read(ReadName name, object? value)
        {
            if (name.Alias is not null)
            {
                Aliases.Add(name);
            }

            if (name.TimeRank >= 0)
            {
                _times[name.TimeRank] = value as string;
            }
        }

        /// <summary>The event time: the first of <see cref="TimestampFields"/> the event has that reads as a time.</summary>
        public DateTimeOffset? Timestamp()
        {
            foreach (var candidate in _times)
            {
                if (candidate is not null && TryParseTime(candidate, out var time))
                {
                    return time;
                }
            }

            return null;
        }
    }
}

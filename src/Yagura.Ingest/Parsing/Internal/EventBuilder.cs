using Yagura.Core.Events;

namespace Yagura.Ingest.Parsing.Internal;

/// <summary>Collects what one parse finds; turned into an immutable <see cref="EventRecord"/> at the end.</summary>
internal sealed class EventBuilder(in MessageContext context, int capacity)
{
    private readonly MessageContext _context = context;
    private string? _error;
    private int _capacity = capacity;
    private Dictionary<string, object?>? _fields;

    // Created on first use, so a message found to be plain text gets a small table.
    public Dictionary<string, object?> Fields => _fields ??= new(_capacity, StringComparer.Ordinal);

    public string? Message { get; set; }

    public DateTimeOffset? Timestamp { get; set; }

    public string Format { get; set; } = LogFormats.Raw;

    public DateTimeOffset Received => _context.Received;

    public TimeZoneInfo? LocalTimeZone => _context.LocalTimeZone;

    public string? Error => _error;

    public void AddError(string error) => _error = _error is null ? error : _error + "; " + error;

    public void Set(string name, object? value) => Fields[name] = value;

    public void SetIfAbsent(string name, object? value) => Fields.TryAdd(name, value);

    /// <summary>Sets a field whose name came from the message itself: names Yagura owns are not overwritten.</summary>
    public void SetForeign(string name, object? value)
    {
        if (!IsReserved(name))
        {
            Fields[name] = value;
        }
    }

    /// <summary>A repeated name (RFC 5424 SD params, repeated keys) becomes a list of all its values.</summary>
    public void Append(string name, object? value)
    {
        if (IsReserved(name))
        {
            return;
        }

        ref object? slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(Fields, name, out bool exists);
        if (!exists)
        {
            slot = value;
        }
        else if (slot is List<object?> list)
        {
            list.Add(value);
        }
        else
        {
            slot = new List<object?>(4) { slot, value };
        }
    }

    public bool Has(string name) => Fields.ContainsKey(name);

    /// <summary>Says the event will carry only the few fields every event has.</summary>
    public void ExpectFewFields()
    {
        if (_fields is null)
        {
            _capacity = 4;
        }
    }

    /// <summary>Drops everything a failed parse produced, so the event is stored as plain raw text.</summary>
    public void ResetToRaw(string text)
    {
        _fields = new Dictionary<string, object?>(8, StringComparer.Ordinal);
        Message = text;
        Timestamp = null;
        Format = LogFormats.Raw;
        _error = null;
    }

    public EventRecord Build(string original)
    {
        Fields[FieldNames.LogFormat] = Format;
        if (_context.SourceAddress is { Length: > 0 } address)
        {
            Fields[FieldNames.LogSourceAddress] = address;
            Fields.TryAdd(FieldNames.ObserverIp, address);
        }

        return new EventRecord
        {
            Id = _context.Id,
            TenantId = _context.TenantId,
            Received = _context.Received,
            Timestamp = Timestamp ?? _context.Received,
            Original = original,
            Message = Message,
            ErrorMessage = _error,
            Fields = Fields,
        };
    }

    // The names EventRecord carries as properties: a message must not be able to spoof them through Fields.
    private static bool IsReserved(string name) => name switch
    {
        FieldNames.Timestamp or FieldNames.TenantId or FieldNames.EventOriginal or FieldNames.Message
            or FieldNames.ErrorMessage or FieldNames.EventCreated or FieldNames.EventId or FieldNames.LogFormat
            or FieldNames.EventTruncated => true,
        _ => false,
    };
}

/// <summary>The values of <c>log.format</c>, which are also the names accepted in <see cref="MessageContext.Format"/>.</summary>
internal static class LogFormats
{
    public const string Rfc5424 = "rfc5424";
    public const string Rfc3164 = "rfc3164";
    public const string Cef = "cef";
    public const string Leef = "leef";
    public const string Json = "json";
    public const string Kv = "kv";
    public const string Raw = "raw";
}

using System.Collections;
using System.Globalization;
using System.Text.Json;

using Yagura.Core.Events;

namespace Yagura.Core.Search;

/// <summary>The one JSON shape of an event, shared by the HTTP API and the CLI.</summary>
public static class EventJson
{
    /// <summary>
    /// Writes a flat object: <c>@timestamp</c> and <c>event.created</c> (ISO 8601 UTC), <c>event.id</c>,
    /// <c>tenant.id</c>, <c>message</c>, <c>error.message</c> (only when set), <c>event.original</c>, then every
    /// other field under its ECS name, lists as arrays.
    /// </summary>
    public static void Write(Utf8JsonWriter w, EventRecord e)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(e);
        w.WriteStartObject();
        w.WriteString(FieldNames.Timestamp, e.Timestamp.UtcDateTime);
        w.WriteString(FieldNames.EventCreated, e.Received.UtcDateTime);
        w.WriteNumber(FieldNames.EventId, e.Id);
        w.WriteString(FieldNames.TenantId, e.TenantId);
        w.WriteString(FieldNames.Message, e.Message);
        if (e.ErrorMessage is not null)
        {
            w.WriteString(FieldNames.ErrorMessage, e.ErrorMessage);
        }

        w.WriteString(FieldNames.EventOriginal, e.Original);
        foreach (var (name, value) in e.Fields)
        {
            if (IsOwnProperty(name))
            {
                // The record's own properties were written above; a stray copy in Fields would duplicate the key.
                continue;
            }

            w.WritePropertyName(name);
            WriteValue(w, value);
        }

        w.WriteEndObject();
    }

    /// <summary>Writes one field value or table cell: strings, numbers, booleans, times (ISO 8601 UTC), lists.</summary>
    public static void WriteValue(Utf8JsonWriter w, object? value)
    {
        ArgumentNullException.ThrowIfNull(w);
        switch (value)
        {
            case null:
                w.WriteNullValue();
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case long l:
                w.WriteNumberValue(l);
                break;
            case int i:
                w.WriteNumberValue(i);
                break;
            case double d when double.IsFinite(d):
                w.WriteNumberValue(d);
                break;
            case double d:
                // JSON has no NaN or infinity.
                w.WriteStringValue(d.ToString(CultureInfo.InvariantCulture));
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case DateTimeOffset t:
                w.WriteStringValue(t.UtcDateTime);
                break;
            case DateTime t:
                w.WriteStringValue(t);
                break;
            case IEnumerable items:
                w.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(w, item);
                }

                w.WriteEndArray();
                break;
            default:
                w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static bool IsOwnProperty(string name) => name is FieldNames.Timestamp or FieldNames.EventCreated
        or FieldNames.EventId or FieldNames.TenantId or FieldNames.Message or FieldNames.ErrorMessage or FieldNames.EventOriginal;
}

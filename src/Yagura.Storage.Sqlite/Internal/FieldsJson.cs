using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Yagura.Storage.Sqlite.Internal;

/// <summary>
/// The <c>fields</c> column: every field without a column of its own as compact JSON. Types survive the round trip:
/// doubles are always written with a fraction or exponent so they never come back as longs.
/// </summary>
internal static class FieldsJson
{
    // Keep non-ASCII as UTF-8: smaller, and field names stay searchable with instr().
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = Encoder,
        SkipValidation = true,
    };

    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> output) => new(output, WriterOptions);

    public static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case double d:
                WriteDouble(writer, d);
                break;
            case float f:
                WriteDouble(writer, f);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case IEnumerable list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            case IFormattable formattable:
                writer.WriteStringValue(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double d)
    {
        if (!double.IsFinite(d))
        {
            // JSON has no NaN/Infinity; a string keeps the information.
            writer.WriteStringValue(d.ToString(CultureInfo.InvariantCulture));
            return;
        }

        Span<byte> buffer = stackalloc byte[40];
        d.TryFormat(buffer, out var written, "R", CultureInfo.InvariantCulture);
        if (buffer[..written].IndexOfAny(".Ee"u8) < 0)
        {
            buffer[written++] = (byte)'.';
            buffer[written++] = (byte)'0';
        }

        writer.WriteRawValue(buffer[..written], skipInputValidation: true);
    }

    public static void ReadInto(ReadOnlySpan<byte> json, Dictionary<string, object?> fields)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            fields[name] = ReadValue(ref reader);
        }
    }

    private static object? ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                var raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
                if (raw.IndexOfAny(".Ee"u8) < 0 && reader.TryGetInt64(out var l))
                {
                    return l;
                }

                return reader.GetDouble();
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.StartArray:
                var items = new List<object?>();
                var allStrings = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var item = ReadValue(ref reader);
                    allStrings &= item is string;
                    items.Add(item);
                }

                // A string[] is both IReadOnlyList<string> and (covariantly) IReadOnlyList<object>.
                return allStrings ? items.Cast<string>().ToArray() : items.ToArray();
            default:
                return null;
        }
    }
}

using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

using SQLitePCL;

using Yagura.Core.Events;

namespace Yagura.Storage.Sqlite.Internal;

/// <summary>
/// The CPU-only part of writing a run of consecutive events (one Bloom block): each row's parameters with its text
/// already encoded as UTF-8 and its fields encoded (binary, or JSON in format-1 files), and the block's Bloom filter. Blocks are independent of each
/// other, so a batch's blocks are prepared on several threads (<see cref="PrepareJob"/>); binding and stepping SQLite
/// then stays serial and cheap.
/// </summary>
internal sealed class PreparedBlock : IDisposable
{
    public static readonly int ParametersPerRow = Schema.InsertColumns.Length;

    private readonly ArrayBufferWriter<byte> _bytes = new(64 * 1024);
    private readonly Utf8JsonWriter _jsonWriter;
    private readonly KeySet _hashes = new();
    private readonly object?[] _columnValues = new object?[Schema.Columns.Length];
    private readonly Dictionary<string, JsonEncodedText> _names = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _nameIds = new(ReferenceEqualityComparer.Instance);
    private FieldNameTable? _nameTable;
    private KeyValuePair<string, object?>[] _fields = new KeyValuePair<string, object?>[32];
    private int[] _fieldColumns = new int[32];
    private Parameter[] _parameters = new Parameter[256 * ParametersPerRow];

    public PreparedBlock() => _jsonWriter = FieldsJson.CreateWriter(_bytes);

    /// <summary>Index of the block's first event in the partition's list.</summary>
    public int Start { get; private set; }

    public int Count { get; private set; }

    /// <summary>Bytes of text and fields of the prepared rows: about what they add to the file.</summary>
    public int EncodedBytes => _bytes.WrittenCount;

    /// <summary>Bytes of buffers kept between uses.</summary>
    public long RetainedBytes => _bytes.Capacity + ((long)_parameters.Length * Unsafe.SizeOf<Parameter>());

    /// <summary>The block's Bloom filter, when asked for.</summary>
    public byte[]? Bloom { get; private set; }

    /// <summary>Prepares events [start, start + count); fields are written binary with <c>names</c>, or as JSON when it is null.</summary>
    public void Prepare(List<EventRecord> events, int start, int count, bool bloom, FieldNameTable? names)
    {
        if (!ReferenceEquals(names, _nameTable))
        {
            // Blocks are pooled across partitions: numbers cached for another partition's names do not apply here.
            _nameIds.Clear();
            _nameTable = names;
        }

        Start = start;
        Count = count;
        Bloom = null;
        _bytes.ResetWrittenCount();
        if (_parameters.Length < count * ParametersPerRow)
        {
            _parameters = new Parameter[count * ParametersPerRow];
        }

        _hashes.Clear();
        for (var i = 0; i < count; i++)
        {
            PrepareRow(events[start + i], _parameters.AsSpan(i * ParametersPerRow, ParametersPerRow), bloom);
        }

        if (bloom)
        {
            Bloom = TokenBloom.Build(_hashes.Items);
        }

        // Let the batch's values go once prepared; the encoded bytes are all the insert needs.
        Array.Clear(_fields);
    }

    /// <summary>Binds row <paramref name="row"/> of the block to the parameters from <paramref name="offset"/> + 1.</summary>
    public void Bind(sqlite3_stmt stmt, int offset, int row)
    {
        var bytes = _bytes.WrittenSpan;
        var parameters = _parameters.AsSpan(row * ParametersPerRow, ParametersPerRow);
        for (var i = 0; i < parameters.Length; i++)
        {
            ref readonly var parameter = ref parameters[i];
            var index = offset + i + 1;
            switch (parameter.Kind)
            {
                case ParameterKind.Null:
                    raw.sqlite3_bind_null(stmt, index);
                    break;
                case ParameterKind.Integer:
                    raw.sqlite3_bind_int64(stmt, index, parameter.Value);
                    break;
                case ParameterKind.Text:
                    raw.sqlite3_bind_text(stmt, index, bytes.Slice((int)parameter.Value, parameter.Length));
                    break;
                case ParameterKind.Blob:
                    raw.sqlite3_bind_blob(stmt, index, bytes.Slice((int)parameter.Value, parameter.Length));
                    break;
                default:
                    raw.sqlite3_bind_blob(stmt, index, OtherBlob);
                    break;
            }
        }
    }

    private static ReadOnlySpan<byte> OtherBlob => [0];

    /// <remarks>Produces exactly what the serial writer bound: see the column and fields rules in <see cref="Schema"/>.</remarks>
    private void PrepareRow(EventRecord e, Span<Parameter> row, bool bloom)
    {
        row[0] = Parameter.Integer(e.Id);
        row[1] = Parameter.Integer(e.Timestamp.UtcTicks);
        row[2] = Parameter.Integer(e.Received.UtcTicks);

        Array.Clear(_columnValues);
        var needsJson = false;
        var fieldCount = CollectFields(e.Fields);
        for (var f = 0; f < fieldCount; f++)
        {
            var value = _fields[f].Value;
            var column = _fieldColumns[f] = Schema.ColumnIndex(_fields[f].Key);
            if (column < 0)
            {
                needsJson = true;
                continue;
            }

            _columnValues[column] = value ?? ColumnOther.Instance;
            needsJson |= value is not (long or int) && !(value is string s && Ascii.IsValid(s));
            if (bloom)
            {
                TokenBloom.AddColumnValue(column, value, _hashes);
            }
        }

        var p = 3;
        for (var c = 0; c < _columnValues.Length; c++)
        {
            row[p++] = _columnValues[c] switch
            {
                null => default,

                // Non-ASCII is folded here because NOCASE only folds ASCII; the original stays in fields.
                string s => Text(Ascii.IsValid(s) ? s : s.ToUpperInvariant()),
                long l => Parameter.Integer(l),
                int n => Parameter.Integer(n),
                _ => new Parameter(ParameterKind.Other, 0, 0),
            };
        }

        // Most messages are a part of the raw event: store where, not the text again (a quarter of a row).
        var at = e.Message is { Length: > 0 } m ? e.Original.IndexOf(m, StringComparison.Ordinal) : -1;
        row[p++] = at >= 0 ? Parameter.Integer(MessageReference.Encode(at, e.Message!.Length)) : Text(e.Message);
        row[p++] = Text(e.Original);
        row[p++] = Text(e.ErrorMessage);
        row[p] = !needsJson ? default : _nameTable is null ? Json(fieldCount) : Binary(fieldCount);

        if (bloom)
        {
            TokenBloom.AddTokens(e.Original, _hashes);
            if (e.Message is { Length: > 0 } message && !PartitionWriter.ContainsAsWords(e.Original, message))
            {
                TokenBloom.AddTokens(message, _hashes);
            }
        }
    }

    private Parameter Text(string? value)
    {
        if (value is null)
        {
            return default;
        }

        var start = _bytes.WrittenCount;
        var n = Encoding.UTF8.GetBytes(value, _bytes.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length)));
        _bytes.Advance(n);
        return new Parameter(ParameterKind.Text, start, n);
    }

    /// <summary>Copies the fields into <see cref="_fields"/>: one enumeration, without boxing a dictionary's enumerator.</summary>
    private int CollectFields(IReadOnlyDictionary<string, object?> fields)
    {
        if (_fields.Length < fields.Count)
        {
            _fields = new KeyValuePair<string, object?>[fields.Count * 2];
            _fieldColumns = new int[fields.Count * 2];
        }

        var n = 0;
        if (fields is Dictionary<string, object?> dictionary)
        {
            foreach (var field in dictionary)
            {
                _fields[n++] = field;
            }
        }
        else
        {
            foreach (var field in fields)
            {
                if (n == _fields.Length)
                {
                    Array.Resize(ref _fields, n * 2);
                    Array.Resize(ref _fieldColumns, n * 2);
                }

                _fields[n++] = field;
            }
        }

        return n;
    }

    private Parameter Json(int fieldCount)
    {
        var start = _bytes.WrittenCount;
        _jsonWriter.Reset(_bytes);
        _jsonWriter.WriteStartObject();
        for (var f = 0; f < fieldCount; f++)
        {
            var (name, value) = _fields[f];
            if (StoredInColumn(_fieldColumns[f], value))
            {
                continue;
            }

            _jsonWriter.WritePropertyName(EncodedName(name));
            FieldsJson.WriteValue(_jsonWriter, value);
        }

        _jsonWriter.WriteEndObject();
        _jsonWriter.Flush();
        return new Parameter(ParameterKind.Text, start, _bytes.WrittenCount - start);
    }

    private Parameter Binary(int fieldCount)
    {
        var start = _bytes.WrittenCount;
        for (var f = 0; f < fieldCount; f++)
        {
            var (name, value) = _fields[f];
            if (!StoredInColumn(_fieldColumns[f], value))
            {
                FieldCodec.WriteField(_bytes, NameId(name), value);
            }
        }

        return new Parameter(ParameterKind.Blob, start, _bytes.WrittenCount - start);
    }

    /// <summary>A name's number in the partition, looked up by reference first: parsers reuse name instances.</summary>
    private int NameId(string name)
    {
        if (!_nameIds.TryGetValue(name, out var id))
        {
            if (_nameIds.Count >= 4096)
            {
                _nameIds.Clear();
            }

            _nameIds[name] = id = _nameTable!.IdOf(name);
        }

        return id;
    }

    /// <summary>
    /// A field name escaped once: parsers hand out the same name instances event after event, so a look-up by
    /// reference is cheaper than escaping and transcoding the name again.
    /// </summary>
    private JsonEncodedText EncodedName(string name)
    {
        if (!_names.TryGetValue(name, out var encoded))
        {
            if (_names.Count >= 4096)
            {
                _names.Clear();
            }

            _names[name] = encoded = JsonEncodedText.Encode(name, FieldsJson.Encoder);
        }

        return encoded;
    }

    public void Dispose() => _jsonWriter.Dispose();

    /// <summary>A promoted column holds the value itself (not <see cref="Schema.Other"/>): it is not repeated in <c>fields</c>.</summary>
    private static bool StoredInColumn(int column, object? value) =>
        column >= 0 && (value is long or int || (value is string s && Ascii.IsValid(s)));

    private enum ParameterKind : byte
    {
        Null = 0,
        Integer,
        Text,
        Blob,

        /// <summary>A promoted column whose value lives in fields.</summary>
        Other,
    }

    /// <summary>One bound value: an integer, or text as an offset and length into the block's bytes.</summary>
    private readonly record struct Parameter(ParameterKind Kind, long Value, int Length)
    {
        public static Parameter Integer(long value) => new(ParameterKind.Integer, value, 0);
    }

    private sealed class ColumnOther
    {
        public static readonly ColumnOther Instance = new();
    }
}

using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using System.Text;

namespace Yagura.Storage.Sqlite.Internal;

/// <summary>
/// The <c>fields</c> column of format-2 partitions: each field as its name's number in the partition's
/// <c>field_names</c> table and a typed value, in a compact binary form. Against the JSON of format 1 it is about a
/// third of the size (field names are most of a syslog event's JSON) and cheaper to write and to read.
/// </summary>
/// <remarks>
/// <code>
/// fields := { varint nameId, value }*
/// value  := 0 (null) | 1 varint length, UTF-8 (string) | 2 zigzag varint (long) | 3 8 bytes little-endian (double)
///         | 4 (true) | 5 (false) | 6 varint count, value* (list)
/// </code>
/// Values of other types are kept as their invariant string, as the JSON did.
/// </remarks>
internal static class FieldCodec
{
    private const byte Null = 0;
    private const byte String = 1;
    private const byte Long = 2;
    private const byte Double = 3;
    private const byte True = 4;
    private const byte False = 5;
    private const byte List = 6;

    public static void WriteField(IBufferWriter<byte> output, int nameId, object? value)
    {
        WriteVarint(output, (ulong)nameId);
        WriteValue(output, value);
    }

    private static void WriteValue(IBufferWriter<byte> output, object? value)
    {
        switch (value)
        {
            case null:
                WriteByte(output, Null);
                break;
            case string s:
                WriteString(output, s);
                break;
            case long l:
                WriteLong(output, l);
                break;
            case int i:
                WriteLong(output, i);
                break;
            case double d:
                WriteDouble(output, d);
                break;
            case float f:
                WriteDouble(output, f);
                break;
            case bool b:
                WriteByte(output, b ? True : False);
                break;
            case IList list:
                WriteByte(output, List);
                WriteVarint(output, (ulong)list.Count);
                foreach (var item in list)
                {
                    WriteValue(output, item);
                }

                break;
            case IEnumerable items:
                WriteValue(output, items.Cast<object?>().ToList());
                break;
            case IFormattable formattable:
                WriteString(output, formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                WriteString(output, value.ToString() ?? "");
                break;
        }
    }

    private static void WriteString(IBufferWriter<byte> output, string s)
    {
        var max = Encoding.UTF8.GetMaxByteCount(s.Length);
        var span = output.GetSpan(1 + 5 + max);
        span[0] = String;
        var length = Encoding.UTF8.GetBytes(s, span[6..]);
        var header = 1 + Varint(span[1..], (ulong)length);
        if (header != 6)
        {
            span.Slice(6, length).CopyTo(span[header..]);
        }

        output.Advance(header + length);
    }

    private static void WriteLong(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(11);
        span[0] = Long;
        output.Advance(1 + Varint(span[1..], (ulong)((value << 1) ^ (value >> 63))));
    }

    private static void WriteDouble(IBufferWriter<byte> output, double value)
    {
        var span = output.GetSpan(9);
        span[0] = Double;
        BinaryPrimitives.WriteDoubleLittleEndian(span[1..], value);
        output.Advance(9);
    }

    private static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void WriteVarint(IBufferWriter<byte> output, ulong value) => output.Advance(Varint(output.GetSpan(10), value));

    /// <summary>The bytes a field's name number is written as.</summary>
    public static byte[] NameBytes(int nameId)
    {
        Span<byte> span = stackalloc byte[10];
        return span[..Varint(span, (ulong)nameId)].ToArray();
    }

    private static int Varint(Span<byte> span, ulong value)
    {
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        return n;
    }

    /// <summary>Adds the encoded fields to <paramref name="fields"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid encoding, or name a number <paramref name="nameOf"/> does not know.</exception>
    public static void Read(ReadOnlySpan<byte> data, Func<int, string?> nameOf, Dictionary<string, object?> fields)
    {
        var position = 0;
        try
        {
            while (position < data.Length)
            {
                var id = (int)ReadVarint(data, ref position);
                var name = nameOf(id) ?? throw new InvalidDataException($"Field name number {id} is not in the partition.");
                fields[name] = ReadValue(data, ref position);
            }
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException("Field data ends in the middle of a value.", e);
        }
    }

    private static object? ReadValue(ReadOnlySpan<byte> data, ref int position)
    {
        var tag = data[position++];
        switch (tag)
        {
            case Null:
                return null;
            case String:
                var length = (int)ReadVarint(data, ref position);
                var s = Encoding.UTF8.GetString(data.Slice(position, length));
                position += length;
                return s;
            case Long:
                var zigzag = ReadVarint(data, ref position);
                return (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
            case Double:
                var d = BinaryPrimitives.ReadDoubleLittleEndian(data.Slice(position, 8));
                position += 8;
                return d;
            case True:
                return true;
            case False:
                return false;
            case List:
                var count = (int)ReadVarint(data, ref position);
                var items = new object?[count];
                var allStrings = true;
                for (var i = 0; i < count; i++)
                {
                    items[i] = ReadValue(data, ref position);
                    allStrings &= items[i] is string;
                }

                // A string[] is both IReadOnlyList<string> and (covariantly) IReadOnlyList<object>, as the JSON reader gave.
                return allStrings ? Array.ConvertAll(items, static item => (string)item!) : items;
            default:
                throw new InvalidDataException($"Unknown field value tag {tag}.");
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("Varint longer than 64 bits.");
    }
}

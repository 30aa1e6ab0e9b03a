using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Yagura.Ingest.Spool.Internal;

/// <summary>
/// The on-disk record: a fixed 25-byte header, the three metadata strings and the payload, unpadded.
/// </summary>
/// <remarks>
/// <code>
///  0  u32  magic F5 59 53 F7   (F5 and F7 never occur in UTF-8, so text payloads cannot fake it cheaply)
///  4  u32  CRC32C of bytes [8, length)
///  8  u32  length of the whole record, header included
/// 12  i64  received, unix microseconds
/// 20  u8   flags (1 truncated, 2 has source address, 4 has format)
/// 21  u8   transport
/// 22  u8   tenant id length      23 u8 source address length      24 u8 format length
/// 25       tenant id, source address, format (UTF-8), then the payload to the end of the record
/// </code>
/// All integers are little-endian. The CRC covers the length field, so a damaged length is detected even when it
/// still points inside the segment.
/// </remarks>
internal static class RecordFormat
{
    public const uint Magic = 0xF75359F5;
    public const int HeaderSize = 25;

    /// <summary>Enough bytes to read the magic and the length.</summary>
    public const int PrefixSize = 12;

    public const int MaxStringBytes = byte.MaxValue;
    public const int MaxPayloadBytes = 16 * 1024 * 1024;
    public const int MaxRecordBytes = HeaderSize + (3 * MaxStringBytes) + MaxPayloadBytes;

    private const byte FlagTruncated = 1;
    private const byte FlagHasSource = 2;
    private const byte FlagHasFormat = 4;
    private const byte KnownFlags = FlagTruncated | FlagHasSource | FlagHasFormat;

    private const long UnixEpochTicks = 621_355_968_000_000_000;

    public static ReadOnlySpan<byte> MagicBytes => [0xF5, 0x59, 0x53, 0xF7];

    /// <summary>An upper bound of the encoded size, for reserving buffer space before encoding.</summary>
    public static int MaxEncodedSize(int payloadLength, in RecordMeta meta) =>
        HeaderSize + payloadLength
        + MaxUtf8(meta.TenantId) + MaxUtf8(meta.SourceAddress) + MaxUtf8(meta.Format);

    // Strings longer than the limit in chars are rejected anyway; clamping keeps the bound small.
    private static int MaxUtf8(string? s) => s is null ? 0 : Math.Min(s.Length, MaxStringBytes + 1) * 3;

    /// <summary>Encodes one record into <paramref name="destination"/>, which must hold <see cref="MaxEncodedSize"/> bytes.</summary>
    public static int Encode(Span<byte> destination, ReadOnlySpan<byte> payload, in RecordMeta meta)
    {
        if (payload.Length > MaxPayloadBytes)
        {
            throw new ArgumentException($"A spool record payload is limited to {MaxPayloadBytes} bytes; got {payload.Length}.", nameof(payload));
        }

        ArgumentNullException.ThrowIfNull(meta.TenantId);
        var offset = HeaderSize;
        var tenantLength = WriteString(destination, ref offset, meta.TenantId, nameof(RecordMeta.TenantId));
        var sourceLength = WriteString(destination, ref offset, meta.SourceAddress, nameof(RecordMeta.SourceAddress));
        var formatLength = WriteString(destination, ref offset, meta.Format, nameof(RecordMeta.Format));
        payload.CopyTo(destination[offset..]);
        var length = offset + payload.Length;

        var flags = (byte)((meta.Truncated ? FlagTruncated : 0)
            | (meta.SourceAddress is null ? 0 : FlagHasSource)
            | (meta.Format is null ? 0 : FlagHasFormat));
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)length);
        BinaryPrimitives.WriteInt64LittleEndian(destination[12..], ToUnixMicroseconds(meta.Received));
        destination[20] = flags;
        destination[21] = (byte)meta.Transport;
        destination[22] = (byte)tenantLength;
        destination[23] = (byte)sourceLength;
        destination[24] = (byte)formatLength;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Crc32C(destination[8..length]));
        return length;
    }

    private static int WriteString(Span<byte> destination, ref int offset, string? value, string name)
    {
        if (value is null)
        {
            return 0;
        }

        var written = Encoding.UTF8.GetBytes(value, destination[offset..]);
        if (written > MaxStringBytes)
        {
            throw new ArgumentException($"{name} is limited to {MaxStringBytes} UTF-8 bytes in the spool; got {written}.", name);
        }

        offset += written;
        return written;
    }

    /// <summary>Reads the record length from a buffer holding at least <see cref="PrefixSize"/> bytes; 0 when the prefix is not a record's.</summary>
    public static int ReadLength(ReadOnlySpan<byte> prefix)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(prefix) != Magic)
        {
            return 0;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        return length is >= HeaderSize and <= MaxRecordBytes ? (int)length : 0;
    }

    /// <summary>Checks a whole record (its length already read with <see cref="ReadLength"/>).</summary>
    public static bool IsValid(ReadOnlySpan<byte> record)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(record[4..]) != Crc32C(record[8..]))
        {
            return false;
        }

        var flags = record[20];
        return (flags & ~KnownFlags) == 0
            && HeaderSize + record[22] + record[23] + record[24] <= record.Length
            && ((flags & FlagHasSource) != 0 || record[23] == 0)
            && ((flags & FlagHasFormat) != 0 || record[24] == 0);
    }

    /// <summary>Decodes a record checked with <see cref="IsValid"/>; strings come from <paramref name="strings"/> so repeats do not allocate.</summary>
    public static RecordMeta Decode(ReadOnlySpan<byte> record, Utf8StringCache strings, out int payloadOffset)
    {
        var flags = record[20];
        var offset = HeaderSize;
        var tenant = strings.Get(record.Slice(offset, record[22]));
        offset += record[22];
        string? source = null;
        if ((flags & FlagHasSource) != 0)
        {
            source = strings.Get(record.Slice(offset, record[23]));
        }

        offset += record[23];
        string? format = null;
        if ((flags & FlagHasFormat) != 0)
        {
            format = strings.Get(record.Slice(offset, record[24]));
        }

        offset += record[24];
        payloadOffset = offset;
        var micros = BinaryPrimitives.ReadInt64LittleEndian(record[12..]);
        return new RecordMeta(
            tenant,
            FromUnixMicroseconds(micros),
            (Transport)record[21],
            source,
            (flags & FlagTruncated) != 0,
            format);
    }

    public static long ToUnixMicroseconds(DateTimeOffset time) => (time.UtcTicks - UnixEpochTicks) / 10;

    private static DateTimeOffset FromUnixMicroseconds(long micros)
    {
        var ticks = (micros * 10) + UnixEpochTicks;
        return ticks is >= 0 and <= 3_155_378_975_999_999_999
            ? new DateTimeOffset(ticks, TimeSpan.Zero)
            : DateTimeOffset.UnixEpoch; // only reachable through a CRC collision; never throw on disk contents
    }

    /// <summary>CRC-32C (Castagnoli), 8 bytes per step; <see cref="BitOperations.Crc32C(uint, ulong)"/> uses the SSE4.2/ARMv8 instruction.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        ref var start = ref MemoryMarshal.GetReference(data);
        var length = data.Length;
        var i = 0;
        for (; i + 8 <= length; i += 8)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i)));
        }

        if (i + 4 <= length)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, i)));
            i += 4;
        }

        for (; i < length; i++)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.Add(ref start, i));
        }

        return ~crc;
    }
}

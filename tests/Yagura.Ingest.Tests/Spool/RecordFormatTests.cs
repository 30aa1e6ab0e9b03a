using CsCheck;
using Yagura.Ingest.Spool;
using Yagura.Ingest.Spool.Internal;

namespace Yagura.Ingest.Tests.Spool;

public sealed class RecordFormatTests
{
    private static readonly Gen<string> Text = Gen.Char["abcxyz0129-_.:[]テナント日本"].Array[0, 40].Select(c => new string(c));
    private static readonly Gen<string?> MaybeText = Gen.Select(Text, Gen.Bool, (text, present) => present ? text : null);
    private static readonly Gen<RecordMeta> Meta = Gen.Select(Text, Gen.Long[0, 4_000_000_000_000_000L], Gen.Byte[0, 4], MaybeText, Gen.Bool, MaybeText,
        (tenant, micros, transport, source, truncated, format) =>
            new RecordMeta(tenant, DateTimeOffset.UnixEpoch.AddTicks(micros * 10), (Transport)transport, source, truncated, format));

    [Fact]
    public void EncodeThenDecode_AnyRecord_ReturnsTheSameMetaAndPayload()
    {
        Gen.Select(Gen.Byte.Array[0, 3000], Meta).Sample((payload, meta) =>
        {
            var buffer = new byte[RecordFormat.MaxEncodedSize(payload.Length, meta)];
            var length = RecordFormat.Encode(buffer, payload, meta);
            var record = buffer.AsSpan(0, length);

            Assert.Equal(length, RecordFormat.ReadLength(record));
            Assert.True(RecordFormat.IsValid(record));
            var decoded = RecordFormat.Decode(record, new Utf8StringCache(), out var payloadOffset);
            Assert.Equal(meta, decoded);
            Assert.Equal(payload, record[payloadOffset..].ToArray());
        });
    }

    [Fact]
    public void IsValid_WithAnySingleBitFlipped_IsFalse()
    {
        Gen.Select(Gen.Byte.Array[0, 500], Meta, Gen.Int, Gen.Int[0, 7]).Sample((payload, meta, at, bit) =>
        {
            var buffer = new byte[RecordFormat.MaxEncodedSize(payload.Length, meta)];
            var length = RecordFormat.Encode(buffer, payload, meta);
            buffer[(int)((uint)at % (uint)length)] ^= (byte)(1 << bit);
            var record = buffer.AsSpan(0, length);

            Assert.False(RecordFormat.ReadLength(record) == length && RecordFormat.IsValid(record));
        });
    }

    [Fact]
    public void Add_WithATenantIdOver255Bytes_ThrowsAndLeavesTheBatchUnchanged()
    {
        using var batch = new SpoolBatch();
        batch.Add("ok"u8, new RecordMeta("default", DateTimeOffset.UnixEpoch, Transport.Tcp, null, false, null));
        var bytes = batch.Bytes;

        Assert.Throws<ArgumentException>(() => batch.Add("x"u8, new RecordMeta(new string('t', 256), DateTimeOffset.UnixEpoch, Transport.Tcp, null, false, null)));
        Assert.Equal(1, batch.Count);
        Assert.Equal(bytes, batch.Bytes);
    }

    [Fact]
    public void Crc32C_OfTheStandardCheckString_IsTheKnownValue()
    {
        Assert.Equal(0xE3069283u, RecordFormat.Crc32C("123456789"u8));
    }
}

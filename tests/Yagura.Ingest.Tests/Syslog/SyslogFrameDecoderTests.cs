using System.Buffers;
using System.Text;
using Yagura.Ingest.Syslog;

namespace Yagura.Ingest.Tests.Syslog;

public sealed class SyslogFrameDecoderTests
{
    private static List<(string Text, bool Truncated)> Decode(SyslogFrameDecoder decoder, IEnumerable<byte[]> chunks)
    {
        var result = new List<(string, bool)>();
        var pending = new List<byte>();
        foreach (var chunk in chunks)
        {
            pending.AddRange(chunk);
            var buffer = new ReadOnlySequence<byte>(pending.ToArray());
            var reader = new SequenceReader<byte>(buffer);
            while (decoder.TryRead(ref reader, out var message, out var truncated))
            {
                result.Add((Encoding.UTF8.GetString(message.ToArray()), truncated));
            }

            pending = [.. buffer.Slice(reader.Position).ToArray()];
        }

        var final = new SequenceReader<byte>(new ReadOnlySequence<byte>(pending.ToArray()));
        if (decoder.TryReadFinal(ref final, out var last, out var lastTruncated))
        {
            result.Add((Encoding.UTF8.GetString(last.ToArray()), lastTruncated));
        }

        return result;
    }

    private static List<(string Text, bool Truncated)> DecodeByteByByte(string stream, int max = 1024) =>
        Decode(new SyslogFrameDecoder(max), Encoding.UTF8.GetBytes(stream).Select(b => new[] { b }));

    [Fact]
    public void Read_LineFeedFramed_SplitsOnLfAndStripsCr()
    {
        var messages = Decode(new SyslogFrameDecoder(1024), [Encoding.UTF8.GetBytes("<13>a\r\n<13>b\n\n<13>c")]);

        Assert.Equal(["<13>a", "<13>b", "<13>c"], messages.Select(m => m.Text));
        Assert.All(messages, m => Assert.False(m.Truncated));
    }

    [Fact]
    public void Read_OctetCountedFrameSplitAcrossReads_ReturnsWholeMessage()
    {
        var messages = DecodeByteByByte("11 <13>hello\nx5 <14>b");

        Assert.Equal(["<13>hello\nx", "<14>b"], messages.Select(m => m.Text));
    }

    [Fact]
    public void Read_OctetCountedMessageContainingNewlines_KeepsThemInside()
    {
        var decoder = new SyslogFrameDecoder(1024);
        var messages = Decode(decoder, [Encoding.UTF8.GetBytes("9 <13>a\nb\nc")]);

        Assert.Equal(FramingMode.OctetCounting, decoder.Mode);
        Assert.Equal("<13>a\nb\nc", Assert.Single(messages).Text);
    }

    [Fact]
    public void Read_OversizedLineFramedMessage_IsCutFlaggedAndTheNextSurvives()
    {
        var big = new string('x', 100);
        var messages = DecodeByteByByte($"<13>{big}\n<13>next\n", max: 10);

        Assert.Equal(2, messages.Count);
        Assert.Equal(("<13>xxxxxx", true), messages[0]);
        Assert.Equal(("<13>next", false), messages[1]);
    }

    [Fact]
    public void Read_OversizedOctetCountedMessage_IsCutFlaggedAndTheNextSurvives()
    {
        var big = "<13>" + new string('y', 96);
        var messages = Decode(new SyslogFrameDecoder(10), [Encoding.UTF8.GetBytes($"100 {big}8 <13>next")]);

        Assert.Equal([("<13>yyyyyy", true), ("<13>next", false)], messages);
    }

    [Fact]
    public void Read_BrokenLengthPrefix_FallsBackToLineFramingWithoutLosingData()
    {
        var decoder = new SyslogFrameDecoder(1024);
        var messages = Decode(decoder, [Encoding.UTF8.GetBytes("5 <13>a<13>garbage\n<13>b\n")]);

        Assert.Equal(["<13>a", "<13>garbage", "<13>b"], messages.Select(m => m.Text));
        Assert.Equal(1, decoder.FramingErrors);
        Assert.Equal(FramingMode.LineFeed, decoder.Mode);
    }

    [Fact]
    public void ReadFinal_CountedFrameCutByDisconnect_IsKeptAndFlagged()
    {
        var messages = Decode(new SyslogFrameDecoder(1024), [Encoding.UTF8.GetBytes("20 <13>short")]);

        Assert.Equal(("<13>short", true), Assert.Single(messages));
    }

    [Fact]
    public void Read_FirstByteNotADigit_UsesLineFraming()
    {
        var decoder = new SyslogFrameDecoder(1024);
        _ = Decode(decoder, [Encoding.UTF8.GetBytes("<13>1 2026-01-01T00:00:00Z h a - - - m\n")]);

        Assert.Equal(FramingMode.LineFeed, decoder.Mode);
    }

    [Fact]
    public void Read_RandomChunking_YieldsTheSameMessagesAsOneRead()
    {
        var rng = new Random(42);
        var stream = string.Concat(Enumerable.Range(0, 200).Select(i => { var m = $"<13>message number {i} {new string('z', i % 37)}"; return $"{Encoding.UTF8.GetByteCount(m)} {m}"; }));
        var bytes = Encoding.UTF8.GetBytes(stream);
        var expected = Decode(new SyslogFrameDecoder(1024), [bytes]);

        for (var round = 0; round < 50; round++)
        {
            var chunks = new List<byte[]>();
            for (var i = 0; i < bytes.Length;)
            {
                var n = Math.Min(rng.Next(1, 300), bytes.Length - i);
                chunks.Add(bytes[i..(i + n)]);
                i += n;
            }

            Assert.Equal(expected, Decode(new SyslogFrameDecoder(1024), chunks));
        }

        Assert.Equal(200, expected.Count);
    }
}

using System.Buffers;

namespace Yagura.Ingest.Syslog;

/// <summary>
/// Splits a syslog byte stream into messages (RFC 6587): octet-counting (<c>LEN SP MSG</c>) or
/// non-transparent framing (LF-terminated), detected per connection from its first byte. One instance per connection.
/// </summary>
/// <remarks>
/// A message longer than the limit is cut at the limit and flagged truncated; the rest of it is skipped, so one
/// oversized message costs neither memory nor the messages behind it. In octet-counting mode a frame whose length
/// prefix is not a number makes the decoder fall back to LF framing for the rest of the connection, flagged, rather
/// than lose everything that follows.
/// </remarks>
public sealed class SyslogFrameDecoder(int maxMessageBytes)
{
    private const int MaxLengthDigits = 10;

    private FramingMode _mode = FramingMode.Unknown;
    private long _skip;                 // bytes of an oversized octet-counted frame still to discard
    private bool _discardToLf;          // discarding the rest of an oversized LF-framed message

    public FramingMode Mode => _mode;

    /// <summary>Frames whose length prefix was not a number, after which the connection fell back to LF framing.</summary>
    public int FramingErrors { get; private set; }

    /// <summary>
    /// Reads the next complete message from <paramref name="reader"/>. Returns false when more data is needed
    /// (the reader is left at the start of the incomplete frame). At end of stream call <see cref="TryReadFinal"/>.
    /// </summary>
    public bool TryRead(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> message, out bool truncated)
    {
        message = default;
        truncated = false;
        while (true)
        {
            if (_skip > 0)
            {
                var n = Math.Min(_skip, reader.Remaining);
                reader.Advance(n);
                _skip -= n;
                if (_skip > 0)
                {
                    return false;
                }
            }

            if (_discardToLf)
            {
                if (!reader.TryAdvanceTo((byte)'\n'))
                {
                    reader.AdvanceToEnd();
                    return false;
                }

                _discardToLf = false;
            }

            if (reader.End)
            {
                return false;
            }

            if (_mode == FramingMode.Unknown)
            {
                reader.TryPeek(out var first);
                _mode = first is >= (byte)'1' and <= (byte)'9' ? FramingMode.OctetCounting : FramingMode.LineFeed;
            }

            var found = _mode == FramingMode.OctetCounting
                ? TryReadOctetCounted(ref reader, out message, out truncated)
                : TryReadLine(ref reader, out message, out truncated);
            if (found is null)
            {
                continue; // framing state changed (skip/fallback); loop to apply it
            }

            return found.Value;
        }
    }

    /// <summary>At end of stream: returns what is left as a last message (flagged truncated if a counted frame was cut short).</summary>
    public bool TryReadFinal(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> message, out bool truncated)
    {
        message = default;
        truncated = false;
        if (_skip > 0 || _discardToLf || reader.End)
        {
            reader.AdvanceToEnd();
            return false;
        }

        var rest = reader.UnreadSequence;
        if (_mode == FramingMode.OctetCounting && TryParseLength(rest, out var length, out var headerLength) && headerLength < rest.Length)
        {
            rest = rest.Slice(headerLength);
            truncated = rest.Length < length;
        }
        else
        {
            rest = TrimLineEnd(rest);
        }

        if (rest.Length > maxMessageBytes)
        {
            rest = rest.Slice(0, maxMessageBytes);
            truncated = true;
        }

        reader.AdvanceToEnd();
        message = rest;
        return !rest.IsEmpty;
    }

    private bool? TryReadLine(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> message, out bool truncated)
    {
        truncated = false;
        if (reader.TryReadTo(out message, (byte)'\n'))
        {
            message = TrimLineEnd(message);
            if (message.Length > maxMessageBytes)
            {
                message = message.Slice(0, maxMessageBytes);
                truncated = true;
            }

            if (message.IsEmpty)
            {
                return null; // blank line between messages: nothing to keep
            }

            return true;
        }

        if (reader.Remaining > maxMessageBytes)
        {
            message = reader.UnreadSequence.Slice(0, maxMessageBytes);
            reader.AdvanceToEnd();
            _discardToLf = true;
            truncated = true;
            return true;
        }

        message = default;
        return false;
    }

    private bool? TryReadOctetCounted(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> message, out bool truncated)
    {
        message = default;
        truncated = false;

        // Senders separate counted frames by nothing, but some add a newline anyway: tolerate it.
        while (reader.TryPeek(out var b) && b is (byte)'\n' or (byte)'\r')
        {
            reader.Advance(1);
        }

        var unread = reader.UnreadSequence;
        if (unread.IsEmpty)
        {
            return false;
        }

        if (!TryParseLength(unread, out var length, out var headerLength))
        {
            if (headerLength < 0 && unread.Length <= MaxLengthDigits)
            {
                return false; // the length prefix may still be arriving
            }

            _mode = FramingMode.LineFeed;
            FramingErrors++;
            return null;
        }

        if (length <= maxMessageBytes)
        {
            if (unread.Length - headerLength < length)
            {
                return false;
            }

            message = unread.Slice(headerLength, length);
            reader.Advance(headerLength + length);
            return true;
        }

        if (unread.Length - headerLength < maxMessageBytes)
        {
            return false;
        }

        message = unread.Slice(headerLength, maxMessageBytes);
        truncated = true;
        var available = unread.Length - headerLength;
        var consumed = Math.Min(available, length);
        reader.Advance(headerLength + consumed);
        _skip = length - consumed;
        return true;
    }

    /// <summary>
    /// Parses <c>DIGITS SP</c>. headerLength is the prefix length including the space on success, -1 when the
    /// buffer ends inside the digits (need more), 0 when the prefix is malformed.
    /// </summary>
    private static bool TryParseLength(ReadOnlySequence<byte> buffer, out long length, out int headerLength)
    {
        length = 0;
        var reader = new SequenceReader<byte>(buffer);
        var digits = 0;
        while (reader.TryRead(out var b))
        {
            if (b is >= (byte)'0' and <= (byte)'9' && digits < MaxLengthDigits)
            {
                if (digits == 0 && b == (byte)'0')
                {
                    break;
                }

                length = (length * 10) + (b - '0');
                digits++;
                continue;
            }

            if (b == (byte)' ' && digits > 0)
            {
                headerLength = digits + 1;
                return true;
            }

            headerLength = 0;
            return false;
        }

        headerLength = reader.End && digits < MaxLengthDigits ? -1 : 0;
        return false;
    }

    private static ReadOnlySequence<byte> TrimLineEnd(ReadOnlySequence<byte> line)
    {
        while (!line.IsEmpty)
        {
            var last = line.Slice(line.Length - 1).FirstSpan[0];
            if (last is not ((byte)'\r' or (byte)'\n'))
            {
                break;
            }

            line = line.Slice(0, line.Length - 1);
        }

        return line;
    }
}

public enum FramingMode
{
    Unknown,
    OctetCounting,
    LineFeed,
}

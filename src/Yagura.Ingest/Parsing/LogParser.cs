using Yagura.Core.Events;
using Yagura.Ingest.Parsing.Cef;
using Yagura.Ingest.Parsing.Internal;
using Yagura.Ingest.Parsing.Json;
using Yagura.Ingest.Parsing.KeyValue;
using Yagura.Ingest.Parsing.Leef;
using Yagura.Ingest.Parsing.Syslog;

namespace Yagura.Ingest.Parsing;

/// <summary>
/// Turns one received message into a normalised <see cref="EventRecord"/> with ECS field names. Formats: RFC 5424,
/// RFC 3164 (and vendor variants), CEF, LEEF 1.0/2.0, JSON and key=value, bare or behind a syslog header; anything
/// else is kept as plain text. See docs/formats.md for detection rules and field mappings.
/// </summary>
public static class LogParser
{
    /// <summary>The prefix of the error message set when the parser itself failed (a bug, never expected).</summary>
    internal const string InternalErrorPrefix = "internal parser error";

    /// <summary>
    /// Never throws. Detects the format per message unless <see cref="MessageContext.Format"/> names one
    /// (<c>rfc5424</c>, <c>rfc3164</c>, <c>cef</c>, <c>leef</c>, <c>json</c>, <c>kv</c>, <c>raw</c>).
    /// </summary>
    /// <remarks>
    /// Malformed input of a recognised format sets <see cref="EventRecord.ErrorMessage"/> and keeps what could be
    /// read; <see cref="EventRecord.Original"/> is always the UTF-8 decoding of <paramref name="raw"/>.
    /// </remarks>
    public static EventRecord Parse(ReadOnlySpan<byte> raw, in MessageContext context)
    {
        string original = Text.Decode(raw);
        var builder = new EventBuilder(context, EstimateCapacity(raw));
        ReadOnlySpan<byte> trimmed = Text.Trim(raw);
        try
        {
            ParseCore(trimmed, builder, Forced(context.Format));
        }
#pragma warning disable CA1031 // The one last-resort guard the contract allows: a parser bug must not lose the message.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            builder.ResetToRaw(original);
            builder.AddError($"{InternalErrorPrefix} ({ex.GetType().Name}); kept as raw");
        }

        if (builder.Format == LogFormats.Raw && builder.Message is null)
        {
            builder.Message = trimmed.Length == raw.Length ? original : Text.Decode(trimmed);
        }

        if (!System.Text.Unicode.Utf8.IsValid(raw))
        {
            // Replacing bytes loses them: say so, so the event can be found and the source fixed.
            builder.AddError($"invalid UTF-8 at byte {FirstInvalidUtf8(raw)}: such bytes are shown as U+FFFD in event.original");
        }

        if (context.Truncated)
        {
            builder.Set(FieldNames.EventTruncated, Text.Box(true));
            builder.AddError($"message was truncated by the receiver ({raw.Length} bytes kept)");
        }

        return builder.Build(original);
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> raw)
    {
        var offset = 0;
        while (offset < raw.Length && System.Text.Rune.DecodeFromUtf8(raw[offset..], out _, out var consumed) == System.Buffers.OperationStatus.Done)
        {
            offset += consumed;
        }

        return offset;
    }

    private static void ParseCore(ReadOnlySpan<byte> s, EventBuilder b, string? forced)
    {
        if (forced == LogFormats.Raw || s.IsEmpty)
        {
            b.ExpectFewFields();
            return;
        }

        if (SyslogHeader.TryReadPri(s, out int pri, out int consumed))
        {
            ReadOnlySpan<byte> afterPri = s[consumed..];
            if (forced == LogFormats.Rfc5424 || (forced != LogFormats.Rfc3164 && Rfc5424Parser.Looks(afterPri)))
            {
                if (!Rfc5424Parser.Looks(afterPri))
                {
                    b.AddError("not an RFC 5424 message (no version after PRI); kept as raw");
                    return;
                }

                SyslogHeader.SetPri(b, pri);
                Payload(Rfc5424Parser.Parse(afterPri, b), b, forced);
                return;
            }

            SyslogHeader.SetPri(b, pri);
            Payload(Rfc3164Parser.Parse(afterPri, b), b, forced);
            return;
        }

        if (forced == LogFormats.Rfc5424)
        {
            b.AddError("not an RFC 5424 message (no PRI); kept as raw");
            return;
        }

        if (forced == LogFormats.Rfc3164 || Rfc3164Parser.LooksLikeTimestamp(s))
        {
            Payload(Rfc3164Parser.Parse(s, b), b, forced);
            return;
        }

        Payload(s, b, forced);
    }

    // The part after a syslog header, or the whole message when it has none.
    private static void Payload(ReadOnlySpan<byte> s, EventBuilder b, string? forced)
    {
        s = Text.Trim(s);
        string headerFormat = b.Format;
        if (forced is LogFormats.Cef || (forced is null or LogFormats.Rfc5424 or LogFormats.Rfc3164 && s.StartsWith("CEF:"u8)))
        {
            if (!CefParser.TryParse(s, b))
            {
                b.Message = Text.Decode(s);
            }

            return;
        }

        if (forced is LogFormats.Leef || (forced is null or LogFormats.Rfc5424 or LogFormats.Rfc3164 && s.StartsWith("LEEF:"u8)))
        {
            if (!LeefParser.TryParse(s, b))
            {
                b.Message = Text.Decode(s);
            }

            return;
        }

        ReadOnlySpan<byte> json = s.StartsWith("@cee:"u8) ? Text.TrimStart(s[5..]) : s;
        if (forced is LogFormats.Json || (!json.IsEmpty && json[0] == '{' && forced is not LogFormats.Kv))
        {
            if (json.IsEmpty || json[0] != '{')
            {
                b.AddError("payload is not a JSON object; kept as raw");
                b.Message = Text.Decode(s);
                return;
            }

            JsonFlattener.TryParse(json, b);
            return;
        }

        if (forced is LogFormats.Kv || KeyValueParser.Looks(s))
        {
            KeyValueParser.Parse(s, b);
            if (b.Message is null && headerFormat != LogFormats.Raw)
            {
                b.Message = Text.Decode(s);
            }

            return;
        }

        b.ExpectFewFields();
        b.Message = Text.Decode(s);
    }

    private static string? Forced(string? format) => format switch
    {
        null or "" => null,
        LogFormats.Rfc5424 or LogFormats.Rfc3164 or LogFormats.Cef or LogFormats.Leef or LogFormats.Json
            or LogFormats.Kv or LogFormats.Raw => format,
        _ => format.ToLowerInvariant() is var lower && lower != format ? Forced(lower) : null,
    };

    // Syslog headers give about 16 fields; an RFC 5424 SD param or JSON property adds one, a CEF/LEEF/kv pair two
    // (the vendor's key and the ECS one). Sized up front because growing the table copies it; bounded so a hostile
    // message cannot pre-size a huge one.
    private static int EstimateCapacity(ReadOnlySpan<byte> raw)
    {
        ReadOnlySpan<byte> head = raw.Length > 4096 ? raw[..4096] : raw;
        int pairs = head.Count((byte)'=');
        bool oneFieldPerPair = head.Length > 5 && head[0] == '<' && head.IndexOf("]"u8) > 0 && head.IndexOf("CEF:"u8) < 0 && head.IndexOf("LEEF:"u8) < 0;
        if (!head.IsEmpty && head[0] == '{')
        {
            pairs += head.Count((byte)':');
            oneFieldPerPair = true;
        }

        return Math.Min(oneFieldPerPair ? 18 + pairs : 24 + (pairs * 2), 256);
    }
}

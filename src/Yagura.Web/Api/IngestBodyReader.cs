using System.Buffers;
using System.IO.Compression;
using System.Text.Json;

namespace Yagura.Web.Api;

/// <summary>One item of an ingest body: its bytes, or why it was rejected.</summary>
internal readonly record struct IngestItem(int Line, ReadOnlyMemory<byte> Json, string? Error);

/// <summary>
/// Reads an HTTP ingest body (NDJSON, a JSON array, or plain text lines; gzip or not) within a size limit that
/// also applies after decompression, so a small gzip bomb is refused like a large body.
/// </summary>
internal static class IngestBodyReader
{
    public static async Task<(byte[] Buffer, int Length)?> ReadAsync(Stream body, bool gzip, long limit, CancellationToken cancellationToken)
    {
        var source = gzip ? new GZipStream(body, CompressionMode.Decompress, leaveOpen: true) : body;
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var n = await source.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (n == 0)
                {
                    return (buffer, length);
                }

                length += n;
                if (length > limit)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        finally
        {
            if (gzip)
            {
                await source.DisposeAsync();
            }
        }
    }

    /// <summary>Splits a JSON body: an array's elements, or NDJSON lines (blank lines skipped). Line numbers count from 1.</summary>
    public static List<IngestItem> SplitJson(ReadOnlyMemory<byte> body)
    {
        var span = body.Span;
        var start = 0;
        while (start < span.Length && IsWhite(span[start]))
        {
            start++;
        }

        if (start < span.Length && span[start] == (byte)'[')
        {
            return SplitArray(body);
        }

        var items = new List<IngestItem>();
        foreach (var (line, text) in Lines(body))
        {
            var trimmed = Trim(text);
            if (!trimmed.IsEmpty)
            {
                items.Add(new IngestItem(line, trimmed, ValidateObject(trimmed.Span)));
            }
        }

        return items;
    }

    /// <summary>Splits plain text into one message per line (CR LF or LF).</summary>
    public static List<IngestItem> SplitLines(ReadOnlyMemory<byte> body)
    {
        var items = new List<IngestItem>();
        foreach (var (line, raw) in Lines(body))
        {
            var text = !raw.IsEmpty && raw.Span[^1] == (byte)'\r' ? raw[..^1] : raw;
            if (!text.IsEmpty)
            {
                items.Add(new IngestItem(line, text, null));
            }
        }

        return items;
    }

    /// <summary>The LF-separated lines of a body with their 1-based numbers.</summary>
    private static IEnumerable<(int Line, ReadOnlyMemory<byte> Text)> Lines(ReadOnlyMemory<byte> body)
    {
        var line = 0;
        var position = 0;
        while (position < body.Length)
        {
            var end = body.Span[position..].IndexOf((byte)'\n');
            var lineEnd = end < 0 ? body.Length : position + end;
            yield return (++line, body[position..lineEnd]);
            position = lineEnd + 1;
        }
    }

    private static List<IngestItem> SplitArray(ReadOnlyMemory<byte> body)
    {
        var items = new List<IngestItem>();
        var reader = new Utf8JsonReader(body.Span, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var index = 0;
        try
        {
            reader.Read(); // [
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                index++;
                var from = (int)reader.TokenStartIndex;
                var isObject = reader.TokenType == JsonTokenType.StartObject;
                reader.Skip();
                var element = body[from..(int)reader.BytesConsumed];
                items.Add(new IngestItem(index, element, isObject ? null : "expected a JSON object"));
            }

            if (reader.TokenType != JsonTokenType.EndArray)
            {
                items.Add(new IngestItem(index + 1, ReadOnlyMemory<byte>.Empty, "unterminated JSON array"));
            }
        }
        catch (JsonException ex)
        {
            items.Add(new IngestItem(index + 1, ReadOnlyMemory<byte>.Empty, $"invalid JSON: {ex.Message}"));
        }

        return items;
    }

    private static string? ValidateObject(ReadOnlySpan<byte> json)
    {
        if (json[0] != (byte)'{')
        {
            return "expected a JSON object";
        }

        try
        {
            var reader = new Utf8JsonReader(json);
            reader.Read();
            reader.Skip();
            return reader.BytesConsumed == json.Length ? null : "unexpected data after the JSON object";
        }
        catch (JsonException ex)
        {
            return $"invalid JSON: {ex.Message}";
        }
    }

    private static ReadOnlyMemory<byte> Trim(ReadOnlyMemory<byte> text)
    {
        var span = text.Span;
        var from = 0;
        var to = span.Length;
        while (from < to && IsWhite(span[from]))
        {
            from++;
        }

        while (to > from && IsWhite(span[to - 1]))
        {
            to--;
        }

        return text[from..to];
    }

    private static bool IsWhite(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}

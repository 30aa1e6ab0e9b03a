using System.Text;
using System.Text.Json;

namespace Yagura.Detection.Events;

/// <summary>
/// Reads events for offline detection from JSON files: one object, an array of objects, NDJSON or objects simply
/// concatenated. A malformed file yields the events before the fault and then one error naming the line.
/// </summary>
public static class EventFiles
{
    public sealed record Item(DetectionEvent? Event, string? Error);

    /// <summary>The file's events in order, read as a stream (a file of a million events is not held in memory).</summary>
    public static IEnumerable<Item> Read(string path, long firstIndex = 0)
    {
        var index = firstIndex;
        using var stream = File.OpenRead(path);
        var buffer = new byte[1 << 16];
        int start = 0, end = 0;
        long lines = 0;
        var final = false;
        while (true)
        {
            // One value at a time from what is buffered; the values before a fault are all returned.
            var (value, consumed, error, needMore) = NextValue(buffer.AsSpan(start, end - start), final, lines);
            if (error is not null)
            {
                yield return new Item(null, $"{path}: {error}; the rest of the file is skipped");
                yield break;
            }

            if (needMore)
            {
                if (final)
                {
                    yield break;
                }

                if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var read = stream.Read(buffer, end, buffer.Length - end);
                end += read;
                final = read == 0;
                continue;
            }

            lines += buffer.AsSpan(start, consumed).Count((byte)'\n');
            start += consumed;
            using var document = value!;
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                foreach (var element in root.EnumerateArray())
                {
                    yield return ToItem(element, index++, path);
                }
            }
            else
            {
                yield return ToItem(root, index++, path);
            }
        }
    }

    private static (JsonDocument? Value, int Consumed, string? Error, bool NeedMore) NextValue(ReadOnlySpan<byte> data, bool final, long lines)
    {
        if (data.TrimStart(" \t\r\n"u8).IsEmpty)
        {
            return (null, 0, null, true);
        }

        var reader = new Utf8JsonReader(data, final, default);
        try
        {
            if (!reader.Read())
            {
                return (null, 0, null, true);
            }

            var startIndex = (int)reader.TokenStartIndex;
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
            {
                return (null, 0, null, true);
            }

            var consumed = (int)reader.BytesConsumed;
            return (JsonDocument.Parse(data[startIndex..consumed].ToArray()), consumed, null, false);
        }
        catch (JsonException e)
        {
            return (null, 0, $"line {lines + (e.LineNumber ?? 0) + 1}: malformed JSON ({e.Message})", false);
        }
    }

    private static Item ToItem(JsonElement element, long index, string path) =>
        element.ValueKind == JsonValueKind.Object
            ? new Item(DetectionEvent.FromJson(element, index), null)
            : new Item(null, $"{path}: event {index} is a JSON {element.ValueKind.ToString().ToLowerInvariant()}, not an object; skipped");

    /// <summary>UTF-8 without a byte-order mark, for the JSON lines the commands print.</summary>
    public static readonly Encoding Utf8 = new UTF8Encoding(false);
}

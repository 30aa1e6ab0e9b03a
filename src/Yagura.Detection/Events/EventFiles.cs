using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Yagura.Detection.Events;

/// <summary>
/// Reads events for offline detection from JSON files: one object, an array of objects, NDJSON or objects simply
/// concatenated. A malformed file yields the events before the fault and then one error naming the line.
/// </summary>
public static class EventFiles
{
    /// <param name="Event">The event, or null when the item is an error.</param>
    /// <param name="Error">Why there is no event: a value that is not an object (it still takes its index), or a
    /// malformed file (it takes none, and ends the file).</param>
    /// <param name="TakesIndex">Whether the item counts in the numbering of events across files.</param>
    public sealed record Item(DetectionEvent? Event, string? Error, bool TakesIndex = true);

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
            var (value, consumed, error, needMore) = NextValue(buffer.AsSpan(start, end - start), final, lines, index, path);
            if (error is not null)
            {
                yield return new Item(null, $"{path}: {error}; the rest of the file is skipped", TakesIndex: false);
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
            foreach (var item in value!)
            {
                yield return item;
            }

            index += value!.Count;
        }
    }

    /// <summary>The events of the next JSON value in <paramref name="data"/> (one object, or an array of them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (List<Item>? Items, int Consumed, string? Error, bool NeedMore) NextValue(ReadOnlySpan<byte> data, bool final, long lines, long index, string path)
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

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                // The common case (NDJSON, concatenated objects): read once, as it is flattened.
                return DetectionEvent.ReadObject(ref reader, data, index) is { } e
                    ? ([new Item(e, null)], (int)reader.BytesConsumed, null, false)
                    : (null, 0, null, true);
            }

            var startIndex = (int)reader.TokenStartIndex;
            if (reader.TokenType == JsonTokenType.StartArray && !reader.TrySkip())
            {
                return (null, 0, null, true);
            }

            var consumed = (int)reader.BytesConsumed;
            var value = data[startIndex..consumed];
            var items = new List<Item>();
            if (value[0] == (byte)'[')
            {
                var elements = new Utf8JsonReader(value);
                elements.Read();
                while (elements.Read() && elements.TokenType != JsonTokenType.EndArray)
                {
                    var elementStart = (int)elements.TokenStartIndex;
                    var isObject = elements.TokenType == JsonTokenType.StartObject;
                    elements.Skip();
                    items.Add(isObject
                        ? new Item(DetectionEvent.FromJson(value[elementStart..(int)elements.BytesConsumed], index + items.Count), null)
                        : new Item(null, $"{path}: event {index + items.Count} is not a JSON object; skipped"));
                }
            }
            else
            {
                items.Add(new Item(null, $"{path}: event {index} is not a JSON object; skipped"));
            }

            return (items, consumed, null, false);
        }
        catch (JsonException e)
        {
            return (null, 0, $"line {lines + (e.LineNumber ?? 0) + 1}: malformed JSON ({e.Message})", false);
        }
    }

    /// <summary>UTF-8 without a byte-order mark, for the JSON lines the commands print.</summary>
    public static readonly Encoding Utf8 = new UTF8Encoding(false);
}

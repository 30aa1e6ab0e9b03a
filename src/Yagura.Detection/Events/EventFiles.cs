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
        using var values = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream, topLevelValues: true, Options).ToBlockingEnumerable().GetEnumerator();
        while (true)
        {
            JsonElement root;
            string? error = null;
            try
            {
                if (!values.MoveNext())
                {
                    yield break;
                }

                root = values.Current;
            }
            catch (JsonException e)
            {
                root = default;
                error = $"{path}: line {e.LineNumber + 1}: malformed JSON ({e.Message}); the rest of the file is skipped";
            }

            if (error is not null)
            {
                yield return new Item(null, error);
                yield break;
            }

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

    private static readonly JsonSerializerOptions Options = new() { ReadCommentHandling = JsonCommentHandling.Skip };

    private static Item ToItem(JsonElement element, long index, string path) =>
        element.ValueKind == JsonValueKind.Object
            ? new Item(DetectionEvent.FromJson(element, index), null)
            : new Item(null, $"{path}: event {index} is a JSON {element.ValueKind.ToString().ToLowerInvariant()}, not an object; skipped");

    /// <summary>UTF-8 without a byte-order mark, for the JSON lines the commands print.</summary>
    public static readonly Encoding Utf8 = new UTF8Encoding(false);
}

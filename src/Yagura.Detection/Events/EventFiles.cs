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

    public static IEnumerable<Item> Read(string path, long firstIndex = 0)
    {
        var bytes = File.ReadAllBytes(path);
        var index = firstIndex;
        var items = new List<Item>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
            {
                using var document = JsonDocument.ParseValue(ref reader);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Array)
                {
                    foreach (var element in root.EnumerateArray())
                    {
                        items.Add(ToItem(element, index++, path));
                    }
                }
                else
                {
                    items.Add(ToItem(root, index++, path));
                }
            }
        }
        catch (JsonException e)
        {
            items.Add(new Item(null, $"{path}: line {e.LineNumber + 1}: malformed JSON ({e.Message}); the rest of the file is skipped"));
        }

        return items;
    }

    private static Item ToItem(JsonElement element, long index, string path) =>
        element.ValueKind == JsonValueKind.Object
            ? new Item(DetectionEvent.FromJson(element, index), null)
            : new Item(null, $"{path}: event {index} is a JSON {element.ValueKind.ToString().ToLowerInvariant()}, not an object; skipped");

    /// <summary>UTF-8 without a byte-order mark, for the JSON lines the commands print.</summary>
    public static readonly Encoding Utf8 = new UTF8Encoding(false);
}

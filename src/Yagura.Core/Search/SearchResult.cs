using System.Text.Json;

using Yagura.Core.Events;

namespace Yagura.Core.Search;

/// <summary>
/// What a search returns: either events (<see cref="Events"/> set) or a table (<see cref="Columns"/> and
/// <see cref="Rows"/>, from <c>stats</c> or <c>fields</c>).
/// </summary>
public sealed class SearchResult
{
    /// <summary>The matching events, newest first unless sorted; null when the result is a table.</summary>
    public IReadOnlyList<EventRecord>? Events { get; init; }

    public IReadOnlyList<string> Columns { get; init; } = [];

    public IReadOnlyList<IReadOnlyList<object?>> Rows { get; init; } = [];

    /// <summary>Events the store returned and the evaluator checked.</summary>
    public long Scanned { get; init; }

    /// <summary>Of those, the ones that matched the filter. When the search stops early this is not a total.</summary>
    public long Matched { get; init; }

    /// <summary>
    /// True when the output may be incomplete: the search stopped at the limit (more matches may exist), or a safety
    /// cap (groups, events held for a sort) was reached. An explicit <c>head</c> does not count.
    /// </summary>
    public bool Truncated { get; init; }

    public bool IsTable => Events is null;

    /// <summary>Writes <c>{ "events": [...] }</c> or <c>{ "columns": [...], "rows": [[...]] }</c> plus
    /// <c>scanned</c>, <c>matched</c> and <c>truncated</c>.</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        if (Events is { } events)
        {
            writer.WriteStartArray("events");
            foreach (var e in events)
            {
                EventJson.Write(writer, e);
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteStartArray("columns");
            foreach (var column in Columns)
            {
                writer.WriteStringValue(column);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("rows");
            foreach (var row in Rows)
            {
                writer.WriteStartArray();
                foreach (var cell in row)
                {
                    EventJson.WriteValue(writer, cell);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        writer.WriteNumber("scanned", Scanned);
        writer.WriteNumber("matched", Matched);
        writer.WriteBoolean("truncated", Truncated);
        writer.WriteEndObject();
    }
}

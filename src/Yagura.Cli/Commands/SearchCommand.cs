using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Yagura.Core.Events;
using Yagura.Core.Search;
using Yagura.Storage.Sqlite;

namespace Yagura.Cli.Commands;

/// <summary><c>yagura search</c>: the query language over a data directory, as a table or as JSON lines.</summary>
internal static class SearchCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var from = new Option<string?>("--from") { Description = "Earliest @timestamp (ISO 8601 or now-1h …)" };
        var to = new Option<string?>("--to") { Description = "Latest @timestamp, exclusive (ISO 8601 or now …)" };
        var limit = new Option<int>("--limit") { Description = "At most this many results (1–10000)", DefaultValueFactory = _ => 100 };
        var json = new Option<bool>("--json") { Description = "One JSON object per line instead of a table" };
        var tenant = CommonOptions.Tenant();
        var query = new Argument<string>("query") { Description = "The query, e.g. 'event.code:4625 | stats count() by source.ip' (see docs/query.md)", DefaultValueFactory = _ => "" };
        var command = new Command("search", "Search stored events") { data, from, to, limit, json, tenant, query };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var text = parse.GetValue(query) ?? "";
            SearchQuery parsed;
            try
            {
                parsed = QueryParser.Parse(text);
            }
            catch (QuerySyntaxException ex)
            {
                Console.Error.WriteLine($"yagura: query error: {ex.Reason} at position {ex.Position + 1}");
                Console.Error.WriteLine("  " + ex.Caret.Replace("\n", "\n  ", StringComparison.Ordinal));
                return 2;
            }

            if (CommonOptions.ReadWindow(parse, from, to, limit) is not { } window)
            {
                return 2;
            }

            var (fromTime, toTime, max) = window;

            if (CommonOptions.ReadScope(parse, data, tenant) is not { } place)
            {
                return 2;
            }

            var (root, scope) = place;
            await using var store = SqliteEventStore.Open(root, SqliteEventStoreOptions.Default, TimeProvider.System);
            var result = await new SearchExecutor(store, TimeProvider.System).ExecuteAsync(parsed, scope, fromTime, toTime, max, cancellationToken);
            if (parse.GetValue(json))
            {
                WriteJsonLines(result);
            }
            else
            {
                WriteTable(result);
            }

            return 0;
        });
        return command;
    }

    private static void WriteJsonLines(SearchResult result)
    {
        using var stdout = Console.OpenStandardOutput();
        var options = new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        if (result.Events is { } events)
        {
            foreach (var e in events)
            {
                using (var writer = new Utf8JsonWriter(stdout, options))
                {
                    EventJson.Write(writer, e);
                }

                stdout.WriteByte((byte)'\n');
            }

            return;
        }

        foreach (var row in result.Rows)
        {
            using (var writer = new Utf8JsonWriter(stdout, options))
            {
                writer.WriteStartObject();
                for (var i = 0; i < result.Columns.Count; i++)
                {
                    writer.WritePropertyName(result.Columns[i]);
                    JsonSerializer.Serialize(writer, row[i]);
                }

                writer.WriteEndObject();
            }

            stdout.WriteByte((byte)'\n');
        }
    }

    private static void WriteTable(SearchResult result)
    {
        var table = new Table().Border(TableBorder.Simple);
        if (result.Events is { } events)
        {
            table.AddColumns("@timestamp", "tenant.id", "host.name", "message");
            foreach (var e in events)
            {
                var message = e.Message ?? e.Original;
                table.AddRow(
                    Markup.Escape(e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)),
                    Markup.Escape(e.TenantId),
                    Markup.Escape(e.GetField(FieldNames.HostName)?.ToString() ?? ""),
                    Markup.Escape(Shorten(message, 160)));
            }
        }
        else
        {
            foreach (var column in result.Columns)
            {
                table.AddColumn(Markup.Escape(column));
            }

            foreach (var row in result.Rows)
            {
                table.AddRow(row.Select(v => Markup.Escape(Format(v))).ToArray());
            }
        }

        AnsiConsole.Write(table);
        var count = result.Events?.Count ?? result.Rows.Count;
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "[grey]{0} results, {1} matched, {2} scanned{3}[/]", count, result.Matched, result.Scanned, result.Truncated ? " (truncated: raise --limit or narrow the query)" : "");
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Shorten(string text, int max)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= max ? line : string.Concat(line.AsSpan(0, max - 1), "…");
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Yagura.Core.Alerts;
using Yagura.Storage.Sqlite.Cases;

namespace Yagura.Cli.Commands;

/// <summary><c>yagura alerts</c>: the stored alerts of a data directory, newest first, as a table or as JSON lines.</summary>
internal static class AlertsCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var from = new Option<string?>("--from") { Description = "Earliest last-seen time (ISO 8601 or now-1h …)" };
        var to = new Option<string?>("--to") { Description = "Latest last-seen time, exclusive (ISO 8601 or now …)" };
        var limit = new Option<int>("--limit") { Description = "At most this many alerts (1–10000)", DefaultValueFactory = _ => 100 };
        var severity = new Option<string?>("--severity") { Description = "Only this severity or higher: information, warning, critical, emergency" };
        var json = new Option<bool>("--json") { Description = "One JSON object per line instead of a table" };
        var tenant = CommonOptions.Tenant();
        var command = new Command("alerts", "List stored alerts, newest first") { data, from, to, limit, severity, json, tenant };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (CommonOptions.ReadWindow(parse, from, to, limit) is not { } window)
            {
                return 2;
            }

            var (fromTime, toTime, max) = window;

            Severity? minSeverity = null;
            if (parse.GetValue(severity) is { } s)
            {
                if (!SeverityPolicy.TryParse(s, out var parsed))
                {
                    return CommonOptions.Fail($"--severity '{s}' is not one of information, warning, critical, emergency");
                }

                minSeverity = parsed;
            }

            if (CommonOptions.ReadScope(parse, data, tenant) is not { } place)
            {
                return 2;
            }

            var (root, scope) = place;
            await using var store = SqliteAlertStore.Open(root);
            var alerts = await store.ListAsync(scope, fromTime, toTime, max, minSeverity, cancellationToken);
            if (parse.GetValue(json))
            {
                WriteJsonLines(alerts);
            }
            else
            {
                WriteTable(alerts);
            }

            return 0;
        });
        return command;
    }

    private static void WriteJsonLines(IReadOnlyList<Alert> alerts)
    {
        using var stdout = Console.OpenStandardOutput();
        var options = new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        foreach (var alert in alerts)
        {
            using (var writer = new Utf8JsonWriter(stdout, options))
            {
                AlertJson.Write(writer, alert);
            }

            stdout.WriteByte((byte)'\n');
        }
    }

    private static void WriteTable(IReadOnlyList<Alert> alerts)
    {
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumns("last seen", "tenant", "severity", "kind", "title", "rule id", "count");
        foreach (var alert in alerts)
        {
            table.AddRow(
                Markup.Escape(alert.LastSeen.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
                Markup.Escape(alert.TenantId),
                Markup.Escape(AlertJson.Name(alert.Severity)),
                Markup.Escape(AlertJson.Name(alert.Kind)),
                Markup.Escape(alert.Title),
                Markup.Escape(alert.RuleId),
                alert.Count.ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "[grey]{0} alerts[/]", alerts.Count);
    }
}

using System.Text.Json;

namespace Yagura.Core.Alerts;

/// <summary>The one JSON shape of an alert, shared by the HTTP API and the CLI.</summary>
public static class AlertJson
{
    /// <summary>
    /// Writes <c>{"id", "tenant_id", "kind", "rule_id", "title", "level", "severity", "tags", "event_ids",
    /// "group_key", "first_seen", "last_seen", "count"}</c>; kind and severity lower-case, times ISO 8601 UTC.
    /// </summary>
    public static void Write(Utf8JsonWriter w, Alert alert)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(alert);
        w.WriteStartObject();
        w.WriteString("id", alert.Id);
        w.WriteString("tenant_id", alert.TenantId);
        w.WriteString("kind", Name(alert.Kind));
        w.WriteString("rule_id", alert.RuleId);
        w.WriteString("title", alert.Title);
        w.WriteString("level", alert.Level);
        w.WriteString("severity", Name(alert.Severity));
        w.WriteStartArray("tags");
        foreach (var tag in alert.Tags)
        {
            w.WriteStringValue(tag);
        }

        w.WriteEndArray();
        w.WriteStartArray("event_ids");
        foreach (var id in alert.EventIds)
        {
            w.WriteNumberValue(id);
        }

        w.WriteEndArray();
        w.WriteString("group_key", alert.GroupKey);
        w.WriteString("first_seen", alert.FirstSeen.UtcDateTime);
        w.WriteString("last_seen", alert.LastSeen.UtcDateTime);
        w.WriteNumber("count", alert.Count);
        w.WriteEndObject();
    }

    /// <summary>The lower-case name of a kind: rule, correlation, ioc.</summary>
    public static string Name(AlertKind kind) => kind switch
    {
        AlertKind.Rule => "rule",
        AlertKind.Correlation => "correlation",
        AlertKind.Ioc => "ioc",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The lower-case name of a severity: information, warning, critical, emergency.</summary>
    public static string Name(Severity severity) => severity switch
    {
        Severity.Information => "information",
        Severity.Warning => "warning",
        Severity.Critical => "critical",
        Severity.Emergency => "emergency",
        _ => throw new ArgumentOutOfRangeException(nameof(severity)),
    };
}

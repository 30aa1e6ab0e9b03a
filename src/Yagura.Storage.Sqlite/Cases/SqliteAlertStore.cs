using System.Text.Json;

using Microsoft.Data.Sqlite;

using Yagura.Core.Alerts;
using Yagura.Core.Tenancy;

namespace Yagura.Storage.Sqlite.Cases;

/// <summary>
/// Alerts in <c>DATA/cases.db</c>, the case store (incidents and notifications will join them). WAL mode, so
/// <c>yagura alerts</c> reads while <c>yagura serve</c> writes; every read is scoped by tenant id.
/// </summary>
public sealed class SqliteAlertStore : IAlertStore
{
    private readonly string _connectionString;

    private SqliteAlertStore(string path) =>
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();

    /// <summary>Opens (creating when needed) the case store of a data directory.</summary>
    public static SqliteAlertStore Open(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        SQLitePCL.Batteries_V2.Init();
        Directory.CreateDirectory(dataDirectory);
        var store = new SqliteAlertStore(Path.Combine(Path.GetFullPath(dataDirectory), "cases.db"));
        using var connection = store.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS alerts(
              id TEXT PRIMARY KEY,
              tenant_id TEXT NOT NULL,
              kind INTEGER NOT NULL,
              rule_id TEXT NOT NULL,
              title TEXT NOT NULL,
              level TEXT,
              severity INTEGER NOT NULL,
              tags TEXT NOT NULL,
              event_ids TEXT NOT NULL,
              group_key TEXT,
              first_seen INTEGER NOT NULL,
              last_seen INTEGER NOT NULL,
              count INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_alerts_tenant_last_seen ON alerts(tenant_id, last_seen);
            """;
        command.ExecuteNonQuery();
        return store;
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 10000;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <inheritdoc />
    public async Task<int> AddAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        if (alerts.Count == 0)
        {
            return 0;
        }

        foreach (var alert in alerts)
        {
            if (!Tenant.IsValidId(alert.TenantId))
            {
                throw new ArgumentException($"Alert {alert.Id} has an invalid tenant id '{alert.TenantId}'.", nameof(alerts));
            }
        }

        await using var connection = Connect();
        await using var transaction = connection.BeginTransaction();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT OR IGNORE INTO alerts(id, tenant_id, kind, rule_id, title, level, severity, tags, event_ids, group_key, first_seen, last_seen, count)
            VALUES ($id, $tenant, $kind, $rule, $title, $level, $severity, $tags, $events, $group, $first, $last, $count)
            """;

        // A grown alert (suppression counted more repeats) replaces the stored count, events and times; the same or a
        // smaller one (a replay, or an older copy) changes nothing, so the order alerts arrive in does not matter.
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = """
            UPDATE alerts SET count = $count, event_ids = $events, first_seen = min(first_seen, $first), last_seen = max(last_seen, $last)
            WHERE id = $id AND tenant_id = $tenant AND ($count > count OR ($count = count AND $last > last_seen))
            """;
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var tenant = insert.Parameters.Add("$tenant", SqliteType.Text);
        var kind = insert.Parameters.Add("$kind", SqliteType.Integer);
        var rule = insert.Parameters.Add("$rule", SqliteType.Text);
        var title = insert.Parameters.Add("$title", SqliteType.Text);
        var level = insert.Parameters.Add("$level", SqliteType.Text);
        var severity = insert.Parameters.Add("$severity", SqliteType.Integer);
        var tags = insert.Parameters.Add("$tags", SqliteType.Text);
        var events = insert.Parameters.Add("$events", SqliteType.Text);
        var group = insert.Parameters.Add("$group", SqliteType.Text);
        var first = insert.Parameters.Add("$first", SqliteType.Integer);
        var last = insert.Parameters.Add("$last", SqliteType.Integer);
        var count = insert.Parameters.Add("$count", SqliteType.Integer);
        foreach (var name in (string[])["$id", "$tenant", "$events", "$first", "$last", "$count"])
        {
            update.Parameters.Add(name, insert.Parameters[name].SqliteType);
        }

        insert.Prepare();
        update.Prepare();
        var added = 0;
        foreach (var alert in alerts)
        {
            id.Value = alert.Id;
            tenant.Value = alert.TenantId;
            kind.Value = (int)alert.Kind;
            rule.Value = alert.RuleId;
            title.Value = alert.Title;
            level.Value = (object?)alert.Level ?? DBNull.Value;
            severity.Value = (int)alert.Severity;
            tags.Value = JsonSerializer.Serialize(alert.Tags, AlertJsonContext.Default.IReadOnlyListString);
            events.Value = JsonSerializer.Serialize(alert.EventIds, AlertJsonContext.Default.IReadOnlyListInt64);
            group.Value = (object?)alert.GroupKey ?? DBNull.Value;
            first.Value = alert.FirstSeen.UtcTicks;
            last.Value = alert.LastSeen.UtcTicks;
            count.Value = alert.Count;
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                added++;
                continue;
            }

            // Already stored: the same values, bound to the update.
            foreach (SqliteParameter parameter in update.Parameters)
            {
                parameter.Value = insert.Parameters[parameter.ParameterName].Value;
            }

            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return added;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Alert>> ListAsync(
        TenantScope scope, DateTimeOffset? from, DateTimeOffset? until, int limit, Severity? minSeverity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (scope.Tenants is { Count: 0 })
        {
            return [];
        }

        await using var connection = Connect();
        await using var command = connection.CreateCommand();
        var where = Where(command, scope, from, until, minSeverity);
        command.CommandText = $"""
            SELECT id, tenant_id, kind, rule_id, title, level, severity, tags, event_ids, group_key, first_seen, last_seen, count
            FROM alerts {where}
            ORDER BY last_seen DESC, id DESC
            LIMIT $limit
            """;
        command.Parameters.AddWithValue("$limit", limit);
        var list = new List<Alert>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new Alert(
                reader.GetString(0),
                reader.GetString(1),
                (AlertKind)reader.GetInt32(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                (Severity)reader.GetInt32(6),
                JsonSerializer.Deserialize(reader.GetString(7), AlertJsonContext.Default.IReadOnlyListString) ?? [],
                JsonSerializer.Deserialize(reader.GetString(8), AlertJsonContext.Default.IReadOnlyListInt64) ?? [],
                reader.IsDBNull(9) ? null : reader.GetString(9),
                new DateTimeOffset(reader.GetInt64(10), TimeSpan.Zero),
                new DateTimeOffset(reader.GetInt64(11), TimeSpan.Zero),
                reader.GetInt32(12)));
        }

        return list;
    }

    /// <summary>
    /// How many alerts of the scope have their <see cref="Alert.LastSeen"/> in [<paramref name="from"/>,
    /// <paramref name="until"/>) and, with <paramref name="minSeverity"/>, that severity or higher: the figures of a
    /// report, without reading the alerts.
    /// </summary>
    public async Task<long> CountAsync(
        TenantScope scope, DateTimeOffset? from, DateTimeOffset? until, Severity? minSeverity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.Tenants is { Count: 0 })
        {
            return 0;
        }

        await using var connection = Connect();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM alerts {Where(command, scope, from, until, minSeverity)}";
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The WHERE clause (empty when nothing narrows) of a read, its parameters bound to <paramref name="command"/>.</summary>
    private static string Where(SqliteCommand command, TenantScope scope, DateTimeOffset? from, DateTimeOffset? until, Severity? minSeverity)
    {
        var where = new List<string>();
        if (scope.Tenants is { } tenants)
        {
            var names = new string[tenants.Count];
            for (var i = 0; i < tenants.Count; i++)
            {
                names[i] = "$t" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                command.Parameters.AddWithValue(names[i], tenants[i]);
            }

            where.Add($"tenant_id IN ({string.Join(", ", names)})");
        }

        if (from is { } f)
        {
            where.Add("last_seen >= $from");
            command.Parameters.AddWithValue("$from", f.UtcTicks);
        }

        if (until is { } t)
        {
            where.Add("last_seen < $to");
            command.Parameters.AddWithValue("$to", t.UtcTicks);
        }

        if (minSeverity is { } s)
        {
            where.Add("severity >= $severity");
            command.Parameters.AddWithValue("$severity", (int)s);
        }

        return where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "";
    }

    /// <summary>Nothing to release: connections are pooled per call.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<long>))]
internal sealed partial class AlertJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

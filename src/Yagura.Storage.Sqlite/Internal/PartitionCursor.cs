using System.Globalization;

using Microsoft.Data.Sqlite;

using Yagura.Core.Events;
using Yagura.Core.Search;

namespace Yagura.Storage.Sqlite.Internal;

internal sealed record PartitionInfo(PartitionKey Key, string Path, long MinTs, long MaxTs, long Count, FullTextIndex FullText, bool BinaryFields);

/// <summary>A read-only connection streaming one partition's candidates newest first.</summary>
internal sealed class PartitionCursor : IDisposable
{
    private const int FirstColumn = 3;

    private static readonly string SelectColumns = string.Join(", ", Schema.InsertColumns);

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _command;
    private readonly SqliteDataReader _reader;
    private readonly string _tenantId;
    private readonly FieldNameMap? _names;

    private PartitionCursor(SqliteConnection connection, SqliteCommand command, SqliteDataReader reader, string tenantId, FieldNameMap? names)
    {
        _connection = connection;
        _command = command;
        _reader = reader;
        _tenantId = tenantId;
        _names = names;
    }

    public long Ts { get; private set; }

    public long Id { get; private set; }

    public static SqliteConnection OpenReadOnly(string path)
    {
        // No pooling: a dropped partition must not stay open in a pool, and opening a file is cheap next to a scan.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 10000";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Builds the partition's query; null when the file vanished (dropped meanwhile).</summary>
    public static PartitionCursor? Open(PartitionInfo partition, long from, long to, QueryNode filter, DateTimeOffset now)
    {
        SqliteConnection? connection = null;
        try
        {
            connection = OpenReadOnly(partition.Path);
            // One read transaction: the field names, the Bloom filters and the events are read from one snapshot.
            var transaction = connection.BeginTransaction(deferred: true);
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            if (partition.FullText == FullTextIndex.BlockBloom)
            {
                connection.CreateFunction<byte[], byte[], bool>("yg_bloom", static (bloom, hashes) => TokenBloom.MayContainAll(bloom, hashes), isDeterministic: true);
            }

            var names = partition.BinaryFields ? new FieldNameMap(connection, transaction) : null;
            var sql = new SqlFilter(partition.FullText, now, connection, names, transaction);
            var where = sql.Where(filter);
            var conditions = new List<string>();
            if (from != long.MinValue)
            {
                conditions.Add("ts >= $from");
                command.Parameters.AddWithValue("$from", from);
            }

            if (to != long.MaxValue)
            {
                conditions.Add("ts < $to");
                command.Parameters.AddWithValue("$to", to);
            }

            if (where is not null)
            {
                conditions.Add(where);
            }

            for (var i = 0; i < sql.Parameters.Count; i++)
            {
                command.Parameters.AddWithValue("$p" + i.ToString(CultureInfo.InvariantCulture), sql.Parameters[i]);
            }

            command.CommandText = $"SELECT {SelectColumns} FROM events"
                + (conditions.Count > 0 ? " WHERE " + string.Join(" AND ", conditions) : "")
                + " ORDER BY ts DESC, id DESC";
            var reader = command.ExecuteReader();
            return new PartitionCursor(connection, command, reader, partition.Key.TenantId, names);
        }
        catch (SqliteException) when (!File.Exists(partition.Path))
        {
            connection?.Dispose();
            return null;
        }
        catch
        {
            connection?.Dispose();
            throw;
        }
    }

    public bool MoveNext()
    {
        if (!_reader.Read())
        {
            return false;
        }

        Id = _reader.GetInt64(0);
        Ts = _reader.GetInt64(1);
        return true;
    }

    public EventRecord Read()
    {
        var r = _reader;
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
        var fieldsOrdinal = Schema.InsertColumns.Length - 1;
        if (!r.IsDBNull(fieldsOrdinal))
        {
            var data = r.GetFieldValue<byte[]>(fieldsOrdinal);
            if (_names is null)
            {
                FieldsJson.ReadInto(data, fields);
            }
            else
            {
                FieldCodec.Read(data, _names.NameOf, fields);
            }
        }

        for (var c = 0; c < Schema.Columns.Length; c++)
        {
            var ordinal = FirstColumn + c;
            if (r.IsDBNull(ordinal))
            {
                continue;
            }

            // fields holds the original when the column has a folded or placeholder value.
            object? value = r.GetFieldType(ordinal) == typeof(long) ? r.GetInt64(ordinal)
                : r.GetFieldType(ordinal) == typeof(string) ? r.GetString(ordinal)
                : null;
            if (value is not null)
            {
                fields.TryAdd(Schema.Columns[c].Field, value);
            }
        }

        var message = FirstColumn + Schema.Columns.Length;
        var original = r.GetString(message + 1);
        return new EventRecord
        {
            Id = Id,
            TenantId = _tenantId,
            Timestamp = new DateTimeOffset(Ts, TimeSpan.Zero),
            Received = new DateTimeOffset(r.GetInt64(2), TimeSpan.Zero),
            Message = r.IsDBNull(message) ? null
                : r.GetFieldType(message) == typeof(long) ? MessageReference.Decode(original, r.GetInt64(message))
                : r.GetString(message),
            Original = original,
            ErrorMessage = r.IsDBNull(message + 2) ? null : r.GetString(message + 2),
            Fields = fields,
        };
    }

    public void Dispose()
    {
        _reader.Dispose();
        _command.Dispose();
        _connection.Dispose();
    }
}

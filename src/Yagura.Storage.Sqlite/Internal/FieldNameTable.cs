using System.Collections.Concurrent;

using Microsoft.Data.Sqlite;

using SQLitePCL;

namespace Yagura.Storage.Sqlite.Internal;

/// <summary>
/// A format-2 partition's <c>field_names</c> table as its writer sees it: numbers are handed out to new names while
/// blocks are prepared (on several threads), and the new rows are inserted by the writer in the transaction that
/// first uses them. Names not yet committed are kept and inserted again until a commit succeeds.
/// </summary>
internal sealed class FieldNameTable
{
    private readonly ConcurrentDictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<(int Id, string Name)> _uncommitted = [];
    // Numbers start at 128, so that every name is at least two bytes whose first has the high bit set (FieldCodec
    // writes them as varints): a search for those bytes in the column finds the rows with the field, and ASCII text
    // never produces them.
    private int _last = FirstId - 1;

    public const int FirstId = 128;

    /// <summary>The names of the partition open on <paramref name="db"/>.</summary>
    public static FieldNameTable Load(sqlite3 db)
    {
        var rc = raw.sqlite3_prepare_v2(db, "SELECT id, name FROM field_names", out var stmt);
        if (rc != raw.SQLITE_OK)
        {
            throw new IOException($"SQLite error {rc} reading field names: {raw.sqlite3_errmsg(db).utf8_to_string()}");
        }

        var table = new FieldNameTable();
        using (stmt)
        {
            while (raw.sqlite3_step(stmt) == raw.SQLITE_ROW)
            {
                var id = raw.sqlite3_column_int(stmt, 0);
                table._ids[raw.sqlite3_column_text(stmt, 1).utf8_to_string()] = id;
                table._last = Math.Max(table._last, id);
            }
        }

        return table;
    }

    /// <summary>The name's number, assigning the next one to a new name. Thread-safe.</summary>
    public int IdOf(string name)
    {
        if (_ids.TryGetValue(name, out var id))
        {
            return id;
        }

        lock (_uncommitted)
        {
            if (!_ids.TryGetValue(name, out id))
            {
                id = ++_last;
                _uncommitted.Add((id, name));
                _ids[name] = id;
            }

            return id;
        }
    }

    /// <summary>Names handed out but not committed yet (the writer inserts them before its commit).</summary>
    public List<(int Id, string Name)> Uncommitted()
    {
        lock (_uncommitted)
        {
            return [.. _uncommitted];
        }
    }

    /// <summary>After a commit that inserted <paramref name="count"/> of <see cref="Uncommitted"/>.</summary>
    public void Committed(int count)
    {
        lock (_uncommitted)
        {
            _uncommitted.RemoveRange(0, count);
        }
    }
}

/// <summary>
/// A reader's view of a format-2 partition's <c>field_names</c>, read in the same read transaction as the events, so
/// every number a row holds is there.
/// </summary>
internal sealed class FieldNameMap
{
    private readonly string?[] _names;

    public FieldNameMap(SqliteConnection connection, SqliteTransaction transaction)
    {
        var names = new List<(int Id, string Name)>();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT id, name FROM field_names";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            names.Add((reader.GetInt32(0), reader.GetString(1)));
        }

        _names = new string?[names.Count == 0 ? 0 : names.Max(n => n.Id) + 1];
        foreach (var (id, name) in names)
        {
            _names[id] = name;
        }
    }

    public string? NameOf(int id) => (uint)id < (uint)_names.Length ? _names[id] : null;

    /// <summary>The name's number, or null when no event of the partition has the field.</summary>
    public int? IdOf(string name)
    {
        var index = Array.IndexOf(_names, name);
        return index < 0 ? null : index;
    }
}

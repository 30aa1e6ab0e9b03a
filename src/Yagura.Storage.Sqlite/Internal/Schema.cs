using Yagura.Core.Events;

namespace Yagura.Storage.Sqlite.Internal;

/// <summary>The layout of one partition file.</summary>
internal static class Schema
{
    /// <summary>
    /// The format of new partition files (<c>PRAGMA user_version</c>): 1 kept <c>fields</c> as JSON text, 2 keeps them
    /// binary with numbered names (<see cref="FieldCodec"/>). Files keep the format they were created with.
    /// </summary>
    public const int Version = 2;

    /// <summary>The first format with binary <c>fields</c>.</summary>
    public const int BinaryFieldsVersion = 2;

    /// <summary>
    /// ECS fields promoted to columns of their own (indexable, NOCASE). A column holds the field's value when it is a
    /// string (ASCII as is, otherwise upper-cased invariantly so NOCASE equality agrees with ordinal-ignore-case) or
    /// a long; for any other value it holds <see cref="Other"/> and the value itself lives in <c>fields</c>.
    /// </summary>
    public static readonly (string Field, string Column, bool Indexed)[] Columns =
    [
        (FieldNames.HostName, "host_name", true),
        (FieldNames.SourceIp, "source_ip", true),
        (FieldNames.DestinationIp, "destination_ip", false),
        (FieldNames.UserName, "user_name", true),
        (FieldNames.EventCode, "event_code", false),
        (FieldNames.EventAction, "event_action", false),
        (FieldNames.ObserverVendor, "observer_vendor", false),
        (FieldNames.LogFormat, "log_format", false),
    ];

    /// <summary>Column value meaning "the field is present but its value is in <c>fields</c>".</summary>
    public const string Other = "X'00'";

    public static int ColumnIndex(string field)
    {
        for (var i = 0; i < Columns.Length; i++)
        {
            if (Columns[i].Field == field)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Columns of the events table in insert order.</summary>
    public static readonly string[] InsertColumns =
        ["id", "ts", "received", .. Columns.Select(c => c.Column), "message", "original", "error", "fields"];

    public static IEnumerable<string> CreateStatements(SqliteEventStoreOptions options)
    {
        var columns = string.Join(",\n  ", Columns.Select(c => $"{c.Column} COLLATE NOCASE"));
        yield return $"""
            CREATE TABLE IF NOT EXISTS events(
              id INTEGER PRIMARY KEY,
              ts INTEGER NOT NULL,
              received INTEGER NOT NULL,
              {columns},
              message,
              original TEXT NOT NULL,
              error TEXT,
              fields BLOB
            )
            """;
        yield return "CREATE TABLE IF NOT EXISTS field_names(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)";
        yield return "CREATE INDEX IF NOT EXISTS ix_events_ts ON events(ts)";
        if (options.ColumnIndexes)
        {
            foreach (var c in Columns.Where(c => c.Indexed))
            {
                // No declared type (BLOB affinity) so longs stay integers and text stays text. Partial: most events lack most of these fields, and NULLs would only bloat the index.
                yield return $"CREATE INDEX IF NOT EXISTS ix_events_{c.Column} ON events({c.Column}) WHERE {c.Column} IS NOT NULL";
            }
        }

        if (options.FullText == FullTextIndex.Fts5)
        {
            // Contentless: the text is already in events; the index only maps tokens to ids. One column holding
            // event.original (plus message when it is not already a part of it) halves the tokens indexed.
            // Token characters are those of Core TextTokens (letters, digits, private use, marks).
            yield return $"""
                CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
                  text, content='', columnsize=0, detail={options.FullTextDetail},
                  tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co Mn Mc'")
                """;
        }

        if (options.FullText == FullTextIndex.BlockBloom)
        {
            // Each row covers the events with ids in [id_min, id_max] written together.
            yield return "CREATE TABLE IF NOT EXISTS blocks(id_min INTEGER NOT NULL, id_max INTEGER NOT NULL, bloom BLOB NOT NULL)";
        }

        yield return """
            CREATE TABLE IF NOT EXISTS meta(
              k INTEGER PRIMARY KEY CHECK (k = 0),
              min_ts INTEGER,
              max_ts INTEGER,
              count INTEGER NOT NULL,
              fts INTEGER NOT NULL)
            """;
        yield return $"INSERT OR IGNORE INTO meta(k, min_ts, max_ts, count, fts) VALUES (0, NULL, NULL, 0, {(int)options.FullText})";
    }
}

/// <summary>
/// A <c>message</c> that occurs in <c>event.original</c> is stored as an integer: its UTF-16 offset and length there.
/// </summary>
internal static class MessageReference
{
    public static long Encode(int offset, int length) => ((long)offset << 32) | (uint)length;

    public static string Decode(string original, long reference) =>
        original.Substring((int)(reference >> 32), (int)(reference & 0xFFFFFFFF));
}

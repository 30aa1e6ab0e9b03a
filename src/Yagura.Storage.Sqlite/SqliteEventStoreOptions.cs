namespace Yagura.Storage.Sqlite;

/// <summary>Tuning of <see cref="SqliteEventStore"/>. The defaults are the measured fastest that keep the contract.</summary>
public sealed record SqliteEventStoreOptions
{
    public static SqliteEventStoreOptions Default { get; } = new();

    /// <summary>
    /// Files per tenant and day (events go to shard <c>Id % Shards</c>): SQLite allows one writer per file, so two
    /// shards let two threads write at once. Changing it later is safe; readers open every shard file they find.
    /// </summary>
    public int Shards { get; init; } = 2;

    /// <summary>Page size of new partition files.</summary>
    public int PageSize { get; init; } = 8192;

    /// <summary>Page cache per open writer connection, in KiB.</summary>
    public int CacheSizeKiB { get; init; } = 32 * 1024;

    /// <summary>Full-text index over <c>message</c> and <c>event.original</c>; without it free text is not pushed down.</summary>
    public bool FullText { get; init; } = true;

    /// <summary>FTS5 <c>detail</c> option: <c>none</c> (smallest, fastest; phrases become AND of tokens), <c>column</c> or <c>full</c>.</summary>
    public string FullTextDetail { get; init; } = "none";

    /// <summary>Rows per multi-row <c>INSERT … VALUES</c> statement.</summary>
    public int RowsPerStatement { get; init; } = 32;

    /// <summary>Secondary indexes on the ECS columns besides <c>ts</c> (equality look-ups).</summary>
    public bool ColumnIndexes { get; init; } = true;

    /// <summary>Writer connections unused for this long are closed (yesterday's partitions, quiet tenants).</summary>
    public TimeSpan IdleClose { get; init; } = TimeSpan.FromMinutes(2);
}

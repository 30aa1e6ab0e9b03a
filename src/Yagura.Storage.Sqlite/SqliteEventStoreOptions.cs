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

    /// <summary>How free text over <c>message</c> and <c>event.original</c> is indexed for new partition files.</summary>
    public FullTextIndex FullText { get; init; } = FullTextIndex.BlockBloom;

    /// <summary>Events per Bloom-filter block (<see cref="FullTextIndex.BlockBloom"/>): smaller blocks narrow more, cost more space.</summary>
    public int BloomBlockSize { get; init; } = 256;

    /// <summary>FTS5 <c>detail</c> option (<see cref="FullTextIndex.Fts5"/>): <c>none</c> (smallest, fastest; phrases become AND of tokens), <c>column</c> or <c>full</c>.</summary>
    public string FullTextDetail { get; init; } = "none";

    /// <summary>Rows per multi-row <c>INSERT … VALUES</c> statement.</summary>
    public int RowsPerStatement { get; init; } = 32;

    /// <summary>
    /// B-tree indexes on host.name, source.ip and user.name besides <c>ts</c>. Off by default: they halved write
    /// throughput, and with <see cref="FullTextIndex.BlockBloom"/> the block filters already narrow equality on
    /// the promoted columns.
    /// </summary>
    public bool ColumnIndexes { get; init; }

    /// <summary>Writer connections unused for this long are closed (yesterday's partitions, quiet tenants).</summary>
    public TimeSpan IdleClose { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>The free-text index of a partition.</summary>
public enum FullTextIndex
{
    /// <summary>No index: free text is checked on every event of the time range.</summary>
    None = 0,

    /// <summary>
    /// SQLite FTS5 (contentless, unicode61): per-event precision and prefix queries, but about 25 µs of CPU per
    /// ~300-byte event here, too slow for 100,000 events/s on two cores.
    /// </summary>
    Fts5 = 1,

    /// <summary>
    /// A Bloom filter of the tokens of each block of events: a few µs per event, narrows to blocks. Tokens are
    /// those of Core TextTokens exactly; prefix and wildcard terms are not narrowed.
    /// </summary>
    BlockBloom = 2,
}

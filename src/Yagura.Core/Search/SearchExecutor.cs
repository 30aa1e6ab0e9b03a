using Yagura.Core.Events;
using Yagura.Core.Search.Internal;
using Yagura.Core.Storage;
using Yagura.Core.Tenancy;

namespace Yagura.Core.Search;

/// <summary>
/// Runs a parsed search against a store: streams the candidates the store returns (newest first), re-checks each
/// with the compiled filter, then applies the pipe stages in order.
/// </summary>
public sealed class SearchExecutor(IEventStore store, TimeProvider time)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;

    /// <summary>Groups one <c>stats</c> keeps; further groups are dropped and the result marked truncated.</summary>
    public const int MaxGroups = 100_000;

    /// <summary>Matching events held in memory for a <c>sort</c> on events; a sort sees at most the newest this many.</summary>
    public const int MaxHeldEvents = 100_000;

    private readonly IEventStore _store = store;
    private readonly TimeProvider _time = time;

    /// <summary>
    /// Executes <paramref name="query"/> over the events of <paramref name="scope"/> with <c>@timestamp</c> in
    /// [<paramref name="from"/>, <paramref name="to"/>). <paramref name="limit"/> caps the events or rows returned
    /// (0 or less means <see cref="DefaultLimit"/>, at most <see cref="MaxLimit"/>). Without <c>stats</c> or
    /// <c>sort</c> the scan stops once the limit (or a <c>head</c>) is reached; reaching the limit marks the result
    /// truncated, as more matches may exist.
    /// </summary>
    public async Task<SearchResult> ExecuteAsync(
        SearchQuery query, TenantScope scope, DateTimeOffset? from, DateTimeOffset? to, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(scope);
        limit = limit <= 0 ? DefaultLimit : Math.Min(limit, MaxLimit);
        var now = _time.GetUtcNow();

        // The store and the evaluator must agree on what "now-15m" means, so resolve it once for both.
        var filter = QueryEvaluator.ResolveRelativeTimes(query.Filter, now);
        var matches = QueryEvaluator.Compile(filter, now);
        var scan = new EventScan(scope, from, to, filter);

        var pipes = query.Pipes;
        var blocking = -1;
        int? prefixHead = null;
        var prefixHasFields = false;
        for (var i = 0; i < pipes.Count; i++)
        {
            if (pipes[i] is StatsStage or SortStage)
            {
                blocking = i;
                break;
            }

            if (pipes[i] is HeadStage head)
            {
                prefixHead = Math.Min(prefixHead ?? int.MaxValue, head.Count);
            }
            else if (pipes[i] is FieldsStage)
            {
                prefixHasFields = true;
            }
        }

        long scanned = 0;
        long matched = 0;
        var truncated = false;
        Output output;
        int nextStage;

        if (blocking >= 0 && pipes[blocking] is StatsStage stats && prefixHead is null && !prefixHasFields)
        {
            // Aggregate while streaming: a stats over millions of events never holds them.
            var aggregator = new StatsAggregator(stats, MaxGroups);
            await foreach (var e in _store.ScanAsync(scan, ct).ConfigureAwait(false))
            {
                scanned++;
                if (matches(e))
                {
                    matched++;
                    aggregator.Add(e, static (ev, field) => ev.GetField(field));
                }
            }

            var (columns, rows) = aggregator.ToTable();
            truncated |= aggregator.Capped;
            output = Output.Table(columns, rows);
            nextStage = blocking + 1;
        }
        else
        {
            // Without a sort or stats the first matches are the answer; with one, hold matches up to a cap.
            var need = blocking < 0 ? Math.Min(prefixHead ?? int.MaxValue, limit) : prefixHead ?? MaxHeldEvents;

            // Stop as soon as the cap is reached rather than read on to prove a further match exists: that proof
            // can cost a scan of the whole range. Reaching a cap other than an explicit head marks the result
            // truncated ("there may be more").
            var capTruncates = prefixHead is null || prefixHead > need;
            var events = new List<EventRecord>();
            if (need > 0)
            {
                await foreach (var e in _store.ScanAsync(scan, ct).ConfigureAwait(false))
                {
                    scanned++;
                    if (!matches(e))
                    {
                        continue;
                    }

                    matched++;
                    events.Add(e);
                    if (events.Count == need)
                    {
                        truncated = capTruncates;
                        break;
                    }
                }
            }

            output = Output.FromEvents(events);
            nextStage = 0;
        }

        for (var i = nextStage; i < pipes.Count; i++)
        {
            output = Apply(output, pipes[i], ref truncated);
        }

        if (output.Count > limit)
        {
            output = output.Take(limit);
            truncated = true;
        }

        return output.Events is { } list
            ? new SearchResult { Events = list, Scanned = scanned, Matched = matched, Truncated = truncated }
            : new SearchResult
            {
                Columns = output.Columns,
                Rows = output.Rows!,
                Scanned = scanned,
                Matched = matched,
                Truncated = truncated,
            };
    }

    private static Output Apply(Output output, PipeStage stage, ref bool truncated)
    {
        switch (stage)
        {
            case HeadStage head:
                return output.Take(head.Count);
            case FieldsStage fields:
                return output.Project(fields.Fields);
            case SortStage sort:
                return output.Sort(sort.Keys);
            case StatsStage stats:
                var aggregator = new StatsAggregator(stats, MaxGroups);
                if (output.Events is { } events)
                {
                    foreach (var e in events)
                    {
                        aggregator.Add(e, static (ev, field) => ev.GetField(field));
                    }
                }
                else
                {
                    var index = output.ColumnIndex();
                    foreach (var row in output.Rows!)
                    {
                        aggregator.Add(row, (r, field) => index.TryGetValue(field, out var c) ? r[c] : null);
                    }
                }

                truncated |= aggregator.Capped;
                var (columns, rows) = aggregator.ToTable();
                return Output.Table(columns, rows);
            default:
                throw new ArgumentException($"unsupported pipe stage {stage.GetType().Name}", nameof(stage));
        }
    }

    /// <summary>The intermediate result between stages: events, or a table.</summary>
    private sealed class Output
    {
        private Output(List<EventRecord>? events, List<string> columns, List<object?[]>? rows)
        {
            Events = events;
            Columns = columns;
            Rows = rows;
        }

        public List<EventRecord>? Events { get; }

        public List<string> Columns { get; }

        public List<object?[]>? Rows { get; }

        public int Count => Events?.Count ?? Rows!.Count;

        public static Output FromEvents(List<EventRecord> events) => new(events, [], null);

        public static Output Table(List<string> columns, List<object?[]> rows) => new(null, columns, rows);

        public Dictionary<string, int> ColumnIndex()
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < Columns.Count; i++)
            {
                index.TryAdd(Columns[i], i);
            }

            return index;
        }

        public Output Take(int count)
        {
            if (Count <= count)
            {
                return this;
            }

            return Events is { } events ? FromEvents(events.GetRange(0, count)) : Table(Columns, Rows!.GetRange(0, count));
        }

        public Output Project(IReadOnlyList<string> fields)
        {
            if (Events is { } events)
            {
                var getters = fields.Select(QueryEvaluator.Accessor).ToArray();
                var rows = events.Select(e => getters.Select(g => g(e)).ToArray()).ToList();
                return Table([.. fields], rows);
            }

            var index = ColumnIndex();
            var projected = Rows!
                .Select(row => fields.Select(f => index.TryGetValue(f, out var c) ? row[c] : null).ToArray())
                .ToList();
            return Table([.. fields], projected);
        }

        public Output Sort(IReadOnlyList<SortKey> keys)
        {
            if (Events is { } events)
            {
                var getters = keys.Select(k => QueryEvaluator.Accessor(k.Field)).ToArray();
                var keyed = events.Select(e => (Event: e, Keys: getters.Select(g => g(e)).ToArray())).ToList();
                return FromEvents([.. SortByKeys(keyed, k => k.Keys, keys).Select(k => k.Event)]);
            }

            var index = ColumnIndex();
            var columns = keys.Select(k => index.TryGetValue(k.Field, out var c) ? c : -1).ToArray();
            var keyedRows = Rows!.Select(r => (Row: r, Keys: columns.Select(c => c < 0 ? null : r[c]).ToArray())).ToList();
            return Table(Columns, [.. SortByKeys(keyedRows, k => k.Keys, keys).Select(k => k.Row)]);
        }

        /// <summary>A stable sort, so equal keys keep the newest-first order of the scan.</summary>
        private static IEnumerable<T> SortByKeys<T>(List<T> items, Func<T, object?[]> keysOf, IReadOnlyList<SortKey> keys) =>
            items.Order(Comparer<T>.Create((x, y) =>
            {
                var kx = keysOf(x);
                var ky = keysOf(y);
                for (var i = 0; i < keys.Count; i++)
                {
                    var missingX = ValueOrder.IsMissing(kx[i]);
                    var missingY = ValueOrder.IsMissing(ky[i]);
                    int c;
                    if (missingX || missingY)
                    {
                        c = missingX.CompareTo(missingY);
                    }
                    else
                    {
                        c = ValueOrder.Compare(kx[i], ky[i]);
                        if (keys[i].Descending)
                        {
                            c = -c;
                        }
                    }

                    if (c != 0)
                    {
                        return c;
                    }
                }

                return 0;
            }));
    }
}

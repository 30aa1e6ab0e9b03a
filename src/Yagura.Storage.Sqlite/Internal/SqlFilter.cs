using System.Globalization;
using System.Text;

using Microsoft.Data.Sqlite;

using Yagura.Core.Events;
using Yagura.Core.Search;

namespace Yagura.Storage.Sqlite.Internal;

/// <summary>
/// Translates a query filter into SQL over one partition that selects a SUPERSET of the matching events.
/// </summary>
/// <remarks>
/// Every node becomes a pair: <c>Matches</c>, true for every event the node matches, and <c>Fails</c>, true for every
/// event it does not match; null stands for "no constraint" (TRUE). NOT swaps the pair, AND and OR combine the
/// sides by De Morgan, so a NOT over an inexact child (whose <c>Fails</c> is unknown) simply pushes nothing down.
/// Only AND and OR join the pieces and every NOT inside a leaf is wrapped in <c>coalesce(…, 0)</c>, so SQL NULLs act
/// as false in a monotone formula and can never turn a real match into a dropped row.
/// </remarks>
internal sealed class SqlFilter
{
    private static readonly TimeSpan UnzonedSlack = TimeSpan.FromDays(1);
    private static readonly TimeSpan NowSlack = TimeSpan.FromHours(1);

    private const int MaxLiteralRanges = 64;

    private readonly FullTextIndex _fullText;
    private readonly DateTimeOffset _now;
    private readonly SqliteConnection? _connection;
    private readonly FieldNameMap? _names;
    private readonly SqliteTransaction? _transaction;

    /// <param name="fullText">The partition's free-text index.</param>
    /// <param name="now">The time relative bounds (<c>now-15m</c>) are read against.</param>
    /// <param name="connection">The partition's connection: the Bloom filters are consulted while translating.</param>
    /// <param name="names">The partition's field names when its <c>fields</c> are binary (format 2); null for JSON.</param>
    /// <param name="transaction">The read transaction open on <paramref name="connection"/>, if any.</param>
    public SqlFilter(FullTextIndex fullText, DateTimeOffset now, SqliteConnection? connection = null, FieldNameMap? names = null, SqliteTransaction? transaction = null)
    {
        _transaction = transaction;
        _fullText = fullText;
        _now = now;
        _connection = connection;
        _names = names;
    }

    public List<object> Parameters { get; } = [];

    /// <summary>The WHERE condition (superset of the matches), or null when nothing could be pushed down.</summary>
    public string? Where(QueryNode filter) => Translate(filter).Matches;

    private readonly record struct Sql(string? Matches, string? Fails);

    private Sql Translate(QueryNode node) => node switch
    {
        MatchAllNode => new Sql(null, "0"),
        AndNode and => TranslateAnd(and.Children),
        OrNode or => TranslateOr(or.Children),
        NotNode not => Swap(Translate(not.Child)),
        FieldTermNode term => Term(term),
        FieldExistsNode exists => Exists(exists.Field),
        FieldRangeNode range => Range(range),
        FieldCidrNode cidr => Present(cidr.Field),
        FreeTextNode text => new Sql(FullText(text.Text, text.HasWildcard), null),
        _ => default,
    };

    private static Sql Swap(Sql sql) => new(sql.Fails, sql.Matches);

    private Sql TranslateAnd(IReadOnlyList<QueryNode> children)
    {
        var parts = children.Select(Translate).ToList();
        return new Sql(All(parts.Select(p => p.Matches)), Any(parts.Select(p => p.Fails)));
    }

    private Sql TranslateOr(IReadOnlyList<QueryNode> children)
    {
        var parts = children.Select(Translate).ToList();
        return new Sql(Any(parts.Select(p => p.Matches)), All(parts.Select(p => p.Fails)));
    }

    /// <summary>Conjunction; null (TRUE) parts are left out.</summary>
    private static string? All(IEnumerable<string?> parts)
    {
        var known = parts.Where(p => p is not null).ToList();
        return known.Count switch
        {
            0 => null,
            1 => known[0],
            _ => "(" + string.Join(" AND ", known) + ")",
        };
    }

    /// <summary>Disjunction; one null (TRUE) part makes it all TRUE.</summary>
    private static string? Any(IEnumerable<string?> parts)
    {
        var list = parts.ToList();
        if (list.Count == 0)
        {
            return "0";
        }

        return list.Any(p => p is null) ? null : list.Count == 1 ? list[0] : "(" + string.Join(" OR ", list) + ")";
    }

    private string Param(object value)
    {
        Parameters.Add(value);
        return "$p" + (Parameters.Count - 1).ToString(CultureInfo.InvariantCulture);
    }

    private Sql Term(FieldTermNode term)
    {
        switch (term.Field)
        {
            case FieldNames.Message or FieldNames.EventOriginal:
                return new Sql(FullText(term.Value, term.HasWildcard), null);
            case FieldNames.ErrorMessage:
                return new Sql("error IS NOT NULL", null);
            case FieldNames.EventId:
                if (!term.HasWildcard && TryNumber(term.Value, out var id))
                {
                    var p = Param(id);
                    return new Sql($"id = {p}", $"id <> {p}");
                }

                return default;
            case FieldNames.Timestamp or FieldNames.EventCreated or FieldNames.TenantId:
                return default;
        }

        var column = Schema.ColumnIndex(term.Field);
        if (column < 0)
        {
            return new Sql(JsonKeyPresent(term.Field), null);
        }

        var name = Schema.Columns[column].Column;
        if (term.HasWildcard)
        {
            // LIKE folds ASCII only; a non-ASCII value (more bytes than characters) may still match a pattern under
            // another case-insensitive comparison (Kelvin sign and k, for one), so it stays a candidate.
            var pattern = Param(LikePattern(term.Value.ToUpperInvariant()));
            return new Sql(
                $"({name} LIKE {pattern} ESCAPE '\\' OR {name} = {Schema.Other}"
                    + $" OR (typeof({name}) = 'text' AND length(CAST({name} AS BLOB)) <> length({name})))",
                null);
        }

        // Stored text is ASCII as is or upper-cased invariantly, so NOCASE against the upper-cased value is
        // ordinal-ignore-case equality. A number matches a stored long numerically.
        var text = Param(term.Value.ToUpperInvariant());
        if (TryNumber(term.Value, out var number))
        {
            var num = Param(number);

            // Also strings that read as the same number, in case the evaluator compares those numerically too.
            return new Sql(
                $"({name} IN ({text}, {num}, {Schema.Other}) OR (typeof({name}) = 'text' AND CAST({name} AS REAL) = {num}))",
                null);
        }

        // Non-numeric: only text can match, and the blocks' filters hold every text (list elements too) of the column.
        var matches = $"{name} IN ({text}, {Schema.Other})";
        if (_fullText == FullTextIndex.BlockBloom && _connection is not null)
        {
            matches = All([BloomRanges([TokenBloom.HashColumnValue(column, term.Value.ToUpperInvariant())]), matches]);
        }

        return new Sql(matches, $"NOT coalesce({name} = {text}, 0)");
    }

    private Sql Exists(string field)
    {
        switch (field)
        {
            case FieldNames.Message:
                return new Sql("message IS NOT NULL", null);
            case FieldNames.ErrorMessage:
                return new Sql("error IS NOT NULL", null);
            case FieldNames.Timestamp or FieldNames.EventCreated or FieldNames.TenantId or FieldNames.EventOriginal
                or FieldNames.EventId:
                return default;
        }

        var column = Schema.ColumnIndex(field);
        if (column < 0)
        {
            return new Sql(JsonKeyPresent(field), null);
        }

        var name = Schema.Columns[column].Column;
        return new Sql($"{name} IS NOT NULL", $"({name} IS NULL OR {name} = {Schema.Other})");
    }

    /// <summary>Any condition on a field implies it is present.</summary>
    private Sql Present(string field)
    {
        var column = Schema.ColumnIndex(field);
        if (column >= 0)
        {
            return new Sql($"{Schema.Columns[column].Column} IS NOT NULL", null);
        }

        return field is FieldNames.Timestamp or FieldNames.EventCreated or FieldNames.TenantId or FieldNames.EventOriginal
            or FieldNames.EventId or FieldNames.Message or FieldNames.ErrorMessage
            ? default
            : new Sql(JsonKeyPresent(field), null);
    }

    private Sql Range(FieldRangeNode range)
    {
        var column = range.Field switch
        {
            FieldNames.Timestamp => "ts",
            FieldNames.EventCreated => "received",
            _ => null,
        };
        if (column is null)
        {
            return Present(range.Field);
        }

        // Bounds are widened (see TryTime) and always inclusive: the evaluator re-checks exactly; this only narrows.
        var parts = new List<string>();
        if (range.Lower is { } lower && TryTime(lower.Value, out var from, out var slack))
        {
            parts.Add($"{column} >= {Param((from - slack).UtcTicks)}");
        }

        if (range.Upper is { } upper && TryTime(upper.Value, out var to, out slack))
        {
            parts.Add($"{column} <= {Param((to + slack).UtcTicks)}");
        }

        return new Sql(All(parts), null);
    }

    /// <summary>
    /// Reads a time bound. <paramref name="slack"/> covers how the evaluator might read it differently: a time without
    /// an offset (or a date alone, perhaps meaning its whole day) in another zone, or "now" taken a little later.
    /// </summary>
    private bool TryTime(string value, out DateTimeOffset time, out TimeSpan slack)
    {
        time = default;
        slack = UnzonedSlack;
        var span = value.AsSpan().Trim();
        if (span.StartsWith("now", StringComparison.OrdinalIgnoreCase))
        {
            var rest = span[3..];
            slack = NowSlack;
            if (rest.IsEmpty)
            {
                time = _now;
                return true;
            }

            if (rest.Length < 3 || rest[0] is not ('+' or '-')
                || !long.TryParse(rest[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
                || amount > 100_000)
            {
                return false;
            }

            TimeSpan unit = char.ToLowerInvariant(rest[^1]) switch
            {
                's' => TimeSpan.FromSeconds(1),
                'm' => TimeSpan.FromMinutes(1),
                'h' => TimeSpan.FromHours(1),
                'd' => TimeSpan.FromDays(1),
                'w' => TimeSpan.FromDays(7),
                _ => TimeSpan.Zero,
            };
            if (unit == TimeSpan.Zero)
            {
                return false;
            }

            time = rest[0] == '-' ? _now - (unit * amount) : _now + (unit * amount);
            return true;
        }

        // A bare number is not a time here (epoch seconds or millis: leave it to the evaluator).
        if (double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            return false;
        }

        if (!DateTimeOffset.TryParse(span, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time)
            || time.Year is <= 1 or >= 9999)
        {
            return false;
        }

        if (DateTime.TryParse(span, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
            && parsed.Kind != DateTimeKind.Unspecified)
        {
            slack = TimeSpan.Zero;
        }

        return true;
    }

    /// <summary>
    /// Cheap narrowing for fields without a column: the name as a JSON key in <c>fields</c> (format 1), or the bytes
    /// of its number (format 2; no event at all when no event of the partition has the field).
    /// </summary>
    private string? JsonKeyPresent(string field)
    {
        if (_names is not null)
        {
            return _names.IdOf(field) is { } id ? $"instr(fields, {Param(FieldCodec.NameBytes(id))}) > 0" : "0";
        }

        foreach (var c in field)
        {
            if (c is < ' ' or > '~' or '"' or '\\')
            {
                return null;
            }
        }

        return $"instr(fields, {Param("\"" + field + "\":")}) > 0";
    }

    private static bool TryNumber(string value, out double number) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number);

    private static string LikePattern(string wildcard)
    {
        var sb = new StringBuilder(wildcard.Length + 4);
        foreach (var c in wildcard)
        {
            switch (c)
            {
                case '%' or '_' or '\\':
                    sb.Append('\\').Append(c);
                    break;

                // '?' is one UTF-16 unit for the evaluator but one code point for LIKE: '%' is a safe superset.
                case '*' or '?':
                    sb.Append('%');
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// An FTS5 condition for a free-text term, or null when the index cannot answer it safely (substring scripts,
    /// wildcards other than a trailing <c>*</c>, characters whose tokenisation or case folding might differ).
    /// Phrases become an AND of their tokens: a superset that also works with <c>detail=none</c>.
    /// </summary>
    private string? FullText(string text, bool hasWildcard) => _fullText switch
    {
        FullTextIndex.Fts5 => Fts5(text, hasWildcard),
        FullTextIndex.BlockBloom when _connection is not null => Bloom(text, hasWildcard),
        _ => null,
    };

    /// <summary>
    /// Narrows a free-text term to the id ranges of the blocks whose Bloom filter may hold all its tokens (a phrase
    /// needs all of its tokens in the same event, so in the same block). Prefix and other wildcard terms and
    /// substring scripts are not narrowed.
    /// </summary>
    private string? Bloom(string text, bool hasWildcard)
    {
        if (hasWildcard || TextTokens.NeedsSubstringMatch(text))
        {
            return null;
        }

        var tokens = TextTokens.Split(text);
        if (tokens.Count == 0)
        {
            return null;
        }

        return BloomRanges(TokenBloom.Keys(tokens));
    }

    /// <summary>The id ranges of the blocks whose filter may hold all the keys; null when not worth narrowing.</summary>
    private string? BloomRanges(List<ulong> keys)
    {
        var hashes = new byte[keys.Count * 8];
        for (var i = 0; i < keys.Count; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(hashes.AsSpan(i * 8), keys[i]);
        }

        using var command = _connection!.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = "SELECT id_min, id_max, yg_bloom(bloom, $h) FROM blocks ORDER BY id_min";
        command.Parameters.AddWithValue("$h", hashes);
        var ranges = new List<(long Min, long Max)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (!reader.GetBoolean(2))
                {
                    continue;
                }

                var (min, max) = (reader.GetInt64(0), reader.GetInt64(1));
                if (ranges.Count > 0 && min <= ranges[^1].Max + 1)
                {
                    ranges[^1] = (ranges[^1].Min, Math.Max(ranges[^1].Max, max));
                }
                else
                {
                    ranges.Add((min, max));
                }
            }
        }

        if (ranges.Count == 0)
        {
            return "0";
        }

        if (ranges.Count > MaxLiteralRanges)
        {
            // Many scattered blocks: a common word, where narrowing would not pay for itself.
            return null;
        }

        return "(" + string.Join(" OR ", ranges.Select(r => $"id BETWEEN {Param(r.Min)} AND {Param(r.Max)}")) + ")";
    }

    private string? Fts5(string text, bool hasWildcard)
    {
        if (TextTokens.NeedsSubstringMatch(text))
        {
            return null;
        }

        var prefix = false;
        var body = text.AsSpan();
        if (hasWildcard)
        {
            var trimmed = body.TrimEnd('*');
            if (trimmed.Length == body.Length || trimmed.IndexOfAny('*', '?') >= 0
                || trimmed.IsEmpty || !TextTokens.IsTokenChar(trimmed[^1]))
            {
                return null;
            }

            body = trimmed;
            prefix = true;
        }

        var tokens = TextTokens.Split(body);
        if (tokens.Count == 0 || !tokens.All(IsSafeToken))
        {
            return null;
        }

        var query = new StringBuilder();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (i > 0)
            {
                query.Append(' ');
            }

            query.Append('"').Append(tokens[i]).Append('"');
            if (prefix && i == tokens.Count - 1)
            {
                query.Append('*');
            }
        }

        return $"id IN (SELECT rowid FROM fts WHERE fts MATCH {Param(query.ToString())})";
    }

    /// <summary>
    /// Characters on which SQLite's unicode61 tokenizer (Unicode 6.1 tables, its own case folding) surely agrees with
    /// <see cref="TextTokens"/>: ASCII letters and digits, Latin-1 and Latin Extended letters, Greek and Cyrillic.
    /// </summary>
    private static bool IsSafeToken(string token)
    {
        foreach (var c in token)
        {
            var safe = char.IsAsciiLetterOrDigit(c)
                || (c is (>= '\u00C0' and <= '\u024F') or (>= '\u0370' and <= '\u04FF')
                    && c is not ('\u0130' or '\u0131' or '\u017F') && char.IsLetter(c));
            if (!safe)
            {
                return false;
            }
        }

        return true;
    }
}

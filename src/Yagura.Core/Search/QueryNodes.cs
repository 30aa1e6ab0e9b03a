using System.Net;

namespace Yagura.Core.Search;

/// <summary>A parsed search: a filter over events, then zero or more pipe stages.</summary>
public sealed record SearchQuery(QueryNode Filter, IReadOnlyList<PipeStage> Pipes)
{
    public static SearchQuery MatchAll { get; } = new(QueryNode.All, []);
}

/// <summary>A node of the filter expression.</summary>
public abstract record QueryNode
{
    public static QueryNode All { get; } = new MatchAllNode();
}

/// <summary>The empty query: every event.</summary>
public sealed record MatchAllNode : QueryNode;

public sealed record AndNode(IReadOnlyList<QueryNode> Children) : QueryNode;

public sealed record OrNode(IReadOnlyList<QueryNode> Children) : QueryNode;

public sealed record NotNode(QueryNode Child) : QueryNode;

/// <summary>
/// <c>field:value</c>, <c>field:"quoted phrase"</c> or <c>field:val*ue?</c>. Matching is case-insensitive;
/// an unquoted value with <c>*</c> or <c>?</c> is a wildcard pattern (<see cref="HasWildcard"/>).
/// </summary>
/// <remarks>
/// When <see cref="HasWildcard"/> is false, <see cref="Value"/> is the literal value (escapes resolved). When it is
/// true, <see cref="Value"/> is a glob in which <c>*</c> and <c>?</c> are wildcards and a backslash makes the next
/// character literal: the query <c>path:C\:\\Windows\\*</c> gives the glob <c>C:\\Windows\\*</c>, meaning
/// the literal <c>C:\Windows\</c> followed by anything. A backslash only ever appears in the glob before
/// <c>*</c>, <c>?</c> or <c>\</c>.
/// </remarks>
public sealed record FieldTermNode(string Field, string Value, bool HasWildcard) : QueryNode;

/// <summary><c>field:*</c>: the field is present.</summary>
public sealed record FieldExistsNode(string Field) : QueryNode;

/// <summary>
/// <c>field:[a TO b]</c>, <c>field:{a TO b}</c>, <c>field&gt;=a</c> … Bounds are numbers or times (ISO 8601,
/// or relative like <c>now-15m</c>) kept as written; a null bound is open.
/// </summary>
public sealed record FieldRangeNode(string Field, RangeBound? Lower, RangeBound? Upper) : QueryNode;

public sealed record RangeBound(string Value, bool Inclusive);

/// <summary><c>field:10.0.0.0/8</c> or <c>field:2001:db8::/32</c>.</summary>
public sealed record FieldCidrNode(string Field, IPNetwork Network) : QueryNode;

/// <summary>Free text over the message and the raw event: a word, a wildcard word, or a quoted phrase.</summary>
/// <remarks><see cref="Text"/> follows the same literal / glob convention as <see cref="FieldTermNode.Value"/>.</remarks>
public sealed record FreeTextNode(string Text, bool IsPhrase, bool HasWildcard) : QueryNode;

/// <summary>A stage after a pipe.</summary>
public abstract record PipeStage;

/// <summary><c>| stats count() by f1, f2</c> (also <c>count(f)</c>, <c>dc(f)</c>, <c>sum(f)</c>, <c>avg(f)</c>, <c>min(f)</c>, <c>max(f)</c>).</summary>
public sealed record StatsStage(IReadOnlyList<Aggregation> Aggregations, IReadOnlyList<string> By) : PipeStage;

/// <summary>One aggregation; <see cref="Name"/> is the output column (e.g. <c>count()</c> or an <c>as</c> alias).</summary>
public sealed record Aggregation(string Function, string? Field, string Name);

/// <summary><c>| sort f1 [desc], f2 [asc]</c>.</summary>
public sealed record SortStage(IReadOnlyList<SortKey> Keys) : PipeStage;

public sealed record SortKey(string Field, bool Descending);

/// <summary><c>| head N</c>.</summary>
public sealed record HeadStage(int Count) : PipeStage;

/// <summary><c>| fields f1, f2</c>.</summary>
public sealed record FieldsStage(IReadOnlyList<string> Fields) : PipeStage;

/// <summary>
/// A query that does not parse. <see cref="Position"/> is the 0-based offset of the offending character (always
/// inside <see cref="Query"/>); <see cref="Reason"/> is the message without the position, and
/// <see cref="Exception.Message"/> reads like <c>unexpected ')' at position 14</c>.
/// </summary>
public sealed class QuerySyntaxException(string message, int position, string query)
    : Exception($"{message} at position {position}")
{
    public int Position { get; } = position;

    public string Query { get; } = query;

    public string Reason { get; } = message;

    /// <summary>The query with a caret under the offending character, for terminals.</summary>
    public string Caret => $"{Query}\n{new string(' ', Math.Min(Position, Query.Length))}^";
}

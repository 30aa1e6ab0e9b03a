using Yagura.Core.Search;

namespace Yagura.Core.Tests.Search;

/// <summary>Renders a parsed query compactly, so parser tests can compare whole trees in one string.</summary>
internal static class QueryAst
{
    public static string Print(SearchQuery query)
    {
        var filter = Print(query.Filter);
        return query.Pipes.Count == 0 ? filter : filter + string.Concat(query.Pipes.Select(p => " | " + Print(p)));
    }

    public static string Print(QueryNode node) => node switch
    {
        MatchAllNode => "all",
        AndNode and => $"(and {string.Join(' ', and.Children.Select(Print))})",
        OrNode or => $"(or {string.Join(' ', or.Children.Select(Print))})",
        NotNode not => $"(not {Print(not.Child)})",
        FieldTermNode { HasWildcard: true } t => $"glob({t.Field},{t.Value})",
        FieldTermNode t => $"term({t.Field},{t.Value})",
        FieldExistsNode e => $"exists({e.Field})",
        FieldRangeNode r => $"range({r.Field},{(r.Lower?.Inclusive ?? false ? "[" : "{")}{r.Lower?.Value ?? "*"},{r.Upper?.Value ?? "*"}{(r.Upper?.Inclusive ?? false ? "]" : "}")})",
        FieldCidrNode c => $"cidr({c.Field},{c.Network})",
        FreeTextNode { IsPhrase: true } f => $"phrase({f.Text})",
        FreeTextNode { HasWildcard: true } f => $"textglob({f.Text})",
        FreeTextNode f => $"text({f.Text})",
        _ => node.GetType().Name,
    };

    private static string Print(PipeStage stage) => stage switch
    {
        StatsStage s => $"stats {string.Join(", ", s.Aggregations.Select(a => $"{a.Function}/{a.Field ?? "-"}/{a.Name}"))}"
            + (s.By.Count > 0 ? $" by {string.Join(", ", s.By)}" : ""),
        SortStage s => $"sort {string.Join(", ", s.Keys.Select(k => k.Field + (k.Descending ? " desc" : " asc")))}",
        HeadStage h => $"head {h.Count}",
        FieldsStage f => $"fields {string.Join(", ", f.Fields)}",
        _ => stage.GetType().Name,
    };
}

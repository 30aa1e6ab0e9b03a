using System.Text.RegularExpressions;

namespace Yagura.Detection.Sigma.Internal;

/// <summary>
/// Parses a Sigma condition (<c>selection and not 1 of filter_*</c>) against the rule's search identifiers and builds
/// the node tree. Precedence from loosest: <c>or</c>, <c>and</c>, <c>not</c>, <c>x of</c>, parentheses.
/// </summary>
internal sealed partial class ConditionParser
{
    private readonly string _text;
    private readonly IReadOnlyDictionary<string, Node> _identifiers;
    private readonly List<(string Text, int Position)> _tokens;
    private int _next;

    private ConditionParser(string text, IReadOnlyDictionary<string, Node> identifiers)
    {
        _text = text;
        _identifiers = identifiers;
        _tokens = [.. Tokenize(text)];
    }

    /// <exception cref="SigmaRuleException">The condition is malformed or names an unknown identifier.</exception>
    public static Node Parse(string condition, IReadOnlyDictionary<string, Node> identifiers)
    {
        var parser = new ConditionParser(condition, identifiers);
        if (parser._tokens.Count == 0)
        {
            throw new SigmaRuleException("the condition is empty");
        }

        var node = parser.ParseOr();
        if (parser._next < parser._tokens.Count && parser._tokens[parser._next].Text == "|")
        {
            throw Aggregation();
        }

        if (parser._next < parser._tokens.Count)
        {
            throw parser.Error($"unexpected '{parser._tokens[parser._next].Text}'");
        }

        return node;
    }

    private Node ParseOr()
    {
        var nodes = new List<Node> { ParseAnd() };
        while (Accept("or"))
        {
            nodes.Add(ParseAnd());
        }

        return nodes.Count == 1 ? nodes[0] : new OrNode([.. nodes]);
    }

    private Node ParseAnd()
    {
        var nodes = new List<Node> { ParseNot() };
        while (Accept("and"))
        {
            nodes.Add(ParseNot());
        }

        return nodes.Count == 1 ? nodes[0] : new AndNode([.. nodes]);
    }

    private Node ParseNot() => Accept("not") ? new NotNode(ParseNot()) : ParsePrimary();

    private Node ParsePrimary()
    {
        if (_next >= _tokens.Count)
        {
            throw Error("the condition ends where an identifier or '(' was expected");
        }

        var (token, _) = _tokens[_next];
        if (token == "(")
        {
            _next++;
            var inner = ParseOr();
            if (!Accept(")"))
            {
                throw Error("missing ')'");
            }

            return inner;
        }

        if (token == "|")
        {
            throw Aggregation();
        }

        if (_next + 1 < _tokens.Count && _tokens[_next + 1].Text.Equals("of", StringComparison.OrdinalIgnoreCase))
        {
            return ParseOf(token);
        }

        if (IsKeyword(token))
        {
            throw Error($"'{token}' where an identifier was expected");
        }

        _next++;
        return _identifiers.TryGetValue(token, out var node) ? node : throw Error($"unknown search identifier '{token}'");
    }

    private Node ParseOf(string quantifier)
    {
        var all = quantifier.Equals("all", StringComparison.OrdinalIgnoreCase);
        if (!all && quantifier != "1" && !quantifier.Equals("any", StringComparison.OrdinalIgnoreCase))
        {
            throw Error($"'{quantifier} of' is not Sigma: use '1 of' or 'all of'");
        }

        _next += 2;
        if (_next >= _tokens.Count)
        {
            throw Error("'of' must be followed by 'them' or an identifier pattern");
        }

        var target = _tokens[_next++].Text;
        Node[] matched;
        if (target.Equals("them", StringComparison.OrdinalIgnoreCase))
        {
            matched = [.. _identifiers.Where(i => !i.Key.StartsWith('_')).Select(i => i.Value)];
        }
        else
        {
            var pattern = new Regex("^" + Regex.Escape(target).Replace(@"\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);
            matched = [.. _identifiers.Where(i => pattern.IsMatch(i.Key)).Select(i => i.Value)];
            if (matched.Length == 0)
            {
                _next--;
                throw Error($"no search identifier matches '{target}'");
            }
        }

        return matched.Length == 1 ? matched[0] : all ? new AndNode(matched) : new OrNode(matched);
    }

    private static SigmaUnsupportedException Aggregation() =>
        new("aggregation expressions in the condition ('| count() …') are Sigma 1 syntax; write a correlation rule instead");

    private bool Accept(string keyword)
    {
        if (_next < _tokens.Count && _tokens[_next].Text.Equals(keyword, StringComparison.OrdinalIgnoreCase))
        {
            _next++;
            return true;
        }

        return false;
    }

    private static bool IsKeyword(string token) => token.ToLowerInvariant() is "and" or "or" or "not" or "of" or ")";

    private SigmaRuleException Error(string message)
    {
        var position = _next < _tokens.Count ? _tokens[_next].Position : _text.Length;
        return new SigmaRuleException($"condition '{_text}': {message} (at character {position + 1})");
    }

    private static IEnumerable<(string, int)> Tokenize(string text)
    {
        foreach (Match m in TokenPattern().Matches(text))
        {
            yield return (m.Value, m.Index);
        }
    }

    [GeneratedRegex(@"[()|]|[^\s()|]+", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();
}

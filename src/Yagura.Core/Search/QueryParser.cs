using Yagura.Core.Search.Internal;

namespace Yagura.Core.Search;

/// <summary>
/// Parses the search language (see <c>docs/query.md</c>): a filter of terms joined by <c>AND</c>, <c>OR</c>,
/// <c>NOT</c> (precedence NOT &gt; AND &gt; OR, adjacent terms are ANDed), then pipe stages.
/// </summary>
public static class QueryParser
{
    /// <summary>Parses <paramref name="query"/>; an empty or blank query matches every event.</summary>
    /// <exception cref="QuerySyntaxException">The query does not parse; the exception carries the position.</exception>
    public static SearchQuery Parse(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return new Parser(query).ParseQuery();
    }

    private sealed class Parser(string query)
    {
        private static readonly string[] PipeCommands = ["stats", "sort", "head", "fields"];
        private static readonly string[] Functions = ["count", "dc", "sum", "avg", "min", "max"];

        // Deep enough for any query a person writes; shallow enough that a hostile "((((…" cannot overflow the stack
        // of the parser, the evaluator compiler or anything else that walks the tree recursively.
        private const int MaxDepth = 100;

        private readonly QueryLexer _lexer = new(query);
        private Token? _peeked;
        private int _depth;

        public SearchQuery ParseQuery()
        {
            var first = Peek(null);
            QueryNode filter = QueryNode.All;
            if (first.Kind is not (TokenKind.End or TokenKind.Pipe))
            {
                filter = ParseOr(null);
                var rest = Peek(null);
                if (rest.Kind == TokenKind.RParen)
                {
                    throw _lexer.Error("unexpected ')'", rest.Start);
                }
            }

            var pipes = new List<PipeStage>();
            while (true)
            {
                var token = Take(null);
                if (token.Kind == TokenKind.End)
                {
                    break;
                }

                if (token.Kind != TokenKind.Pipe)
                {
                    throw _lexer.Error($"unexpected '{token.Text}'", token.Start);
                }

                pipes.Add(ParsePipe(token.Start));
            }

            return new SearchQuery(filter, pipes);
        }

        private Token Peek(string? groupField)
        {
            _peeked ??= _lexer.Next(detectFields: groupField is null);
            return _peeked.Value;
        }

        private Token Take(string? groupField)
        {
            var token = Peek(groupField);
            _peeked = null;
            return token;
        }

        private QueryNode ParseOr(string? groupField)
        {
            var children = new List<QueryNode> { ParseAnd(groupField, null) };
            while (Peek(groupField).Kind == TokenKind.Or)
            {
                var op = Take(groupField);
                children.Add(ParseAnd(groupField, op));
            }

            return children.Count == 1 ? children[0] : new OrNode(children);
        }

        private QueryNode ParseAnd(string? groupField, Token? after)
        {
            var children = new List<QueryNode> { ParseUnary(groupField, after) };
            while (true)
            {
                var next = Peek(groupField);
                if (next.Kind == TokenKind.And)
                {
                    Take(groupField);
                    children.Add(ParseUnary(groupField, next));
                }
                else if (next.Kind is TokenKind.Word or TokenKind.Quoted or TokenKind.Field or TokenKind.LParen or TokenKind.Not)
                {
                    children.Add(ParseUnary(groupField, null));
                }
                else
                {
                    break;
                }
            }

            return children.Count == 1 ? children[0] : new AndNode(children);
        }

        private QueryNode ParseUnary(string? groupField, Token? after)
        {
            var next = Peek(groupField);
            if (next.Kind == TokenKind.Not)
            {
                Take(groupField);
                Enter(next.Start);
                var child = ParseUnary(groupField, next);
                _depth--;
                return new NotNode(child);
            }

            return ParsePrimary(groupField, after);
        }

        private QueryNode ParsePrimary(string? groupField, Token? after)
        {
            var token = Take(groupField);
            switch (token.Kind)
            {
                case TokenKind.LParen:
                    Enter(token.Start);
                    var inner = ParseOr(groupField);
                    _depth--;
                    if (Peek(groupField).Kind != TokenKind.RParen)
                    {
                        throw _lexer.Error("missing ')' to close the '(' opened", token.Start);
                    }

                    Take(groupField);
                    return inner;
                case TokenKind.Word or TokenKind.Quoted:
                    return groupField is null ? FreeText(token) : FieldValue(groupField, token);
                case TokenKind.Field:
                    return ParseField(token);
                case TokenKind.RParen:
                    throw after is { } op && !string.IsNullOrEmpty(op.Text)
                        ? _lexer.Error($"expected a term after '{op.Text}', found ')'", token.Start)
                        : _lexer.Error("unexpected ')'", token.Start);
                case TokenKind.End or TokenKind.Pipe:
                    if (after is { } before)
                    {
                        throw _lexer.Error($"'{before.Text}' must be followed by a term", before.Start);
                    }

                    throw _lexer.Error(
                        token.Kind == TokenKind.Pipe ? "unexpected '|' where a term was expected" : "the query ends where a term was expected",
                        token.Kind == TokenKind.Pipe ? token.Start : _lexer.Query.Length - 1);
                default:
                    throw after is { } previous
                        ? _lexer.Error($"expected a term after '{previous.Text}', found '{token.Text}'", token.Start)
                        : _lexer.Error($"'{token.Text}' needs a term before it", token.Start);
            }
        }

        private void Enter(int position)
        {
            if (++_depth > MaxDepth)
            {
                throw _lexer.Error($"the query nests parentheses or NOT more than {MaxDepth} deep", position);
            }
        }

        private static FreeTextNode FreeText(Token token) => token.Kind == TokenKind.Quoted
            ? new FreeTextNode(token.Text, IsPhrase: true, HasWildcard: false)
            : token.HasWildcard
                ? new FreeTextNode(token.Glob, IsPhrase: false, HasWildcard: true)
                : new FreeTextNode(token.Text, IsPhrase: false, HasWildcard: false);

        private static QueryNode FieldValue(string field, Token token)
        {
            if (token.Kind == TokenKind.Word && token.HasWildcard && token.Glob == "*")
            {
                return new FieldExistsNode(field);
            }

            if (!token.HasWildcard && QueryValues.TryParseCidr(token.Text, out var network))
            {
                return new FieldCidrNode(field, network);
            }

            return token.Kind == TokenKind.Word && token.HasWildcard
                ? new FieldTermNode(field, token.Glob, HasWildcard: true)
                : new FieldTermNode(field, token.Text, HasWildcard: false);
        }

        private QueryNode ParseField(Token field)
        {
            var name = field.Text;
            switch (field.Operator)
            {
                case FieldOperator.Colon:
                    return ParseColonValue(field);
                case FieldOperator.NotEqual:
                    return new NotNode(ParseColonValue(field));
                default:
                    var value = ReadPlainValue(field);
                    Token? bound = value.HasWildcard && value.Glob == "*" ? null : value;
                    return field.Operator switch
                    {
                        FieldOperator.Greater => MakeRange(name, bound, false, null, false),
                        FieldOperator.GreaterOrEqual => MakeRange(name, bound, true, null, false),
                        FieldOperator.Less => MakeRange(name, null, false, bound, false),
                        _ => MakeRange(name, null, false, bound, true),
                    };
            }
        }

        private QueryNode ParseColonValue(Token field)
        {
            var name = field.Text;
            _lexer.SkipWhitespace();
            if (_lexer.AtEnd || _lexer.Current is ')' or '|')
            {
                throw MissingValue(field);
            }

            switch (_lexer.Current)
            {
                case '(':
                    var open = _lexer.Position;
                    _lexer.Position++;
                    if (Peek(name).Kind == TokenKind.RParen)
                    {
                        throw _lexer.Error($"empty value group after '{name}:'", open);
                    }

                    Enter(open);
                    var group = ParseOr(name);
                    _depth--;
                    if (Peek(name).Kind != TokenKind.RParen)
                    {
                        throw _lexer.Error("missing ')' to close the '(' opened", open);
                    }

                    Take(name);
                    return group;
                case '[' or '{':
                    return ParseRange(name);
                default:
                    var value = _lexer.ReadValue(inRange: false);
                    if (value.Kind == TokenKind.Word && value.Text.Length == 0)
                    {
                        throw MissingValue(field);
                    }

                    return FieldValue(name, value);
            }
        }

        private Token ReadPlainValue(Token field)
        {
            _lexer.SkipWhitespace();
            if (_lexer.AtEnd || _lexer.Current is '(' or ')' or '|')
            {
                throw MissingValue(field);
            }

            var value = _lexer.ReadValue(inRange: false);
            return value.Kind == TokenKind.Word && value.Text.Length == 0 ? throw MissingValue(field) : value;
        }

        private QuerySyntaxException MissingValue(Token field)
        {
            var op = field.Operator switch
            {
                FieldOperator.Colon => ":",
                FieldOperator.Greater => ">",
                FieldOperator.GreaterOrEqual => ">=",
                FieldOperator.Less => "<",
                FieldOperator.LessOrEqual => "<=",
                _ => "!=",
            };
            return _lexer.Error($"missing value after '{field.Text}{op}'", field.Start);
        }

        private QueryNode ParseRange(string name)
        {
            var open = _lexer.Position;
            var lowerInclusive = _lexer.Current == '[';
            _lexer.Position++;
            var lower = ReadBound(open);
            _lexer.SkipWhitespace();
            var toStart = _lexer.Position;
            if (_lexer.AtEnd)
            {
                throw _lexer.Error("the range opened here is not closed", open);
            }

            var to = _lexer.ReadValue(inRange: true);
            if (to.Kind != TokenKind.Word || to.Escaped || to.Text != "TO")
            {
                throw _lexer.Error("expected 'TO' between the bounds of the range", toStart);
            }

            var upper = ReadBound(open);
            if (_lexer.AtEnd)
            {
                throw _lexer.Error("missing ']' or '}' to close the range opened", open);
            }

            if (_lexer.Current is not (']' or '}'))
            {
                throw _lexer.Error("expected ']' or '}' to close the range", _lexer.Position);
            }

            var upperInclusive = _lexer.Current == ']';
            _lexer.Position++;
            return MakeRange(name, lower, lowerInclusive, upper, upperInclusive);
        }

        /// <summary>Reads one bound; null for <c>*</c> (open).</summary>
        private Token? ReadBound(int open)
        {
            if (_lexer.AtEnd)
            {
                throw _lexer.Error("the range opened here is not closed", open);
            }

            var start = _lexer.Position;
            var value = _lexer.ReadValue(inRange: true);
            if (value.Kind == TokenKind.Word && value.Text.Length == 0)
            {
                throw _lexer.Error("missing range bound", start);
            }

            return value.Kind == TokenKind.Word && value.HasWildcard && value.Glob == "*" ? null : value;
        }

        private QueryNode MakeRange(string name, Token? lower, bool lowerInclusive, Token? upper, bool upperInclusive)
        {
            var lowerKind = Classify(name, lower);
            var upperKind = Classify(name, upper);
            if (lowerKind != BoundKind.Open && upperKind != BoundKind.Open && lowerKind != upperKind)
            {
                throw _lexer.Error("a range cannot mix a number and a time", upper!.Value.Start);
            }

            if (lower is null && upper is null)
            {
                // [* TO *] and field>* only ask for the field to be there.
                return new FieldExistsNode(name);
            }

            return new FieldRangeNode(
                name,
                lower is { } l ? new RangeBound(l.Text, lowerInclusive) : null,
                upper is { } u ? new RangeBound(u.Text, upperInclusive) : null);
        }

        private BoundKind Classify(string field, Token? bound)
        {
            if (bound is not { } token)
            {
                return BoundKind.Open;
            }

            var isTimeField = QueryValues.IsTimeField(field);
            if (!isTimeField && QueryValues.TryParseNumber(token.Text, out _))
            {
                return BoundKind.Number;
            }

            if (QueryValues.IsTimeSyntax(token.Text))
            {
                return BoundKind.Time;
            }

            throw isTimeField
                ? _lexer.Error($"'{field}' compares as time and '{token.Text}' is not a time (e.g. 2024-05-01, 2024-05-01T10:00:00Z, now-15m)", token.Start)
                : _lexer.Error($"range bound '{token.Text}' is neither a number nor a time (e.g. 42, 2024-05-01, now-15m)", token.Start);
        }

        private PipeStage ParsePipe(int pipeStart)
        {
            _lexer.SkipWhitespace();
            var commandStart = _lexer.Position;
            var command = _lexer.ReadName(allowCall: false)
                ?? throw _lexer.Error("expected a pipe command after '|' (stats, sort, head, fields)", pipeStart);
            var lower = command.ToLowerInvariant();
            PipeStage stage = lower switch
            {
                "stats" => ParseStats(commandStart),
                "sort" => ParseSort(commandStart),
                "head" => ParseHead(commandStart),
                "fields" => new FieldsStage(ReadNameList("fields", commandStart, allowCall: true)),
                _ => throw _lexer.Error($"unknown pipe command '{command}' (expected {string.Join(", ", PipeCommands)})", commandStart),
            };
            if (!_lexer.AtEnd && _lexer.Current != '|')
            {
                throw _lexer.Error($"unexpected {_lexer.Describe(_lexer.Position)} in the '{lower}' command", _lexer.Position);
            }

            return stage;
        }

        private StatsStage ParseStats(int commandStart)
        {
            var aggregations = new List<Aggregation>();
            while (true)
            {
                _lexer.SkipWhitespace();
                var start = _lexer.Position;
                var function = _lexer.ReadName(allowCall: false);
                if (function is null)
                {
                    throw _lexer.Error(
                        aggregations.Count == 0 ? "'stats' needs an aggregation such as count()" : "expected an aggregation after ','",
                        _lexer.AtEnd ? commandStart : _lexer.Position);
                }

                if (aggregations.Count == 0 && function.Equals("by", StringComparison.OrdinalIgnoreCase))
                {
                    throw _lexer.Error("'stats' needs an aggregation such as count() before 'by'", start);
                }

                var lower = function.ToLowerInvariant();
                if (Array.IndexOf(Functions, lower) < 0)
                {
                    throw _lexer.Error($"unknown function '{function}' (expected {string.Join(", ", Functions)})", start);
                }

                if (!_lexer.TryConsume('('))
                {
                    throw _lexer.Error($"expected '(' after '{function}', e.g. {lower}()", _lexer.AtEnd ? start : _lexer.Position);
                }

                var field = _lexer.ReadName(allowCall: false);
                if (!_lexer.TryConsume(')'))
                {
                    throw _lexer.Error($"missing ')' to close '{function}('", _lexer.AtEnd ? start : _lexer.Position);
                }

                if (field is null && lower != "count")
                {
                    throw _lexer.Error($"'{lower}' needs a field, e.g. {lower}(source.bytes)", start);
                }

                var name = $"{lower}({field})";
                var save = _lexer.Position;
                _lexer.SkipWhitespace();
                var asStart = _lexer.Position;
                var word = _lexer.ReadName(allowCall: false);
                if (word is not null && word.Equals("as", StringComparison.OrdinalIgnoreCase))
                {
                    name = _lexer.ReadName(allowCall: false) ?? throw _lexer.Error("'as' needs a column name", asStart);
                }
                else
                {
                    _lexer.Position = save;
                }

                aggregations.Add(new Aggregation(lower, field, name));
                if (!_lexer.TryConsume(','))
                {
                    break;
                }
            }

            var beforeBy = _lexer.Position;
            _lexer.SkipWhitespace();
            var byStart = _lexer.Position;
            var by = _lexer.ReadName(allowCall: false);
            if (by is not null && by.Equals("by", StringComparison.OrdinalIgnoreCase))
            {
                return new StatsStage(aggregations, ReadNameList("by", byStart, allowCall: false));
            }

            _lexer.Position = beforeBy;
            return new StatsStage(aggregations, []);
        }

        private SortStage ParseSort(int commandStart)
        {
            var keys = new List<SortKey>();
            do
            {
                _lexer.SkipWhitespace();
                var field = _lexer.ReadName(allowCall: true)
                    ?? throw _lexer.Error(
                        keys.Count == 0 ? "'sort' needs a field, e.g. sort @timestamp desc" : "expected a field after ','",
                        _lexer.AtEnd ? commandStart : _lexer.Position);
                var descending = false;
                var save = _lexer.Position;
                var direction = _lexer.ReadName(allowCall: false);
                if (direction is not null && direction.Equals("desc", StringComparison.OrdinalIgnoreCase))
                {
                    descending = true;
                }
                else if (direction is null || !direction.Equals("asc", StringComparison.OrdinalIgnoreCase))
                {
                    _lexer.Position = save;
                }

                keys.Add(new SortKey(field, descending));
            }
            while (_lexer.TryConsume(','));

            return new SortStage(keys);
        }

        private HeadStage ParseHead(int commandStart)
        {
            _lexer.SkipWhitespace();
            var start = _lexer.Position;
            var end = start;
            while (end < _lexer.Query.Length && !char.IsWhiteSpace(_lexer.Query[end]) && _lexer.Query[end] != '|')
            {
                end++;
            }

            if (end == start || !int.TryParse(_lexer.Query.AsSpan(start, end - start), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var count) || count <= 0)
            {
                throw _lexer.Error("'head' needs a positive number", end == start ? commandStart : start);
            }

            _lexer.Position = end;
            return new HeadStage(count);
        }

        private List<string> ReadNameList(string keyword, int keywordStart, bool allowCall)
        {
            var names = new List<string>();
            do
            {
                _lexer.SkipWhitespace();
                var name = _lexer.ReadName(allowCall)
                    ?? throw _lexer.Error(
                        names.Count == 0 ? $"'{keyword}' needs a field name" : "expected a field name after ','",
                        _lexer.AtEnd ? keywordStart : _lexer.Position);
                names.Add(name);
            }
            while (_lexer.TryConsume(','));

            return names;
        }

        private enum BoundKind
        {
            Open,
            Number,
            Time,
        }
    }
}

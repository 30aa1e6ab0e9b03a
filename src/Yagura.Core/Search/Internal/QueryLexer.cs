using System.Text;

namespace Yagura.Core.Search.Internal;

internal enum TokenKind
{
    End,
    LParen,
    RParen,
    And,
    Or,
    Not,
    Pipe,

    /// <summary>A field name followed by its operator (<c>:</c>, <c>&gt;=</c> …); the value is read separately.</summary>
    Field,

    /// <summary>An unquoted value or word.</summary>
    Word,
    Quoted,
}

internal enum FieldOperator
{
    None,
    Colon,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
    NotEqual,
}

/// <summary>
/// One token. For words, <see cref="Text"/> is the literal (escapes resolved) and <see cref="Glob"/> the glob form
/// (backslash before literal <c>*</c>, <c>?</c>, <c>\</c>) used when <see cref="HasWildcard"/> is set.
/// </summary>
internal readonly record struct Token(
    TokenKind Kind,
    int Start,
    string Text,
    string Glob = "",
    bool HasWildcard = false,
    bool Escaped = false,
    FieldOperator Operator = FieldOperator.None);

/// <summary>
/// Context-driven lexer for the filter part of a query. The parser asks for the kind of token it expects next
/// (a term, a value after <c>field:</c>, a range bound), because a colon separates a field from its value in one
/// place and belongs to the value (IPv6, times, paths) in another.
/// </summary>
internal sealed class QueryLexer(string query)
{
    private readonly string _query = query;

    public int Position { get; set; }

    public string Query => _query;

    public static bool IsFieldChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@';

    public QuerySyntaxException Error(string reason, int position) =>
        new(reason, Math.Clamp(position, 0, Math.Max(0, _query.Length - 1)), _query);

    public void SkipWhitespace()
    {
        while (Position < _query.Length && char.IsWhiteSpace(_query[Position]))
        {
            Position++;
        }
    }

    public bool AtEnd
    {
        get
        {
            SkipWhitespace();
            return Position >= _query.Length;
        }
    }

    public char Current => _query[Position];

    /// <summary>Reads the next token of the filter; with <paramref name="detectFields"/> false a leading
    /// <c>name:</c> stays part of the word (inside <c>field:( … )</c> groups).</summary>
    public Token Next(bool detectFields = true)
    {
        SkipWhitespace();
        var start = Position;
        if (start >= _query.Length)
        {
            return new Token(TokenKind.End, start, "");
        }

        var c = _query[start];
        var next = start + 1 < _query.Length ? _query[start + 1] : '\0';
        switch (c)
        {
            case '(':
                Position++;
                return new Token(TokenKind.LParen, start, "(");
            case ')':
                Position++;
                return new Token(TokenKind.RParen, start, ")");
            case '"':
                return ReadQuoted();
            case '|' when next == '|':
                Position += 2;
                return new Token(TokenKind.Or, start, "||");
            case '|':
                Position++;
                return new Token(TokenKind.Pipe, start, "|");
            case '&' when next == '&':
                Position += 2;
                return new Token(TokenKind.And, start, "&&");
            case '!' when next == '=':
                throw Error("'!=' needs a field name before it, e.g. user.name!=root", start);
            case '!':
                Position++;
                return new Token(TokenKind.Not, start, "!");
            case '-' when next is '\0' || char.IsWhiteSpace(next):
                throw Error("'-' must be followed directly by the term it excludes, e.g. -user.name:root", start);
            case '-':
                Position++;
                return new Token(TokenKind.Not, start, "-");
        }

        if (detectFields)
        {
            var field = TryReadFieldPrefix();
            if (field.Kind == TokenKind.Field)
            {
                return field;
            }
        }

        var word = ReadUnquoted(inRange: false);
        if (!word.Escaped)
        {
            switch (word.Text)
            {
                case "AND":
                    return word with { Kind = TokenKind.And };
                case "OR":
                    return word with { Kind = TokenKind.Or };
                case "NOT":
                    return word with { Kind = TokenKind.Not };
            }
        }

        return word;
    }

    /// <summary>Reads <c>name:</c>, <c>name&gt;=</c> …; leaves the position unchanged and returns a non-field
    /// token when the text at the position is not a field name followed by an operator.</summary>
    private Token TryReadFieldPrefix()
    {
        var start = Position;
        var i = start;
        while (i < _query.Length && IsFieldChar(_query[i]))
        {
            i++;
        }

        if (i == start || i >= _query.Length)
        {
            return default;
        }

        var name = _query[start..i];
        var c = _query[i];
        var next = i + 1 < _query.Length ? _query[i + 1] : '\0';
        (FieldOperator op, int length) = c switch
        {
            ':' => (FieldOperator.Colon, 1),
            '>' when next == '=' => (FieldOperator.GreaterOrEqual, 2),
            '>' => (FieldOperator.Greater, 1),
            '<' when next == '=' => (FieldOperator.LessOrEqual, 2),
            '<' => (FieldOperator.Less, 1),
            '!' when next == '=' => (FieldOperator.NotEqual, 2),
            _ => (FieldOperator.None, 0),
        };
        if (op == FieldOperator.None)
        {
            return default;
        }

        Position = i + length;
        return new Token(TokenKind.Field, start, name, Operator: op);
    }

    /// <summary>Reads a value: a quoted string or an unquoted run (colons allowed).</summary>
    public Token ReadValue(bool inRange)
    {
        SkipWhitespace();
        if (Position < _query.Length && _query[Position] == '"')
        {
            return ReadQuoted();
        }

        return ReadUnquoted(inRange);
    }

    public Token ReadQuoted()
    {
        var start = Position;
        var text = new StringBuilder();
        var i = start + 1;
        while (i < _query.Length)
        {
            var c = _query[i];
            if (c == '"')
            {
                Position = i + 1;
                return new Token(TokenKind.Quoted, start, text.ToString());
            }

            if (c == '\\')
            {
                if (i + 1 >= _query.Length)
                {
                    break;
                }

                // \" and \\ are the documented escapes; any other escaped character stands for itself too.
                text.Append(_query[i + 1]);
                i += 2;
                continue;
            }

            text.Append(c);
            i++;
        }

        throw Error("missing closing quote started", start);
    }

    /// <summary>
    /// Reads an unquoted run up to whitespace, a parenthesis, a quote or a pipe (and, inside a range, a closing
    /// bracket). A backslash makes the next character part of the value and never a wildcard.
    /// </summary>
    public Token ReadUnquoted(bool inRange)
    {
        var start = Position;
        var literal = new StringBuilder();
        var glob = new StringBuilder();
        var hasWildcard = false;
        var escaped = false;
        var i = start;
        while (i < _query.Length)
        {
            var c = _query[i];
            if (char.IsWhiteSpace(c) || c is '(' or ')' or '"' or '|' || (inRange && c is ']' or '}'))
            {
                break;
            }

            if (c == '\\')
            {
                if (i + 1 >= _query.Length)
                {
                    throw Error("a backslash at the end of the query escapes nothing", i);
                }

                var e = _query[i + 1];
                literal.Append(e);
                if (e is '*' or '?' or '\\')
                {
                    glob.Append('\\');
                }

                glob.Append(e);
                escaped = true;
                i += 2;
                continue;
            }

            if (c is '*' or '?')
            {
                hasWildcard = true;
            }

            literal.Append(c);
            glob.Append(c);
            i++;
        }

        Position = i;
        return new Token(TokenKind.Word, start, literal.ToString(), glob.ToString(), hasWildcard, escaped);
    }

    /// <summary>Reads a field name (or an aggregation column such as <c>count()</c> when
    /// <paramref name="allowCall"/>) in a pipe command; returns null when there is none at the position.</summary>
    public string? ReadName(bool allowCall)
    {
        SkipWhitespace();
        var start = Position;
        var i = start;
        while (i < _query.Length && IsFieldChar(_query[i]))
        {
            i++;
        }

        if (i == start)
        {
            return null;
        }

        Position = i;
        if (allowCall && i < _query.Length && _query[i] == '(')
        {
            var close = _query.IndexOf(')', i);
            if (close < 0)
            {
                throw Error("missing ')' to close the '(' opened", i);
            }

            var inner = _query[(i + 1)..close].Trim();
            Position = close + 1;
            return $"{_query[start..i].ToLowerInvariant()}({inner})";
        }

        return _query[start..i];
    }

    /// <summary>Consumes <paramref name="c"/> after optional whitespace.</summary>
    public bool TryConsume(char c)
    {
        SkipWhitespace();
        if (Position < _query.Length && _query[Position] == c)
        {
            Position++;
            return true;
        }

        return false;
    }

    /// <summary>The text of the run at the position up to whitespace, for error messages.</summary>
    public string Describe(int position)
    {
        if (position >= _query.Length)
        {
            return "end of query";
        }

        var end = position;
        while (end < _query.Length && !char.IsWhiteSpace(_query[end]) && (end == position || _query[end] is not ('(' or ')' or '|' or ',')))
        {
            end++;
        }

        return $"'{_query[position..end]}'";
    }
}

namespace Yagura.Core.Search.Internal;

/// <summary>
/// Free-text matching of one term against one text (see the shared search semantics): consecutive
/// <see cref="TextTokens"/> tokens, a prefix on the last token for a trailing <c>*</c>, a whole-text glob for any
/// other wildcard, a substring for scripts without spaces.
/// </summary>
internal sealed class TextMatcher
{
    private readonly Mode _mode;
    private readonly string[] _tokens;
    private readonly bool _lastIsPrefix;
    private readonly string _substring;
    private readonly GlobPattern? _glob;
    private readonly string? _required;

    private TextMatcher(Mode mode, string[]? tokens = null, bool lastIsPrefix = false, string? substring = null, GlobPattern? glob = null)
    {
        _mode = mode;
        _tokens = tokens ?? [];
        _lastIsPrefix = lastIsPrefix;
        _substring = substring ?? "";
        _glob = glob;

        // Every query token must occur in a matching text. For ASCII tokens in an ASCII text, a case-insensitive
        // substring search (vectorised) is exactly as strict as lower-casing, so it can reject most texts early;
        // non-ASCII texts skip it because some non-ASCII characters lower-case to ASCII letters (the Kelvin sign).
        var longest = _tokens.MaxBy(t => t.Length);
        _required = longest is not null && System.Text.Ascii.IsValid(longest) ? longest : null;
    }

    private enum Mode
    {
        Tokens,
        Substring,
        Glob,
    }

    /// <summary>Builds the matcher for a literal term, or for a glob (backslash escapes) when <paramref name="hasWildcard"/>.</summary>
    public static TextMatcher Create(string term, bool hasWildcard)
    {
        if (!hasWildcard)
        {
            if (TextTokens.NeedsSubstringMatch(term))
            {
                return new TextMatcher(Mode.Substring, substring: term);
            }

            var tokens = TextTokens.Split(term);

            // A term with no letters or digits ("->", "::") cannot be a token sequence; a substring is the closest
            // honest reading of what the analyst typed.
            return tokens.Count == 0
                ? new TextMatcher(Mode.Substring, substring: term)
                : new TextMatcher(Mode.Tokens, [.. tokens]);
        }

        if (TextTokens.NeedsSubstringMatch(term))
        {
            return new TextMatcher(Mode.Glob, glob: GlobPattern.Parse($"*{term}*"));
        }

        if (IsTrailingStarOnly(term, out var literal) && literal.Length > 0 && TextTokens.IsTokenChar(literal[^1]))
        {
            var tokens = TextTokens.Split(literal);
            return new TextMatcher(Mode.Tokens, [.. tokens], lastIsPrefix: true);
        }

        return new TextMatcher(Mode.Glob, glob: GlobPattern.Parse(term));
    }

    /// <summary>True when the glob's only wildcard is one unescaped <c>*</c> at its end; returns the literal before it.</summary>
    private static bool IsTrailingStarOnly(string glob, out string literal)
    {
        var builder = new System.Text.StringBuilder(glob.Length);
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '\\' && i + 1 < glob.Length)
            {
                builder.Append(glob[++i]);
            }
            else if (c is '*' or '?')
            {
                if (c == '*' && i == glob.Length - 1)
                {
                    literal = builder.ToString();
                    return true;
                }

                literal = "";
                return false;
            }
            else
            {
                builder.Append(c);
            }
        }

        literal = builder.ToString();
        return false;
    }

    public bool IsMatch(string? text)
    {
        if (text is null)
        {
            return false;
        }

        return _mode switch
        {
            Mode.Tokens => MatchTokens(text),
            Mode.Substring => text.Contains(_substring, StringComparison.OrdinalIgnoreCase),
            _ => _glob!.IsMatch(text),
        };
    }

    private bool MatchTokens(ReadOnlySpan<char> text)
    {
        if (_required is not null && System.Text.Ascii.IsValid(text) && !text.Contains(_required, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var tokens = _tokens;
        var last = tokens.Length - 1;
        var position = 0;
        while (NextToken(text, ref position, out var start, out var length))
        {
            if (!TokenEquals(text.Slice(start, length), tokens[0], last == 0 && _lastIsPrefix))
            {
                continue;
            }

            var ahead = position;
            var k = 1;
            for (; k <= last; k++)
            {
                if (!NextToken(text, ref ahead, out var s, out var l) || !TokenEquals(text.Slice(s, l), tokens[k], k == last && _lastIsPrefix))
                {
                    break;
                }
            }

            if (k > last)
            {
                return true;
            }
        }

        return false;
    }

    private static bool NextToken(ReadOnlySpan<char> text, ref int position, out int start, out int length)
    {
        var i = position;
        while (i < text.Length && !TextTokens.IsTokenChar(text[i]))
        {
            i++;
        }

        start = i;
        while (i < text.Length && TextTokens.IsTokenChar(text[i]))
        {
            i++;
        }

        length = i - start;
        position = i;
        return length > 0;
    }

    /// <summary>Compares an event token with a lower-cased query token the way <see cref="TextTokens.Split"/> lower-cases.</summary>
    private static bool TokenEquals(ReadOnlySpan<char> eventToken, string queryToken, bool prefix)
    {
        if (prefix ? eventToken.Length < queryToken.Length : eventToken.Length != queryToken.Length)
        {
            return false;
        }

        for (var i = 0; i < queryToken.Length; i++)
        {
            var c = eventToken[i];
            if (c != queryToken[i] && char.ToLowerInvariant(c) != queryToken[i])
            {
                return false;
            }
        }

        return true;
    }
}

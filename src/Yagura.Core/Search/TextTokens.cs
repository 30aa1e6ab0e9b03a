using System.Globalization;

namespace Yagura.Core.Search;

/// <summary>
/// The one definition of a "word" for free-text search, shared by the query evaluator and the stores' full-text
/// indexes so that an index lookup never misses what the evaluator would match. A token is a maximal run of
/// letters, digits and private-use characters (the categories SQLite FTS5's <c>unicode61</c> tokenizer keeps),
/// compared lower-cased (invariant culture).
/// </summary>
public static class TextTokens
{
    public static bool IsTokenChar(char c)
    {
        if (c < 128)
        {
            return char.IsAsciiLetterOrDigit(c);
        }

        return char.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
                or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark => true,
            _ => false,
        };
    }

    /// <summary>Splits text into lower-cased tokens.</summary>
    public static List<string> Split(ReadOnlySpan<char> text)
    {
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inToken = i < text.Length && IsTokenChar(text[i]);
            if (inToken && start < 0)
            {
                start = i;
            }
            else if (!inToken && start >= 0)
            {
                tokens.Add(text[start..i].ToString().ToLowerInvariant());
                start = -1;
            }
        }

        return tokens;
    }

    /// <summary>
    /// True for scripts written without spaces between words (CJK, Thai …): a search term in them is matched as a
    /// substring, because the tokenizer would see a whole sentence as one token.
    /// </summary>
    public static bool NeedsSubstringMatch(ReadOnlySpan<char> term)
    {
        foreach (var c in term)
        {
            if (c is (>= '\u3040' and <= '\u30FF') or (>= '\u3400' and <= '\u9FFF') or (>= '\uAC00' and <= '\uD7AF')
                or (>= '\uF900' and <= '\uFAFF') or (>= '\uFF66' and <= '\uFF9F') or (>= '\u0E00' and <= '\u0E7F'))
            {
                return true;
            }
        }

        return false;
    }
}

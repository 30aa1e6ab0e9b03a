using System.Text;
using System.Text.RegularExpressions;

namespace Yagura.Detection.Sigma.Internal;

/// <summary>
/// A literal every match of a regular expression holds, so that a rule whose only test is a regular expression need
/// not be evaluated for every event of its log source (SigmaHQ: <c>ipconfig\s+/all</c> needs <c>ipconfig</c>,
/// <c>ping\s+-n.{6,64}echo EEEE…</c> needs <c>echo EEEE</c>). Conservative: only runs of plain ASCII characters outside groups, character
/// classes and alternations, each character required once in order; anything it does not understand ends a run, and an
/// alternation at the top level or free-spacing mode gives none.
/// </summary>
internal static class RegexLiteral
{
    /// <summary>Shorter literals are found in nearly every value: not worth looking for.</summary>
    private const int MinLength = 3;

    /// <summary>The longest required literal of at least three characters, or null.</summary>
    public static string? Required(Regex regex)
    {
        var pattern = regex.ToString();
        var ignoreCase = regex.Options.HasFlag(RegexOptions.IgnoreCase);
        if (regex.Options.HasFlag(RegexOptions.IgnorePatternWhitespace))
        {
            return null;
        }

        var best = "";
        var run = new StringBuilder();
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            int? literal = null;
            switch (c)
            {
                case '|':
                    return null;
                case '\\' when i + 1 < pattern.Length:
                    var next = pattern[i + 1];
                    literal = char.IsAsciiLetterOrDigit(next) ? null : next;
                    i = SkipEscape(pattern, i + 1);
                    break;
                case '[':
                    i = SkipClass(pattern, i);
                    break;
                case '(':
                    var end = SkipGroup(pattern, i);
                    if (end < 0)
                    {
                        return null;
                    }

                    // Inline options: (?i) turns case folding on for what follows; (?x) changes what spaces mean.
                    var group = pattern[i..end];
                    if (group.Length > 3 && group[1] == '?' && group[2..^1].All(char.IsAsciiLetter) && group[^1] == ')')
                    {
                        ignoreCase |= group.Contains('i', StringComparison.Ordinal) && !group.Contains('-', StringComparison.Ordinal);
                        if (group.Contains('x', StringComparison.Ordinal))
                        {
                            return null;
                        }
                    }

                    i = end;
                    break;
                default:
                    literal = c is '.' or '^' or '$' or '*' or '+' or '?' or '{' or ')' || c >= 128 ? null : c;
                    i++;
                    break;
            }

            // A quantifier after the character: optional ones drop it, repeating ones end the run after it.
            var (optional, repeats) = Quantifier(pattern, ref i);

            // With case folding, k and s also match the Kelvin sign and the long s, which a literal search would miss.
            if (literal is { } l && !optional && !(ignoreCase && (char.ToLowerInvariant((char)l) is 'k' or 's')))
            {
                run.Append((char)l);
                if (!repeats)
                {
                    continue;
                }
            }

            if (run.Length > best.Length)
            {
                best = run.ToString();
            }

            run.Clear();
        }

        if (run.Length > best.Length)
        {
            best = run.ToString();
        }

        return best.Length >= MinLength ? best : null;
    }

    private static (bool Optional, bool Repeats) Quantifier(string pattern, ref int i)
    {
        if (i >= pattern.Length)
        {
            return (false, false);
        }

        (bool, bool) result;
        switch (pattern[i])
        {
            case '*':
            case '?':
                result = (true, true);
                i++;
                break;
            case '+':
                result = (false, true);
                i++;
                break;
            case '{' when pattern.IndexOf('}', i) is var close and > 0 && IsCount(pattern[(i + 1)..close]):
                var min = pattern[(i + 1)..close].Split(',')[0];
                result = (min.Length == 0 || int.Parse(min, System.Globalization.CultureInfo.InvariantCulture) == 0, true);
                i = close + 1;
                break;
            default:
                return (false, false);
        }

        // Lazy or possessive suffix.
        if (i < pattern.Length && pattern[i] is '?' or '+')
        {
            i++;
        }

        return result;

        static bool IsCount(string s) => s.Length > 0 && s.All(ch => char.IsAsciiDigit(ch) || ch == ',') && s.Count(ch => ch == ',') <= 1 && char.IsAsciiDigit(s[0]);
    }

    // From the character after a backslash: past the whole escape (\x41, \u0041, \cA, \p{L}, \k<name>, \12 …).
    private static int SkipEscape(string pattern, int i)
    {
        var kind = pattern[i++];
        switch (kind)
        {
            case 'x':
                return Math.Min(pattern.Length, i + 2);
            case 'u':
                return Math.Min(pattern.Length, i + 4);
            case 'c':
                return Math.Min(pattern.Length, i + 1);
            case 'p' or 'P' or 'k' when i < pattern.Length && pattern[i] is '{' or '<' or '\'':
                var close = pattern.IndexOfAny(['}', '>', '\''], i + 1);
                return close < 0 ? pattern.Length : close + 1;
            case >= '0' and <= '9':
                while (i < pattern.Length && char.IsAsciiDigit(pattern[i]))
                {
                    i++;
                }

                return i;
            default:
                return i;
        }
    }

    // From '[': past the matching ']'.
    private static int SkipClass(string pattern, int i)
    {
        i++;
        if (i < pattern.Length && pattern[i] == '^')
        {
            i++;
        }

        if (i < pattern.Length && pattern[i] == ']')
        {
            i++;
        }

        while (i < pattern.Length && pattern[i] != ']')
        {
            i += pattern[i] == '\\' ? 2 : pattern[i] == '[' && i + 1 < pattern.Length && pattern[i + 1] == ':' ? 2 : 1;
        }

        return i + 1;
    }

    // From '(': past the matching ')', or -1 when there is none.
    private static int SkipGroup(string pattern, int i)
    {
        var depth = 0;
        while (i < pattern.Length)
        {
            switch (pattern[i])
            {
                case '\\':
                    i += 2;
                    continue;
                case '[':
                    i = SkipClass(pattern, i);
                    continue;
                case '(':
                    depth++;
                    break;
                case ')':
                    if (--depth == 0)
                    {
                        return i + 1;
                    }

                    break;
            }

            i++;
        }

        return -1;
    }
}

namespace Yagura.Core.Search.Internal;

/// <summary>
/// A case-insensitive glob (<c>*</c> any run, <c>?</c> one character, backslash escapes the next character) matched
/// over a whole value without regular expressions or allocation.
/// </summary>
internal sealed class GlobPattern
{
    // '\0' kinds are literal characters (stored upper-cased, as OrdinalIgnoreCase compares).
    private readonly char[] _chars;
    private readonly GlobOp[] _ops;

    private GlobPattern(char[] chars, GlobOp[] ops)
    {
        _chars = chars;
        _ops = ops;
    }

    private enum GlobOp : byte
    {
        Literal,
        AnyOne,
        AnyRun,
    }

    public static GlobPattern Parse(string glob)
    {
        var chars = new List<char>(glob.Length);
        var ops = new List<GlobOp>(glob.Length);
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '\\' && i + 1 < glob.Length)
            {
                chars.Add(char.ToUpperInvariant(glob[++i]));
                ops.Add(GlobOp.Literal);
            }
            else if (c == '*')
            {
                // Consecutive stars are one star; collapsing keeps backtracking linear in practice.
                if (ops.Count == 0 || ops[^1] != GlobOp.AnyRun)
                {
                    chars.Add('\0');
                    ops.Add(GlobOp.AnyRun);
                }
            }
            else if (c == '?')
            {
                chars.Add('\0');
                ops.Add(GlobOp.AnyOne);
            }
            else
            {
                chars.Add(char.ToUpperInvariant(c));
                ops.Add(GlobOp.Literal);
            }
        }

        return new GlobPattern([.. chars], [.. ops]);
    }

    public bool IsMatch(ReadOnlySpan<char> text)
    {
        var ops = _ops;
        var chars = _chars;
        int t = 0, p = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < ops.Length && (ops[p] == GlobOp.AnyOne
                || (ops[p] == GlobOp.Literal && chars[p] == char.ToUpperInvariant(text[t]))))
            {
                t++;
                p++;
            }
            else if (p < ops.Length && ops[p] == GlobOp.AnyRun)
            {
                starP = p++;
                starT = t;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                t = ++starT;
            }
            else
            {
                return false;
            }
        }

        while (p < ops.Length && ops[p] == GlobOp.AnyRun)
        {
            p++;
        }

        return p == ops.Length;
    }
}

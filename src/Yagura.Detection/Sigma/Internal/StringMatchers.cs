using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Yagura.Detection.Sigma.Internal;

/// <summary>One compiled string value of a detection item: equality, a prefix, a suffix, a substring, a wildcard
/// pattern or a regular expression.</summary>
internal abstract class StringMatcher
{
    public abstract bool IsMatch(string value);

    /// <summary>A literal every matching value holds (ignoring case), and where: what the prefilter looks for.
    /// Null when there is none worth looking for.</summary>
    public virtual LiteralAtom? Atom => null;

    /// <summary>The cheapest matcher for a wildcard pattern: plain comparisons for the common shapes.</summary>
    public static StringMatcher For(SigmaPattern pattern, bool cased)
    {
        var comparison = cased ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        var parts = pattern.Parts;
        if (parts.Count == 0)
        {
            return new EqualsMatcher("", comparison);
        }

        if (parts.All(p => p.Kind == SigmaPattern.PartKind.Any))
        {
            return AnyMatcher.Instance;
        }

        if (parts.Count == 1 && parts[0].Kind == SigmaPattern.PartKind.Literal)
        {
            return new EqualsMatcher(parts[0].Text, comparison);
        }

        if (parts.Count == 2 && parts[0].Kind == SigmaPattern.PartKind.Any && parts[1].Kind == SigmaPattern.PartKind.Literal)
        {
            return new EndsWithMatcher(parts[1].Text, comparison);
        }

        if (parts.Count == 2 && parts[0].Kind == SigmaPattern.PartKind.Literal && parts[1].Kind == SigmaPattern.PartKind.Any)
        {
            return new StartsWithMatcher(parts[0].Text, comparison);
        }

        if (parts.Count == 3 && parts[0].Kind == SigmaPattern.PartKind.Any && parts[1].Kind == SigmaPattern.PartKind.Literal && parts[2].Kind == SigmaPattern.PartKind.Any)
        {
            return new ContainsMatcher(parts[1].Text, comparison);
        }

        return new GlobMatcher(pattern, cased);
    }
}

internal sealed class AnyMatcher : StringMatcher
{
    public static readonly AnyMatcher Instance = new();

    public override bool IsMatch(string value) => true;
}

internal sealed class EqualsMatcher(string text, StringComparison comparison) : StringMatcher
{
    public override bool IsMatch(string value) => string.Equals(value, text, comparison);

    public override LiteralAtom? Atom => text.Length == 0 ? null : new(AtomPlace.Whole, text, comparison == StringComparison.OrdinalIgnoreCase);
}

internal sealed class StartsWithMatcher(string text, StringComparison comparison) : StringMatcher
{
    public override bool IsMatch(string value) => value.StartsWith(text, comparison);

    public override LiteralAtom? Atom => text.Length == 0 ? null : new(AtomPlace.Start, text, comparison == StringComparison.OrdinalIgnoreCase);
}

internal sealed class EndsWithMatcher(string text, StringComparison comparison) : StringMatcher
{
    public override bool IsMatch(string value) => value.EndsWith(text, comparison);

    public override LiteralAtom? Atom => text.Length == 0 ? null : new(AtomPlace.End, text, comparison == StringComparison.OrdinalIgnoreCase);
}

internal sealed class ContainsMatcher(string text, StringComparison comparison) : StringMatcher
{
    public override bool IsMatch(string value) => value.Contains(text, comparison);

    public override LiteralAtom? Atom => text.Length == 0 ? null : new(AtomPlace.Anywhere, text, comparison == StringComparison.OrdinalIgnoreCase);
}

internal sealed class RegexMatcher(Regex regex) : StringMatcher
{
    private readonly string? _required = RegexLiteral.Required(regex);

    public override LiteralAtom? Atom => _required is null ? null : new(AtomPlace.Anywhere, _required);

    public override bool IsMatch(string value)
    {
        try
        {
            return regex.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            // A pathological value against a backtracking pattern: no match rather than a stalled pipeline.
            return false;
        }
    }
}

/// <summary>Wildcards anywhere: <c>*</c> any run, <c>?</c> exactly one character.</summary>
internal sealed class GlobMatcher : StringMatcher
{
    private const char AnyRun = '\uFFFF';
    private const char AnyOne = '\uFFFE';
    private readonly string _pattern;
    private readonly bool _cased;
    private readonly string _longestLiteral;

    public override LiteralAtom? Atom => _longestLiteral.Length == 0 ? null : new(AtomPlace.Anywhere, _longestLiteral);

    public GlobMatcher(SigmaPattern pattern, bool cased)
    {
        _cased = cased;
        _longestLiteral = pattern.Parts.Where(p => p.Kind == SigmaPattern.PartKind.Literal).Select(p => p.Text).MaxBy(t => t.Length) ?? "";
        _pattern = string.Concat(pattern.Parts.Select(p => p.Kind switch
        {
            SigmaPattern.PartKind.Any => AnyRun.ToString(),
            SigmaPattern.PartKind.One => AnyOne.ToString(),
            _ => cased ? p.Text : p.Text.ToUpperInvariant(),
        }));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool IsMatch(string value)
    {
        // Iterative wildcard matching: on a mismatch, retry from the last '*' one character further.
        int p = 0, v = 0, star = -1, mark = 0;
        var pattern = _pattern;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] == AnyRun)
            {
                star = p++;
                mark = v;
            }
            else if (p < pattern.Length && (pattern[p] == AnyOne || pattern[p] == (_cased ? value[v] : char.ToUpperInvariant(value[v]))))
            {
                p++;
                v++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == AnyRun)
        {
            p++;
        }

        return p == pattern.Length;
    }
}

internal enum AtomPlace
{
    Anywhere,
    Start,
    End,
    Whole,

    /// <summary>Not a literal: the field is present in the event (any of its names), whatever its value.</summary>
    Present,
}

/// <summary>A literal a value must hold, at a place, for a matcher to match it.</summary>
/// <remarks><c>Exact</c>: the atom holds exactly when the matcher matches (a case-insensitive comparison), rather than
/// being only necessary.</remarks>
internal readonly record struct LiteralAtom(AtomPlace Place, string Text, bool Exact = false);

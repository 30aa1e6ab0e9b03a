using System.Text;

namespace Yagura.Detection.Sigma.Internal;

/// <summary>
/// A Sigma string value with its wildcards: literal text, <c>*</c> (any run) and <c>?</c> (one character). Parsed
/// with the specification's escapes: <c>\*</c>, <c>\?</c> and <c>\\</c> are literal; a backslash before anything
/// else is itself literal.
/// </summary>
internal sealed class SigmaPattern
{
    private SigmaPattern(List<Part> parts) => Parts = parts;

    /// <summary>Runs of literal text and wildcards, adjacent literals merged.</summary>
    public IReadOnlyList<Part> Parts { get; }

    public bool HasWildcards => Parts.Any(p => p.Kind != PartKind.Literal);

    public static SigmaPattern Parse(string value)
    {
        var parts = new List<Part>();
        var text = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\' && i + 1 < value.Length && value[i + 1] is '*' or '?' or '\\')
            {
                text.Append(value[++i]);
            }
            else if (c is '*' or '?')
            {
                Flush(parts, text);
                parts.Add(new Part(c == '*' ? PartKind.Any : PartKind.One, ""));
            }
            else
            {
                text.Append(c);
            }
        }

        Flush(parts, text);
        return new SigmaPattern(parts);
    }

    /// <summary>A pattern of plain text, no wildcards (values made by encoding modifiers).</summary>
    public static SigmaPattern Literal(string text) => new(text.Length == 0 ? [] : [new Part(PartKind.Literal, text)]);

    /// <summary>The literal text when the pattern has no wildcards.</summary>
    public string? AsLiteral() => HasWildcards ? null : string.Concat(Parts.Select(p => p.Text));

    /// <summary>The text without wildcards (for modifiers that encode the value).</summary>
    public string PlainText() => string.Concat(Parts.Select(p => p.Kind switch { PartKind.Any => "*", PartKind.One => "?", _ => p.Text }));

    public SigmaPattern WithLeadingAny() => Parts.Count > 0 && Parts[0].Kind == PartKind.Any ? this : new([new Part(PartKind.Any, ""), .. Parts]);

    public SigmaPattern WithTrailingAny() => Parts.Count > 0 && Parts[^1].Kind == PartKind.Any ? this : new([.. Parts, new Part(PartKind.Any, "")]);

    public SigmaPattern Map(Func<string, string> literal) => new([.. Parts.Select(p => p.Kind == PartKind.Literal ? p with { Text = literal(p.Text) } : p)]);

    private static void Flush(List<Part> parts, StringBuilder text)
    {
        if (text.Length > 0)
        {
            parts.Add(new Part(PartKind.Literal, text.ToString()));
            text.Clear();
        }
    }

    public override string ToString() => PlainText();

    internal enum PartKind
    {
        Literal,
        Any,
        One,
    }

    internal readonly record struct Part(PartKind Kind, string Text);
}

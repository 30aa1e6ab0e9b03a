namespace Yagura.Detection.Sigma.Internal;

internal enum ValueKind
{
    String,
    Regex,
    Cidr,
    FieldRef,
    Number,
}

/// <summary>The modifiers of one detection item (<c>field|mod1|mod2</c>), checked and sorted by what they do.</summary>
internal sealed class Modifiers
{
    private static readonly HashSet<string> TransformNames = ["windash", "base64", "base64offset", "utf16le", "utf16be", "utf16", "wide", "expand"];

    public ValueKind Kind { get; private set; }

    public bool All { get; private set; }

    public bool Cased { get; private set; }

    public bool Neq { get; private set; }

    public bool Exists { get; private set; }

    /// <summary><c>contains</c>, <c>startswith</c>, <c>endswith</c> or null.</summary>
    public string? Position { get; private set; }

    /// <summary>Value transformations in the order written.</summary>
    public List<string> Transforms { get; } = [];

    public CompareOp Compare { get; private set; } = CompareOp.Eq;

    public TimePart TimePart { get; private set; }

    public bool RegexIgnoreCase { get; private set; }

    public bool RegexMultiline { get; private set; }

    public bool RegexDotAll { get; private set; }

    public static Modifiers Parse(IEnumerable<string> names, string? defaultPosition = null)
    {
        var m = new Modifiers();
        foreach (var raw in names)
        {
            var name = raw.ToLowerInvariant();
            switch (name)
            {
                case "all":
                    m.All = true;
                    break;
                case "cased":
                    m.Cased = true;
                    break;
                case "neq":
                    m.Neq = true;
                    break;
                case "exists":
                    m.Exists = true;
                    break;
                case "contains" or "startswith" or "endswith":
                    m.Position = m.Position is null ? name : throw new SigmaRuleException($"modifiers '{m.Position}' and '{name}' exclude each other");
                    break;
                case "re":
                    m.SetKind(ValueKind.Regex, name);
                    break;
                case "i" or "m" or "s":
                    if (m.Kind != ValueKind.Regex)
                    {
                        throw new SigmaRuleException($"modifier '{name}' applies to 're' only and must follow it");
                    }

                    m.RegexIgnoreCase |= name == "i";
                    m.RegexMultiline |= name == "m";
                    m.RegexDotAll |= name == "s";
                    break;
                case "cidr":
                    m.SetKind(ValueKind.Cidr, name);
                    break;
                case "fieldref":
                    m.SetKind(ValueKind.FieldRef, name);
                    break;
                case "lt" or "lte" or "gt" or "gte":
                    if (m.Compare != CompareOp.Eq)
                    {
                        throw new SigmaRuleException($"only one of lt, lte, gt, gte may be used; '{name}' is the second");
                    }

                    m.Kind = ValueKind.Number;
                    m.Compare = name switch { "lt" => CompareOp.Lt, "lte" => CompareOp.Lte, "gt" => CompareOp.Gt, _ => CompareOp.Gte };
                    break;
                case "minute" or "hour" or "day" or "week" or "month" or "year":
                    m.Kind = m.Kind is ValueKind.String or ValueKind.Number ? ValueKind.Number : throw new SigmaRuleException($"'{name}' cannot be combined with '{m.Kind}'");
                    m.TimePart = Enum.Parse<TimePart>(name, ignoreCase: true);
                    break;
                case var t when TransformNames.Contains(t):
                    m.Transforms.Add(t);
                    break;
                default:
                    throw new SigmaRuleException($"unknown modifier '{raw}'");
            }
        }

        if (m.Kind is ValueKind.String && m.Position is null)
        {
            m.Position = defaultPosition;
        }

        if (m.Kind is not ValueKind.String && (m.Position is not null || m.Transforms.Count > 0))
        {
            throw new SigmaRuleException($"'{m.Kind.ToString().ToLowerInvariant()}' values cannot take string modifiers ({m.Position ?? string.Join(", ", m.Transforms)})");
        }

        return m;
    }

    private void SetKind(ValueKind kind, string name)
    {
        if (Kind != ValueKind.String && Kind != kind)
        {
            throw new SigmaRuleException($"modifier '{name}' cannot be combined with '{Kind.ToString().ToLowerInvariant()}'");
        }

        Kind = kind;
    }
}

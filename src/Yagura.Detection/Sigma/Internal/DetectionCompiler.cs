using System.Net;
using System.Text;
using System.Text.RegularExpressions;

using YamlDotNet.RepresentationModel;

namespace Yagura.Detection.Sigma.Internal;

/// <summary>
/// Compiles search identifiers (maps of <c>field|modifier…: values</c>, lists of maps, keyword lists) into nodes.
/// Field names go through <paramref name="candidates"/>, the pipeline's mapping of a Sigma field to event fields.
/// </summary>
internal sealed partial class DetectionCompiler(FieldTable fields, Func<string, IReadOnlyList<string>> candidates, Func<string, IReadOnlyList<string>?>? placeholders = null)
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly char[] Dashes = ['-', '/', '\u2013', '\u2014', '\u2015'];
    private const int MaxWindashVariants = 1024;

    /// <summary>A search identifier's value: a map (AND), a list of maps (OR) or a list of keywords (OR).</summary>
    public Node CompileSearch(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                return CompileMap(map);
            case YamlSequenceNode seq when seq.Children.All(c => c is YamlMappingNode):
                return Or([.. seq.Children.Select(c => CompileMap((YamlMappingNode)c))]);
            case YamlSequenceNode seq when seq.Children.All(c => c is YamlScalarNode):
                return CompileItem(null, [], seq, seq.Line());
            case YamlScalarNode scalar:
                return CompileItem(null, [], scalar, scalar.Line());
            default:
                throw new SigmaRuleException("a search identifier must be a map, a list of maps or a list of values", node.Line());
        }
    }

    private Node CompileMap(YamlMappingNode map)
    {
        var items = new List<Node>();
        foreach (var (keyNode, value) in map.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            var parts = key.Split('|');
            var field = parts[0].Length == 0 ? null : parts[0];
            items.Add(CompileItem(field, parts[1..], value, keyNode.Line()));
        }

        return And([.. items]);
    }

    private Node CompileItem(string? field, string[] modifiers, YamlNode valueNode, int line)
    {
        try
        {
            return CompileItemCore(field, modifiers, valueNode, line);
        }
        catch (SigmaRuleException e) when (e.Line == 0)
        {
            throw e is SigmaUnsupportedException ? new SigmaUnsupportedException(e.Message, line) : new SigmaRuleException(e.Message, line);
        }
        catch (ArgumentException e)
        {
            throw new SigmaRuleException($"'{field}': {e.Message}", line);
        }
    }

    private Node CompileItemCore(string? field, string[] modifiers, YamlNode valueNode, int line)
    {
        // Keywords search the whole event: a keyword is found anywhere in a value, as full-text backends do.
        var m = Modifiers.Parse(modifiers, field is null ? "contains" : null);
        var values = valueNode switch
        {
            YamlScalarNode s => [s],
            YamlSequenceNode seq => seq.Children.Select(c => c as YamlScalarNode ?? throw new SigmaRuleException("a value list may hold only single values", c.Line())).ToList(),
            _ => throw new SigmaRuleException($"the value of '{field}' must be a value or a list of values", valueNode.Line()),
        };

        int FieldId() => field is null ? throw new SigmaRuleException($"modifier needs a field name") : fields.IdOf(candidates(field));

        Node node;
        if (m.Exists)
        {
            if (values.Count != 1 || !bool.TryParse(values[0].Value, out var exists))
            {
                throw new SigmaRuleException("'exists' takes true or false");
            }

            node = new ExistsNode(FieldId(), exists);
        }
        else if (values.Count == 1 && values[0].IsNull())
        {
            node = field is null ? throw new SigmaRuleException("a keyword cannot be null") : new NullNode(FieldId());
        }
        else if (values.Count == 0)
        {
            node = ConstNode.False;
        }
        else if (values.Any(v => v.IsNull()))
        {
            throw new SigmaRuleException("null cannot be part of a list of values; put it in a selection of its own");
        }
        else
        {
            var texts = values.Select(v => v.Value ?? "").ToList();
            node = m.Kind switch
            {
                ValueKind.Regex => StringsNode(field, [.. texts.Select(t => new RegexMatcher(BuildRegex(t, m)))], m.All),
                ValueKind.Cidr => new CidrNode(FieldId(), [.. texts.Select(ParseCidr)], m.All),
                ValueKind.FieldRef => Combine([.. texts.Select(t => (Node)new FieldRefNode(FieldId(), fields.IdOf(candidates(t)), m.Cased ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase))], m.All),
                ValueKind.Number => new NumberNode(FieldId(), m.Compare, [.. texts.Select(ParseNumber)], m.All, m.TimePart),
                // With 'all', every value must match, but the variants one value expands to (windash, base64offset) are alternatives.
                _ when m.All && texts.Count > 1 => And([.. texts.Select(t => (Node)StringsNode(field, Matchers([t], m), all: false))]),
                _ => StringsNode(field, Matchers(texts, m), all: false),
            };
        }

        return m.Neq ? new NotNode(node) : node;
    }

    private StringMatcher[] Matchers(IEnumerable<string> texts, Modifiers m) =>
        [.. texts.SelectMany(t => m.Transforms.Contains("expand") ? ExpandPlaceholders(t) : [t]).SelectMany(t => Expand(t, m)).Select(p => StringMatcher.For(p, m.Cased))];

    /// <summary>
    /// <c>expand</c>: every <c>%name%</c> replaced by each of the placeholder's configured values (Sigma strings, so
    /// they may hold wildcards), every combination when there are several; <c>\%</c> is a plain percent sign.
    /// </summary>
    private List<string> ExpandPlaceholders(string text)
    {
        var results = new List<string> { "" };
        var last = 0;
        foreach (System.Text.RegularExpressions.Match match in PlaceholderPattern().Matches(text))
        {
            var literal = text[last..match.Index].Replace("\\%", "%", StringComparison.Ordinal);
            var name = match.Groups[1].Value;
            var values = placeholders?.Invoke(name) ?? throw new SigmaUnsupportedException($"placeholder '%{name}%' ('expand') has no values configured");
            results = [.. results.SelectMany(r => values.Select(v => r + literal + v))];
            last = match.Index + match.Length;
        }

        var tail = text[last..].Replace("\\%", "%", StringComparison.Ordinal);
        return [.. results.Select(r => r + tail)];
    }

    [GeneratedRegex(@"(?<!\\)%([^%\s]+)%", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();

    private StringNode StringsNode(string? field, StringMatcher[] matchers, bool all) =>
        new(field is null ? FieldTable.AllValues : fields.IdOf(candidates(field)), matchers, all);

    /// <summary>A value through the transformation modifiers in order, then placed by contains/startswith/endswith.</summary>
    private static IEnumerable<SigmaPattern> Expand(string text, Modifiers m)
    {
        IEnumerable<Value> values = [new Value(SigmaPattern.Parse(text), null)];
        foreach (var transform in m.Transforms)
        {
            values = transform switch
            {
                "windash" => values.SelectMany(v => Windash(v.Pattern ?? throw Bytes(transform)).Select(p => new Value(p, null))),
                "base64" => values.Select(v => new Value(SigmaPattern.Literal(Convert.ToBase64String(BytesOf(v))), null)),
                "base64offset" => values.SelectMany(v => Base64Offsets(BytesOf(v)).Select(s => new Value(SigmaPattern.Literal(s), null))),
                "utf16le" or "wide" => values.Select(v => new Value(null, Encoding.Unicode.GetBytes(Plain(v, transform)))),
                "utf16be" => values.Select(v => new Value(null, Encoding.BigEndianUnicode.GetBytes(Plain(v, transform)))),
                "utf16" => values.Select(v => new Value(null, [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Plain(v, transform))])),
                "expand" => values,
                _ => throw new InvalidOperationException(transform),
            };
        }

        foreach (var value in values)
        {
            var pattern = value.Pattern ?? throw new SigmaRuleException("utf16 modifiers must be followed by base64 or base64offset");
            yield return m.Position switch
            {
                "contains" => pattern.WithLeadingAny().WithTrailingAny(),
                "startswith" => pattern.WithTrailingAny(),
                "endswith" => pattern.WithLeadingAny(),
                _ => pattern,
            };
        }

        static SigmaRuleException Bytes(string transform) => new($"'{transform}' cannot follow a utf16 modifier");
        static string Plain(Value v, string transform) => v.Pattern?.PlainText() ?? throw Bytes(transform);
        static byte[] BytesOf(Value v) => v.Bytes ?? Encoding.UTF8.GetBytes(v.Pattern!.PlainText());
    }

    private readonly record struct Value(SigmaPattern? Pattern, byte[]? Bytes);

    /// <summary>Every way of writing the value's dashes as any of the dash characters Windows accepts.</summary>
    private static List<SigmaPattern> Windash(SigmaPattern pattern)
    {
        var results = new List<SigmaPattern> { pattern };
        var dashCount = pattern.Parts.Where(p => p.Kind == SigmaPattern.PartKind.Literal).Sum(p => p.Text.Count(c => Array.IndexOf(Dashes, c) >= 0));
        if (dashCount == 0)
        {
            return results;
        }

        if (Math.Pow(Dashes.Length, dashCount) > MaxWindashVariants)
        {
            throw new SigmaUnsupportedException($"'windash' on a value with {dashCount} dashes makes more than {MaxWindashVariants} variants");
        }

        // Each variant replaces the n-th dash with the n-th digit of a base-5 counter.
        var variants = new List<SigmaPattern>();
        var total = (int)Math.Pow(Dashes.Length, dashCount);
        for (var counter = 0; counter < total; counter++)
        {
            var state = counter;
            variants.Add(pattern.Map(text =>
            {
                var chars = text.ToCharArray();
                for (var i = 0; i < chars.Length; i++)
                {
                    if (Array.IndexOf(Dashes, chars[i]) >= 0)
                    {
                        chars[i] = Dashes[state % Dashes.Length];
                        state /= Dashes.Length;
                    }
                }

                return new string(chars);
            }));
        }

        return variants;
    }

    /// <summary>The three Base64 forms of the value at byte offsets 0, 1 and 2 of an encoded stream, cut to the
    /// characters that do not depend on the surrounding bytes (as pySigma's base64offset).</summary>
    private static IEnumerable<string> Base64Offsets(byte[] value)
    {
        int[] starts = [0, 2, 3];
        int?[] ends = [null, -3, -2];
        for (var i = 0; i < 3; i++)
        {
            var shifted = new byte[i + value.Length];
            Array.Fill(shifted, (byte)' ', 0, i);
            value.CopyTo(shifted, i);
            var encoded = Convert.ToBase64String(shifted);
            var end = ends[(i + value.Length) % 3] is { } e ? encoded.Length + e : encoded.Length;
            yield return end > starts[i] ? encoded[starts[i]..end] : "";
        }
    }

    private static Regex BuildRegex(string pattern, Modifiers m)
    {
        var options = RegexOptions.CultureInvariant;
        options |= m.RegexIgnoreCase ? RegexOptions.IgnoreCase : 0;
        options |= m.RegexMultiline ? RegexOptions.Multiline : 0;
        options |= m.RegexDotAll ? RegexOptions.Singleline : 0;
        try
        {
            return new Regex(pattern, options, RegexTimeout);
        }
        catch (ArgumentException e)
        {
            throw new SigmaRuleException($"invalid regular expression '{pattern}': {e.Message}");
        }
    }

    private static IPNetwork ParseCidr(string text) =>
        IPNetwork.TryParse(text, out var network) ? network
        : IPAddress.TryParse(text, out var address) ? new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
        : throw new SigmaRuleException($"'{text}' is not a CIDR network");

    private static double ParseNumber(string text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n : throw new SigmaRuleException($"'{text}' is not a number");

    private static Node Combine(Node[] nodes, bool all) => all ? And(nodes) : Or(nodes);

    private static Node And(Node[] nodes) => nodes.Length == 1 ? nodes[0] : new AndNode(nodes);

    private static Node Or(Node[] nodes) => nodes.Length == 1 ? nodes[0] : new OrNode(nodes);
}

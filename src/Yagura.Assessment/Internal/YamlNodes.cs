using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

using Yagura.Assessment.Assessments;

namespace Yagura.Assessment.Internal;

/// <summary>Helpers over YamlDotNet's representation model, which keeps the line of every node for messages.</summary>
internal static class YamlNodes
{
    public static int Line(this YamlNode node) => (int)node.Start.Line;

    public static YamlNode? Get(this YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    /// <summary>A sequence's items; a single value counts as a list of one, null as an empty list.</summary>
    public static IEnumerable<YamlNode> Items(this YamlNode node, DiagnosticBag bag, string key, string? serviceId = null)
    {
        switch (node)
        {
            case YamlSequenceNode sequence:
                return sequence.Children;
            case YamlScalarNode when node.IsNull():
                return [];
            case YamlScalarNode:
                return [node];
            default:
                bag.Warn(node.Line(), serviceId, "invalid-value", $"{key} には値のリストを書きます", $"{key} must be a list of values");
                return [];
        }
    }

    /// <summary>YAML null: <c>null</c>, <c>~</c> or nothing, unquoted.</summary>
    public static bool IsNull(this YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain } s && (s.Value is null or "" or "~" || s.Value.Equals("null", StringComparison.OrdinalIgnoreCase));

    /// <summary>The mapping's entries as (key, value), keys that are not plain text reported and left out.</summary>
    public static IEnumerable<(string Key, YamlNode Value)> Entries(this YamlMappingNode map, DiagnosticBag bag, string? serviceId = null)
    {
        foreach (var (key, value) in map.Children)
        {
            if (key is YamlScalarNode { Value: { } name })
            {
                yield return (name, value);
            }
            else
            {
                bag.Warn(key.Line(), serviceId, "unknown-key", "キーは文字列で書きます", "a key must be plain text");
            }
        }
    }

    /// <summary>The document's root mapping, or null once the error is in the bag (invalid YAML, empty, not a mapping).</summary>
    public static YamlMappingNode? LoadMapping(string text, DiagnosticBag bag)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var detail = (e.InnerException ?? e).Message;
            bag.Error((int)e.Start.Line, null, "invalid-yaml", "YAML として読めません: " + detail, "invalid YAML: " + detail);
            return null;
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner gives up with this on some input, e.g. an unclosed flow sequence.
            bag.Error(1, null, "invalid-yaml", "YAML として読めません: " + e.Message, "invalid YAML: " + e.Message);
            return null;
        }

        switch (stream.Documents.Count)
        {
            case 0:
                bag.Error(1, null, "structure", "ファイルが空です", "the file is empty");
                return null;
            case > 1:
                bag.Error(stream.Documents[1].RootNode.Line(), null, "structure", "文書は 1 つだけにします（--- で区切られています）", "only one document is allowed (found a second after ---)");
                return null;
        }

        if (stream.Documents[0].RootNode is YamlMappingNode root)
        {
            return root;
        }

        bag.Error(stream.Documents[0].RootNode.Line(), null, "structure", "先頭は organization: や services: などのキーの並びにします", "the file must be a mapping of keys (organization:, services: …)");
        return null;
    }

    /// <summary>A scalar's text; null for YAML null, and for anything else once the warning is in the bag.</summary>
    public static string? Text(this YamlNode node, DiagnosticBag bag, string key, string? serviceId = null)
    {
        if (node.IsNull())
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { } value })
        {
            return value;
        }

        bag.Warn(node.Line(), serviceId, "invalid-value", $"{key} には値を 1 つ書きます", $"{key} must be a single value");
        return null;
    }

    /// <summary>A list of mappings (<c>- id: …</c>); anything else in its place is an error.</summary>
    public static IEnumerable<YamlMappingNode> Mappings(this YamlNode node, DiagnosticBag bag, string key)
    {
        if (node is not YamlSequenceNode sequence)
        {
            bag.Error(node.Line(), null, "structure", $"{key} にはリスト（- id: …）を書きます", $"{key} must be a list (- id: …)");
            return [];
        }

        foreach (var item in sequence.Children.Where(i => i is not YamlMappingNode))
        {
            bag.Error(item.Line(), null, "structure", $"{key} の各項目はキーの並び（id: …）です", $"each item of {key} must be a mapping (id: …)");
        }

        return sequence.Children.OfType<YamlMappingNode>();
    }

    /// <summary>A whole number, or null with a warning when the value is not one.</summary>
    public static int? Integer(this YamlNode node, DiagnosticBag bag, string key, string? serviceId = null)
    {
        if (node.Text(bag, key, serviceId) is not { } text)
        {
            return null;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        bag.Warn(node.Line(), serviceId, "invalid-value", $"{key} '{text}' は整数ではありません", $"{key} '{text}' is not a whole number");
        return null;
    }

    /// <summary>A value of the vocabulary (<see cref="Vocabulary.Name{T}"/>), or null with a warning when it is not one.</summary>
    public static T? Enum<T>(this YamlNode node, DiagnosticBag bag, string key, string? serviceId = null)
        where T : struct, Enum
    {
        if (node.Text(bag, key, serviceId) is not { } text)
        {
            return null;
        }

        if (Vocabulary.TryParse<T>(text, out var value))
        {
            return value;
        }

        bag.Warn(node.Line(), serviceId, "invalid-value", $"{key} '{text}' は使えません（{Vocabulary.Names<T>()}）", $"{key} '{text}' is not one of {Vocabulary.Names<T>()}");
        return null;
    }
}

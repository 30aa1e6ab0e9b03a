using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Yagura.Detection.Sigma.Internal;

/// <summary>Small helpers over YamlDotNet's representation model, which keeps line numbers for error messages.</summary>
internal static class YamlNodes
{
    public static int Line(this YamlNode node) => (int)node.Start.Line;

    public static YamlNode? Get(this YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static string? GetString(this YamlMappingNode map, string key) => map.Get(key) switch
    {
        YamlScalarNode s when !IsNull(s) => s.Value,
        null => null,
        YamlScalarNode => null,
        var other => throw new SigmaRuleException($"'{key}' must be a single value", other.Line()),
    };

    public static IReadOnlyList<string> GetStrings(this YamlMappingNode map, string key) => map.Get(key) switch
    {
        null => [],
        YamlScalarNode s => IsNull(s) ? [] : [s.Value ?? ""],
        YamlSequenceNode seq => [.. seq.Children.OfType<YamlScalarNode>().Where(s => !IsNull(s)).Select(s => s.Value ?? "")],
        var other => throw new SigmaRuleException($"'{key}' must be a list of values", other.Line()),
    };

    /// <summary>YAML null: <c>null</c>, <c>~</c> or nothing, unquoted.</summary>
    public static bool IsNull(this YamlScalarNode node) =>
        node.Style == ScalarStyle.Plain && (node.Value is null or "" or "~" || node.Value.Equals("null", StringComparison.OrdinalIgnoreCase));
}

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

    /// <summary>
    /// Reads a YAML file, or says why not as a problem with the line: invalid YAML (YamlDotNet's scanner also gives up
    /// with an <see cref="InvalidOperationException"/> on some input, e.g. an unclosed flow sequence), or an I/O error.
    /// </summary>
    public static YamlStream? TryLoad(string path, out RuleProblem? problem)
    {
        problem = null;
        try
        {
            var stream = new YamlStream();
            using var reader = File.OpenText(path);
            stream.Load(reader);
            return stream;
        }
        catch (YamlException e)
        {
            problem = new RuleProblem(path, (int)e.Start.Line, "invalid YAML: " + (e.InnerException?.Message ?? e.Message));
        }
        catch (InvalidOperationException e)
        {
            problem = new RuleProblem(path, 0, "invalid YAML: " + e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = new RuleProblem(path, 0, e.Message);
        }

        return null;
    }

    /// <summary>YAML null: <c>null</c>, <c>~</c> or nothing, unquoted.</summary>
    public static bool IsNull(this YamlScalarNode node) =>
        node.Style == ScalarStyle.Plain && (node.Value is null or "" or "~" || node.Value.Equals("null", StringComparison.OrdinalIgnoreCase));
}

using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

using Yagura.Detection.Sigma.Internal;

namespace Yagura.Detection.Sigma;

/// <summary>
/// How Sigma's taxonomy meets Yagura's events, as data (<c>content/pipelines/*.yml</c>): which event fields a Sigma
/// field name is read from, and which events belong to a log source (product, category, service).
/// </summary>
/// <remarks>
/// <code>
/// name: windows
/// product: windows                  # fields and prefixes apply to rules of this product (omit: to every rule)
/// fields:                           # Sigma field → event fields, tried in order; the first present is used
///   EventID: [EventID, event.code]
/// prefixes: ["", Event.EventData.]  # tried in turn before every name (after the mapping)
/// placeholders:                     # values of %name% for the 'expand' modifier (Sigma strings)
///   Administrators: ['*\admin*', 'CORP\Domain Admins']
/// logsources:
///   - product: windows
///     category: process_creation
///     when:                         # Sigma detection syntax: a map (AND) or a list of maps (OR)
///       - { Channel: Microsoft-Windows-Sysmon/Operational, EventID: 1 }
/// </code>
/// </remarks>
public sealed class SigmaPipeline
{
    private readonly List<PipelineFile> _files = [];

    /// <summary>Problems found while loading; a bad file or entry is skipped, the rest still load.</summary>
    public List<RuleProblem> Errors { get; } = [];

    public IReadOnlyList<string> Names => [.. _files.Select(f => f.Name)];

    /// <summary>Loads every <c>.yml</c>/<c>.yaml</c> file of the given files and directories, in name order.</summary>
    public static SigmaPipeline Load(IEnumerable<string> paths)
    {
        var pipeline = new SigmaPipeline();
        foreach (var file in RuleFiles.Expand(paths))
        {
            pipeline.LoadFile(file);
        }

        return pipeline;
    }

    private void LoadFile(string path)
    {
        if (YamlNodes.TryLoad(path, out var problem) is not { } stream)
        {
            Errors.Add(problem!);
            return;
        }

        try
        {
            foreach (var document in stream.Documents)
            {
                if (document.RootNode is not YamlMappingNode root)
                {
                    throw new SigmaRuleException("a pipeline must be a map", document.RootNode.Line());
                }

                _files.Add(PipelineFile.Parse(path, root));
            }
        }
        catch (SigmaRuleException e)
        {
            Errors.Add(new RuleProblem(path, e.Line, e.Message));
        }
    }

    /// <summary>The values a placeholder (<c>%name%</c>, for <c>expand</c>) stands for; null when no pipeline sets it.</summary>
    public IReadOnlyList<string>? Placeholder(string name) =>
        _files.Select(f => f.Placeholders.GetValueOrDefault(name)).LastOrDefault(v => v is not null);

    /// <summary>The event fields a Sigma field of a rule with this log source is read from, in order.</summary>
    public IReadOnlyList<string> Candidates(string field, string? product)
    {
        var result = new List<string>();
        foreach (var file in _files)
        {
            if (file.Product is null || string.Equals(file.Product, product, StringComparison.OrdinalIgnoreCase))
            {
                file.AddCandidates(field, result);
            }
        }

        if (result.Count == 0)
        {
            result.Add(field);
        }

        return result;
    }

    /// <summary>The event fields any pipeline reads a Sigma field from, the name itself first.</summary>
    public IReadOnlyList<string> AllCandidates(string field)
    {
        var result = new List<string> { field };
        foreach (var file in _files)
        {
            file.AddCandidates(field, result);
        }

        return result;
    }

    internal IEnumerable<(PipelineFile File, PipelineFile.LogSourceDefinition Definition)> LogSources =>
        _files.SelectMany(f => f.LogSources.Select(d => (f, d)));
}

/// <summary>One pipeline document.</summary>
internal sealed class PipelineFile
{
    private readonly Dictionary<string, string[]> _fields = new(StringComparer.OrdinalIgnoreCase);
    private string[] _prefixes = [""];

    public required string Name { get; init; }

    public string? Product { get; init; }

    public string Path { get; init; } = "";

    public List<LogSourceDefinition> LogSources { get; } = [];

    public Dictionary<string, string[]> Placeholders { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static PipelineFile Parse(string path, YamlMappingNode root)
    {
        var file = new PipelineFile
        {
            Path = path,
            Name = root.GetString("name") ?? System.IO.Path.GetFileNameWithoutExtension(path),
            Product = root.GetString("product")?.ToLowerInvariant(),
        };

        if (root.Get("fields") is { } fieldsNode)
        {
            if (fieldsNode is not YamlMappingNode fieldsMap)
            {
                throw new SigmaRuleException("'fields' must map Sigma field names to event field names", fieldsNode.Line());
            }

            foreach (var (key, value) in fieldsMap.Children)
            {
                file._fields[((YamlScalarNode)key).Value ?? ""] = value switch
                {
                    YamlScalarNode s => [s.Value ?? ""],
                    YamlSequenceNode seq => [.. seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "")],
                    _ => throw new SigmaRuleException("a field maps to a name or a list of names", value.Line()),
                };
            }
        }

        if (root.Get("prefixes") is { } prefixes)
        {
            file._prefixes = [.. root.GetStrings("prefixes")];
            if (file._prefixes.Length == 0)
            {
                throw new SigmaRuleException("'prefixes' must list at least one prefix (\"\" for none)", prefixes.Line());
            }
        }

        if (root.Get("placeholders") is { } placeholderNode)
        {
            if (placeholderNode is not YamlMappingNode placeholderMap)
            {
                throw new SigmaRuleException("'placeholders' must map names to lists of values", placeholderNode.Line());
            }

            foreach (var (key, value) in placeholderMap.Children)
            {
                file.Placeholders[((YamlScalarNode)key).Value ?? ""] = value switch
                {
                    YamlScalarNode v => [v.Value ?? ""],
                    YamlSequenceNode seq => [.. seq.Children.OfType<YamlScalarNode>().Select(v => v.Value ?? "")],
                    _ => throw new SigmaRuleException("a placeholder maps to a value or a list of values", value.Line()),
                };
            }
        }

        if (root.Get("logsources") is YamlSequenceNode sources)
        {
            foreach (var entry in sources.Children)
            {
                if (entry is not YamlMappingNode map || map.Get("when") is not { } when)
                {
                    throw new SigmaRuleException("a log source needs 'when' (Sigma detection syntax)", entry.Line());
                }

                var definition = new LogSourceDefinition(
                    map.GetString("product")?.ToLowerInvariant() ?? file.Product,
                    map.GetString("category")?.ToLowerInvariant(),
                    map.GetString("service")?.ToLowerInvariant(),
                    when,
                    map.Line());
                if (definition.Category is null && definition.Service is null && definition.Product is null)
                {
                    throw new SigmaRuleException("a log source needs a product, category or service", entry.Line());
                }

                file.LogSources.Add(definition);
            }
        }

        return file;
    }

    public void AddCandidates(string field, List<string> result)
    {
        var names = _fields.TryGetValue(field, out var mapped) ? mapped : [field];
        foreach (var prefix in _prefixes)
        {
            foreach (var name in names)
            {
                var candidate = prefix + name;
                if (!result.Contains(candidate))
                {
                    result.Add(candidate);
                }
            }
        }
    }

    internal sealed record LogSourceDefinition(string? Product, string? Category, string? Service, YamlNode When, int Line);
}

/// <summary>A file that could not be loaded, or a rule in it: where and why.</summary>
public sealed record RuleProblem(string Path, int Line, string Error);

internal static class RuleFiles
{
    /// <summary>Files as given, directories searched recursively for YAML, each sorted by path.</summary>
    public static IEnumerable<string> Expand(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal))
                {
                    yield return file;
                }
            }
            else
            {
                yield return path;
            }
        }
    }
}

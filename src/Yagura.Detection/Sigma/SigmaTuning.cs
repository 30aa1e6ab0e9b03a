using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

using Yagura.Detection.Sigma.Internal;

namespace Yagura.Detection.Sigma;

/// <summary>
/// Per-tenant rule tuning, from a YAML file:
/// <code>
/// tenants:
///   acme: { disabled: [rule id or name, …] }
///   "*":  { disabled: […] }          # every tenant
/// </code>
/// Given to <see cref="SigmaRuleSet.Load(IEnumerable{string}, SigmaPipeline, SigmaTuning?)"/>, which reports
/// references to unknown rules.
/// </summary>
public sealed class SigmaTuning
{
    /// <summary>The tenant key that stands for every tenant.</summary>
    public const string AllTenants = "*";

    private readonly Dictionary<string, List<(string Rule, int Line)>> _disabled = new(StringComparer.Ordinal);

    private SigmaTuning(string path) => Path = path;

    public string Path { get; }

    /// <summary>Malformed parts of the file, with their line; the rest of the file still applies.</summary>
    public List<RuleProblem> Errors { get; } = [];

    /// <summary>Per tenant (or <see cref="AllTenants"/>), the rules disabled, by id or name as written.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Disabled =>
        _disabled.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value.Select(r => r.Rule)], StringComparer.Ordinal);

    internal IEnumerable<(string Tenant, string Rule, int Line)> DisabledEntries =>
        _disabled.SelectMany(p => p.Value.Select(r => (p.Key, r.Rule, r.Line)));

    public static SigmaTuning Load(string path)
    {
        var tuning = new SigmaTuning(path);
        if (YamlNodes.TryLoad(path, out var problem) is not { } stream)
        {
            tuning.Errors.Add(problem!);
            return tuning;
        }

        if (stream.Documents.Count == 0)
        {
            return tuning;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root || root.Get("tenants") is not YamlMappingNode tenants)
        {
            tuning.Errors.Add(new RuleProblem(path, stream.Documents[0].RootNode.Line(), "a tuning file is a map with a 'tenants' map"));
            return tuning;
        }

        foreach (var (key, value) in tenants.Children)
        {
            var tenant = (key as YamlScalarNode)?.Value;
            if (string.IsNullOrEmpty(tenant) || value is not YamlMappingNode settings)
            {
                tuning.Errors.Add(new RuleProblem(path, key.Line(), "each tenant maps a tenant id (or \"*\") to its settings, e.g. { disabled: [rule ids] }"));
                continue;
            }

            foreach (var (settingKey, setting) in settings.Children)
            {
                if ((settingKey as YamlScalarNode)?.Value != "disabled")
                {
                    tuning.Errors.Add(new RuleProblem(path, settingKey.Line(), $"unknown tuning setting '{(settingKey as YamlScalarNode)?.Value}' (known: disabled)"));
                    continue;
                }

                if (setting is not YamlSequenceNode rules || rules.Children.Any(r => r is not YamlScalarNode))
                {
                    tuning.Errors.Add(new RuleProblem(path, setting.Line(), "'disabled' is a list of rule ids or names"));
                    continue;
                }

                if (!tuning._disabled.TryGetValue(tenant, out var list))
                {
                    tuning._disabled[tenant] = list = [];
                }

                list.AddRange(rules.Children.Cast<YamlScalarNode>().Where(r => !r.IsNull()).Select(r => (r.Value ?? "", r.Line())));
            }
        }

        return tuning;
    }
}

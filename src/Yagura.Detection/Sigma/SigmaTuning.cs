using YamlDotNet.RepresentationModel;

using Yagura.Core.Alerts;
using Yagura.Detection.Alerts;
using Yagura.Detection.Correlation;
using Yagura.Detection.Sigma.Internal;

namespace Yagura.Detection.Sigma;

/// <summary>
/// Per-tenant tuning of rules and their alerts, from a YAML file:
/// <code>
/// tenants:
///   "*":                                # every tenant; a tenant's own entry wins over it
///     disabled: [rule id or name, …]
///     severity: { rule id or name: critical, ioc:LIST: emergency }
///     suppress:
///       window: 10m                     # repeats within this much event time are one alert; off (or 0): none
///       by: [host.name]                 # detection rules: the event fields that tell repeats apart
///       rules:
///         rule id or name: { window: 1h, by: [User, IpAddress] }
///   acme: { disabled: […], severity: {…}, suppress: {…} }
/// </code>
/// Given to <see cref="SigmaRuleSet.Load(IEnumerable{string}, SigmaPipeline, SigmaTuning?)"/>, which reports
/// references to unknown rules and resolves names to rule ids (<see cref="SigmaRuleSet.Severity"/>,
/// <see cref="SigmaRuleSet.Suppression"/>).
/// </summary>
public sealed class SigmaTuning
{
    /// <summary>The tenant key that stands for every tenant.</summary>
    public const string AllTenants = "*";

    private static readonly string[] TenantSettings = ["disabled", "severity", "suppress"];
    private static readonly string[] SuppressSettings = ["window", "by", "rules"];
    private static readonly string[] RuleSuppressSettings = ["window", "by"];

    private readonly Dictionary<string, List<(string Rule, int Line)>> _disabled = new(StringComparer.Ordinal);
    private readonly List<(string Tenant, string Rule, Severity Severity, int Line)> _severity = [];
    private readonly Dictionary<string, SuppressionSettings> _suppressDefaults = new(StringComparer.Ordinal);
    private readonly List<(string Tenant, string Rule, SuppressionSettings Settings, int Line)> _suppressRules = [];

    private SigmaTuning(string path) => Path = path;

    public string Path { get; }

    /// <summary>Malformed parts of the file, with their line; the rest of the file still applies.</summary>
    public List<RuleProblem> Errors { get; } = [];

    /// <summary>Per tenant (or <see cref="AllTenants"/>), the rules disabled, by id or name as written.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Disabled =>
        _disabled.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value.Select(r => r.Rule)], StringComparer.Ordinal);

    /// <summary>Per tenant (or <see cref="AllTenants"/>), the severity overrides by rule id or name as written.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, Severity>> Severity =>
        _severity.GroupBy(s => s.Tenant, StringComparer.Ordinal).ToDictionary(
            g => g.Key, g => (IReadOnlyDictionary<string, Severity>)g.ToDictionary(s => s.Rule, s => s.Severity, StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>Per tenant (or <see cref="AllTenants"/>), the suppression settings for all its rules.</summary>
    public IReadOnlyDictionary<string, SuppressionSettings> SuppressionDefaults => _suppressDefaults;

    /// <summary>Per tenant (or <see cref="AllTenants"/>), the suppression settings by rule id or name as written.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, SuppressionSettings>> SuppressionRules =>
        _suppressRules.GroupBy(s => s.Tenant, StringComparer.Ordinal).ToDictionary(
            g => g.Key, g => (IReadOnlyDictionary<string, SuppressionSettings>)g.ToDictionary(s => s.Rule, s => s.Settings, StringComparer.Ordinal), StringComparer.Ordinal);

    internal IEnumerable<(string Tenant, string Rule, int Line)> DisabledEntries =>
        _disabled.SelectMany(p => p.Value.Select(r => (p.Key, r.Rule, r.Line)));

    internal IReadOnlyList<(string Tenant, string Rule, Severity Severity, int Line)> SeverityEntries => _severity;

    internal IReadOnlyList<(string Tenant, string Rule, SuppressionSettings Settings, int Line)> SuppressionEntries => _suppressRules;

    /// <summary>
    /// References to IOC lists (<c>ioc:LIST</c>) that name none of <paramref name="lists"/>. The rule set cannot check
    /// them: IOC lists are loaded apart from the rules.
    /// </summary>
    public IEnumerable<RuleProblem> UnknownIocLists(IReadOnlyCollection<string> lists)
    {
        ArgumentNullException.ThrowIfNull(lists);
        return _severity.Select(s => (s.Tenant, s.Rule, s.Line, Purpose: "for a severity override"))
            .Concat(_suppressRules.Select(s => (s.Tenant, s.Rule, s.Line, Purpose: "to suppress")))
            .Where(r => IsIocRule(r.Rule) && !lists.Contains(r.Rule[AlertDetector.IocRulePrefix.Length..]))
            .Select(r => new RuleProblem(Path, r.Line, $"tenant '{r.Tenant}': no IOC list '{r.Rule[AlertDetector.IocRulePrefix.Length..]}' {r.Purpose}"));
    }

    /// <summary>Whether a rule reference names the alerts of an IOC list rather than a Sigma rule.</summary>
    internal static bool IsIocRule(string rule) => rule.StartsWith(AlertDetector.IocRulePrefix, StringComparison.Ordinal);

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
            tuning.Error(stream.Documents[0].RootNode, "a tuning file is a map with a 'tenants' map");
            return tuning;
        }

        foreach (var (key, value) in tenants.Children)
        {
            var tenant = (key as YamlScalarNode)?.Value;
            if (string.IsNullOrEmpty(tenant) || value is not YamlMappingNode settings)
            {
                tuning.Error(key, "each tenant maps a tenant id (or \"*\") to its settings, e.g. { disabled: [rule ids] }");
                continue;
            }

            foreach (var (settingKey, setting) in tuning.Known(settings, TenantSettings, "tuning setting"))
            {
                switch (settingKey)
                {
                    case "disabled":
                        tuning.ReadDisabled(tenant, setting);
                        break;
                    case "severity":
                        tuning.ReadSeverity(tenant, setting);
                        break;
                    default:
                        tuning.ReadSuppress(tenant, setting);
                        break;
                }
            }
        }

        return tuning;
    }

    private void ReadDisabled(string tenant, YamlNode setting)
    {
        if (setting is not YamlSequenceNode rules || rules.Children.Any(r => r is not YamlScalarNode))
        {
            Error(setting, "'disabled' is a list of rule ids or names");
            return;
        }

        if (!_disabled.TryGetValue(tenant, out var list))
        {
            _disabled[tenant] = list = [];
        }

        list.AddRange(rules.Children.Cast<YamlScalarNode>().Where(r => !r.IsNull()).Select(r => (r.Value ?? "", r.Line())));
    }

    private void ReadSeverity(string tenant, YamlNode setting)
    {
        if (setting is not YamlMappingNode overrides)
        {
            Error(setting, "'severity' maps rule ids or names to a severity (information, warning, critical, emergency)");
            return;
        }

        foreach (var (rule, value) in RuleEntries(overrides, "severity"))
        {
            if (value is YamlScalarNode scalar && SeverityPolicy.TryParse(scalar.Value, out var severity))
            {
                _severity.Add((tenant, rule, severity, value.Line()));
            }
            else
            {
                Error(value, $"'{(value as YamlScalarNode)?.Value}' is not a severity (information, warning, critical, emergency)");
            }
        }
    }

    private void ReadSuppress(string tenant, YamlNode setting)
    {
        if (setting is not YamlMappingNode suppress)
        {
            Error(setting, "'suppress' is a map: { window: 10m, by: [fields], rules: { rule id or name: { window, by } } }");
            return;
        }

        var defaults = ReadSuppressionSettings(suppress, SuppressSettings);
        if (defaults is { Window: not null } or { By: not null })
        {
            _suppressDefaults[tenant] = defaults;
        }

        if (suppress.Get("rules") is not { } rulesNode)
        {
            return;
        }

        if (rulesNode is not YamlMappingNode rules)
        {
            Error(rulesNode, "'rules' maps rule ids or names to { window, by }");
            return;
        }

        foreach (var (rule, value) in RuleEntries(rules, "suppress"))
        {
            if (value is not YamlMappingNode ruleSettings)
            {
                Error(value, $"rule '{rule}': suppression settings are a map such as {{ window: 1h, by: [User] }}");
                continue;
            }

            var settings = ReadSuppressionSettings(ruleSettings, RuleSuppressSettings);
            if (settings.By is not null && IsIocRule(rule))
            {
                Error(ruleSettings.Get("by")!, $"rule '{rule}': 'by' does not apply to IOC alerts, which are told apart by the field and value that matched");
                settings = settings with { By = null };
            }

            _suppressRules.Add((tenant, rule, settings, value.Line()));
        }
    }

    /// <summary>The window and group-by fields of a suppress map (either may be left unset); errors for bad ones.</summary>
    private SuppressionSettings ReadSuppressionSettings(YamlMappingNode map, string[] known)
    {
        TimeSpan? window = null;
        IReadOnlyList<string>? by = null;
        foreach (var (key, value) in Known(map, known, "suppress setting"))
        {
            switch (key)
            {
                case "window":
                    window = value is YamlScalarNode { Value: { } text } ? TryParseWindow(text) : null;
                    if (window is null)
                    {
                        Error(value, $"window '{(value as YamlScalarNode)?.Value}' is not off, 0 or a whole number followed by s, m, h or d (such as 30s, 10m, 1h, 1d)");
                    }

                    break;
                case "by":
                    if (value is YamlSequenceNode fields && fields.Children.All(f => f is YamlScalarNode { Value.Length: > 0 } s && !s.IsNull()))
                    {
                        by = [.. fields.Children.Cast<YamlScalarNode>().Select(f => f.Value!)];
                    }
                    else
                    {
                        Error(value, "'by' is a list of event field names (Sigma names work through the pipelines), such as [User, IpAddress]");
                    }

                    break;
            }
        }

        return new SuppressionSettings(window, by);
    }

    private static TimeSpan? TryParseWindow(string text) =>
        text is "off" or "0" ? TimeSpan.Zero : CorrelationRuleParser.TryParseTimespan(text);

    /// <summary>The entries of a map whose keys are among <paramref name="known"/>; the others are errors.</summary>
    private IEnumerable<(string Key, YamlNode Value)> Known(YamlMappingNode map, string[] known, string what)
    {
        foreach (var (keyNode, value) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value;
            if (key is null || !known.Contains(key))
            {
                Error(keyNode, $"unknown {what} '{key}' (known: {string.Join(", ", known)})");
                continue;
            }

            yield return (key, value);
        }
    }

    /// <summary>The entries of a map keyed by rule ids or names; a key that is no name is an error.</summary>
    private IEnumerable<(string Rule, YamlNode Value)> RuleEntries(YamlMappingNode map, string setting)
    {
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value.Length: > 0 } key || key.IsNull())
            {
                Error(keyNode, $"'{setting}' is keyed by rule ids or names");
                continue;
            }

            yield return (key.Value!, value);
        }
    }

    private void Error(YamlNode node, string message) => Errors.Add(new RuleProblem(Path, node.Line(), message));
}

/// <summary>
/// Suppression settings at one level of a tuning file (a tenant's defaults, or one rule's); null parts are not set
/// there and come from the next level (<see cref="SuppressionPolicy"/>).
/// </summary>
/// <param name="Window">How much event time after an alert's first match repeats are counted into it; zero: none.</param>
/// <param name="By">The event fields whose values tell repeats of a detection rule apart; empty: one alert for all.</param>
public sealed record SuppressionSettings(TimeSpan? Window, IReadOnlyList<string>? By);

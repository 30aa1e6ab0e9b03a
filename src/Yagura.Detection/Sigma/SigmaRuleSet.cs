using System.Runtime.CompilerServices;

using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

using Yagura.Core.Alerts;
using Yagura.Detection.Alerts;
using Yagura.Detection.Correlation;
using Yagura.Detection.Events;
using Yagura.Detection.Sigma.Internal;

namespace Yagura.Detection.Sigma;

/// <summary>
/// Sigma rules compiled against a pipeline, grouped by log source: an event is checked against a group's rules only
/// when it belongs to the group's log source. Immutable once loaded; each thread evaluates events through its own
/// <see cref="Matcher"/>.
/// </summary>
public sealed class SigmaRuleSet
{
    private readonly FieldTable _fields = new();
    private readonly List<RuleGroup> _groups = [];
    private readonly List<SigmaRule> _rules = [];
    private readonly List<SigmaFilter> _filters = [];

    // Set 0: the groups' log-source predicates (most are a channel or an event id); set g + 1: group g's rules.
    private Prefilter _prefilter = null!;

    private SigmaRuleSet(SigmaPipeline pipeline) => Pipeline = pipeline;

    public SigmaPipeline Pipeline { get; }

    /// <summary>Rules whose detection compiled and whose log source the pipeline defines: these are evaluated.</summary>
    public IReadOnlyList<SigmaRule> Rules => _rules;

    /// <summary>Every rule document found: detection, correlation and filter documents.</summary>
    public int Total { get; private set; }

    /// <summary>Rules (detection and correlation) and filters that compiled, active or not.</summary>
    public int Compiled { get; private set; }

    /// <summary>Valid rules using something Yagura does not evaluate.</summary>
    public List<RuleProblem> Unsupported { get; } = [];

    /// <summary>Invalid files and rules: YAML errors, unknown modifiers, malformed conditions …</summary>
    public List<RuleProblem> Errors { get; } = [];

    /// <summary>Compiled rules that are not evaluated because no pipeline defines their log source.</summary>
    public List<RuleProblem> Inactive { get; } = [];

    /// <summary>Correlation rules found among the rule files (valid ones; the others are in <see cref="Errors"/>).</summary>
    public List<CorrelationRule> Correlations { get; } = [];

    /// <summary>Global filters found among the rule files (valid ones; the others are in <see cref="Errors"/>).</summary>
    public IReadOnlyList<SigmaFilter> Filters => _filters;

    /// <summary>The severity of alerts: the Sigma level mapping, with the tuning file's overrides per rule and tenant.</summary>
    public SeverityPolicy Severity { get; private set; } = SeverityPolicy.Default;

    /// <summary>The suppression of repeated alerts: the tuning file's, or the built-in default without one.</summary>
    public SuppressionPolicy Suppression { get; private set; } = SuppressionPolicy.Default;

    /// <summary>
    /// Loads every rule file of <paramref name="paths"/> (files or directories, searched recursively): detection,
    /// correlation and filter documents. Filters, and <paramref name="tuning"/> when given, are attached to the rules
    /// they name; names that match no loaded rule are reported in <see cref="Errors"/>.
    /// </summary>
    public static SigmaRuleSet Load(IEnumerable<string> paths, SigmaPipeline pipeline, SigmaTuning? tuning = null)
    {
        var set = new SigmaRuleSet(pipeline);
        var byLogSource = new Dictionary<SigmaLogSource, List<SigmaRule>>();
        var all = new List<SigmaRule>();
        foreach (var file in RuleFiles.Expand(paths))
        {
            foreach (var rule in set.LoadFile(file))
            {
                all.Add(rule);
                if (!byLogSource.TryGetValue(rule.LogSource, out var list))
                {
                    byLogSource[rule.LogSource] = list = [];
                }

                list.Add(rule);
            }
        }

        foreach (var (logSource, rules) in byLogSource)
        {
            var predicate = set.CompileLogSource(logSource, out var missing);
            if (predicate is null)
            {
                set.Inactive.AddRange(rules.Select(r => new RuleProblem(r.Path, r.Line, $"no pipeline defines the log source {missing}")));
                continue;
            }

            set._groups.Add(new RuleGroup(logSource, predicate, [.. rules]));
            set._rules.AddRange(rules);
        }

        set.ApplyTuning(all, tuning);

        // Last: it reads every field compiled, the filters' among them.
        set._prefilter = new Prefilter([[.. set._groups.Select(g => g.Predicate)], .. set._groups.Select(g => g.Rules.Select(r => r.Detection).ToList())], set._fields);
        return set;
    }

    /// <summary>Attaches filters and per-tenant disabling to the rules they name (by id or name). Filters are compiled
    /// with the field mapping of each rule's product, since a filter's log source may leave the product open.</summary>
    private void ApplyTuning(List<SigmaRule> rules, SigmaTuning? tuning)
    {
        var byReference = new Dictionary<string, List<SigmaRule>>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            foreach (var reference in new[] { rule.Id, rule.Name }.Distinct())
            {
                if (reference is not null)
                {
                    (byReference.TryGetValue(reference, out var list) ? list : byReference[reference] = []).Add(rule);
                }
            }
        }

        foreach (var filter in _filters)
        {
            var compiled = new Dictionary<string, Node>(StringComparer.Ordinal);
            var references = filter.Detection.Get("rules") switch
            {
                YamlSequenceNode seq => seq.Children.Select(c => (((YamlScalarNode)c).Value ?? "", c.Line())).ToList(),
                var single => [(filter.Rules[0], single!.Line())],
            };
            foreach (var (reference, line) in references)
            {
                if (!byReference.TryGetValue(reference, out var targets))
                {
                    Errors.Add(new RuleProblem(filter.Path, line, $"filter '{filter.Title}': no rule with id or name '{reference}'"));
                    continue;
                }

                foreach (var rule in targets)
                {
                    if (!Covers(filter.LogSource, rule.LogSource))
                    {
                        Errors.Add(new RuleProblem(filter.Path, line,
                            $"filter '{filter.Title}': its log source ({filter.LogSource}) does not cover rule '{rule.Id}' ({rule.LogSource}); not applied to it"));
                        continue;
                    }

                    var product = rule.LogSource.Product ?? "";
                    if (!compiled.TryGetValue(product, out var condition))
                    {
                        compiled[product] = condition = CompileFilter(filter.Detection, rule.LogSource.Product);
                    }

                    (rule.Tuning ??= new RuleTuning()).Filters.Add((filter.Tenant, condition));
                }
            }
        }

        if (tuning is null)
        {
            return;
        }

        Errors.AddRange(tuning.Errors);
        void Unknown(string tenant, string reference, int line, string purpose) =>
            Errors.Add(new RuleProblem(tuning.Path, line, $"tenant '{tenant}': no rule with id or name '{reference}' {purpose}"));

        foreach (var (tenant, reference, line) in tuning.DisabledEntries)
        {
            if (!byReference.TryGetValue(reference, out var targets))
            {
                Unknown(tenant, reference, line, "to disable");
                continue;
            }

            foreach (var rule in targets)
            {
                var ruleTuning = rule.Tuning ??= new RuleTuning();
                if (tenant == SigmaTuning.AllTenants)
                {
                    ruleTuning.DisabledEverywhere = true;
                }
                else
                {
                    ruleTuning.DisabledTenants.Add(tenant);
                }
            }
        }

        ApplyAlertTuning(byReference, tuning, Unknown);

        // Every part of the filter's log source must be the rule's (as pySigma: the filter's parts are constraints).
        static bool Covers(SigmaLogSource filter, SigmaLogSource rule) =>
            (filter.Product is null || filter.Product == rule.Product)
            && (filter.Category is null || filter.Category == rule.Category)
            && (filter.Service is null || filter.Service == rule.Service);
    }

    /// <summary>
    /// Severity overrides and suppression settings, from names to the rule ids alerts carry (a detection rule's
    /// <see cref="SigmaRule.Id"/>, a correlation's <see cref="CorrelationRule.Key"/>; <c>ioc:LIST</c> as written).
    /// </summary>
    private void ApplyAlertTuning(Dictionary<string, List<SigmaRule>> byReference, SigmaTuning tuning, Action<string, string, int, string> unknown)
    {
        List<(string RuleId, bool Correlation)> Resolve(string tenant, string reference, int line, string purpose)
        {
            if (SigmaTuning.IsIocRule(reference))
            {
                return [(reference, false)];
            }

            List<(string RuleId, bool Correlation)> targets =
            [
                .. (byReference.GetValueOrDefault(reference) ?? []).Select(r => (r.Id, false)),
                .. Correlations.Where(c => c.Id == reference || c.Name == reference).Select(c => (c.Key, true)),
            ];
            if (targets.Count == 0)
            {
                unknown(tenant, reference, line, purpose);
            }

            return targets;
        }

        var byRule = new Dictionary<string, Severity>(StringComparer.OrdinalIgnoreCase);
        var byTenantRule = new Dictionary<(string, string), Severity>();
        foreach (var (tenant, reference, severity, line) in tuning.SeverityEntries)
        {
            foreach (var (ruleId, _) in Resolve(tenant, reference, line, "for a severity override"))
            {
                if (tenant == SigmaTuning.AllTenants)
                {
                    byRule[ruleId] = severity;
                }
                else
                {
                    byTenantRule[(tenant, ruleId)] = severity;
                }
            }
        }

        Severity = new SeverityPolicy(byRule, byTenantRule);
        var suppressed = new Dictionary<(string, string), SuppressionSettings>();
        foreach (var (tenant, reference, settings, line) in tuning.SuppressionEntries)
        {
            foreach (var (ruleId, correlation) in Resolve(tenant, reference, line, "to suppress"))
            {
                if (correlation && settings.By is not null)
                {
                    Errors.Add(new RuleProblem(tuning.Path, line,
                        $"tenant '{tenant}': 'by' does not apply to correlation '{reference}', whose alerts are told apart by its group-by"));
                }

                suppressed[(tenant, ruleId)] = correlation ? settings with { By = null } : settings;
            }
        }

        Suppression = new SuppressionPolicy(tuning.SuppressionDefaults, suppressed);
    }

    /// <summary>Rules the prefilters cannot rule out, evaluated for every event of their log source.</summary>
    internal IEnumerable<SigmaRule> AlwaysEvaluated => _groups.SelectMany((g, i) => _prefilter.Always[i + 1].Select(r => g.Rules[r]));

    /// <summary>Literals the prefilter looks for, per field.</summary>
    internal int PrefilterAtoms => _prefilter.AtomCount;

    /// <summary>
    /// A correlation engine over <see cref="Correlations"/>, reading group-by and value fields through the pipelines
    /// (a correlation rule has no log source of its own, so every pipeline's names for the field are tried).
    /// </summary>
    public CorrelationEngine CreateCorrelationEngine(CorrelationEngineOptions? options = null) =>
        new(Correlations, (e, field) =>
        {
            foreach (var name in Pipeline.AllCandidates(field))
            {
                if (e.Fields.TryGetValue(name, out var value))
                {
                    return value;
                }
            }

            return null;
        }, options);

    /// <summary>A matcher owns the per-event scratch state; use one per thread.</summary>
    public Matcher CreateMatcher() => new(this);

    private IEnumerable<SigmaRule> LoadFile(string path)
    {
        if (YamlNodes.TryLoad(path, out var problem) is not { } stream)
        {
            Total++;
            Errors.Add(problem!);
            yield break;
        }

        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root)
            {
                Total++;
                Errors.Add(new RuleProblem(path, document.RootNode.Line(), "a rule must be a YAML map"));
                continue;
            }

            if (CorrelationRuleParser.IsCorrelation(root))
            {
                Total++;
                var result = CorrelationRuleParser.Parse(root, path);
                Errors.AddRange(result.Errors.Select(e => new RuleProblem(e.Path, e.Line, e.Message)));
                if (result.Rule is { } correlation)
                {
                    Compiled++;
                    Correlations.Add(correlation);
                }

                continue;
            }

            if (root.Get("filter") is not null)
            {
                Total++;
                try
                {
                    _filters.Add(ParseFilter(path, root));
                    Compiled++;
                }
                catch (SigmaUnsupportedException e)
                {
                    Unsupported.Add(new RuleProblem(path, e.Line == 0 ? root.Line() : e.Line, e.Message));
                }
                catch (SigmaRuleException e)
                {
                    Errors.Add(new RuleProblem(path, e.Line == 0 ? root.Line() : e.Line, e.Message));
                }

                continue;
            }

            Total++;
            SigmaRule? rule = null;
            try
            {
                rule = Parse(path, root);
                Compiled++;
            }
            catch (SigmaUnsupportedException e)
            {
                Unsupported.Add(new RuleProblem(path, e.Line == 0 ? root.Line() : e.Line, e.Message));
            }
            catch (SigmaRuleException e)
            {
                Errors.Add(new RuleProblem(path, e.Line == 0 ? root.Line() : e.Line, e.Message));
            }

            if (rule is not null)
            {
                yield return rule;
            }
        }
    }

    private SigmaRule Parse(string path, YamlMappingNode root)
    {
        if (root.Get("action") is not null)
        {
            throw new SigmaUnsupportedException("rule collections ('action: global/repeat') are Sigma 1 syntax", root.Line());
        }

        var title = root.GetString("title") ?? throw new SigmaRuleException("the rule has no 'title'", root.Line());
        var logSourceNode = root.Get("logsource") as YamlMappingNode ?? throw new SigmaRuleException("the rule has no 'logsource' map", root.Line());
        var logSource = new SigmaLogSource(
            logSourceNode.GetString("product")?.ToLowerInvariant(),
            logSourceNode.GetString("category")?.ToLowerInvariant(),
            logSourceNode.GetString("service")?.ToLowerInvariant());
        var detection = root.Get("detection") as YamlMappingNode ?? throw new SigmaRuleException("the rule has no 'detection' map", root.Line());

        var compiler = new DetectionCompiler(_fields, field => Pipeline.Candidates(field, logSource.Product), Pipeline.Placeholder);
        var identifiers = new Dictionary<string, Node>(StringComparer.Ordinal);
        YamlNode? condition = null;
        foreach (var (keyNode, value) in detection.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            switch (key)
            {
                case "condition":
                    condition = value;
                    break;
                case "timeframe":
                    break;
                default:
                    identifiers[key] = compiler.CompileSearch(value);
                    break;
            }
        }

        var conditions = condition switch
        {
            YamlScalarNode s when !s.IsNull() => [s],
            YamlSequenceNode seq when seq.Children.Count > 0 => seq.Children.Select(c => c as YamlScalarNode ?? throw new SigmaRuleException("a condition list holds strings", c.Line())).ToList(),
            _ => throw new SigmaRuleException("the detection has no 'condition'", detection.Line()),
        };

        var nodes = conditions.Select(c =>
        {
            try
            {
                return ConditionParser.Parse(c.Value ?? "", identifiers);
            }
            catch (SigmaRuleException e) when (e.Line == 0)
            {
                throw e is SigmaUnsupportedException ? new SigmaUnsupportedException(e.Message, c.Line()) : new SigmaRuleException(e.Message, c.Line());
            }
        }).ToArray();

        return new SigmaRule(nodes.Length == 1 ? nodes[0] : new OrNode(nodes))
        {
            Id = root.GetString("id") ?? System.IO.Path.GetFileNameWithoutExtension(path),
            Name = root.GetString("name"),
            Title = title,
            Status = root.GetString("status"),
            Description = root.GetString("description"),
            Level = root.GetString("level")?.ToLowerInvariant() ?? "",
            Tags = root.GetStrings("tags"),
            FalsePositives = root.Get("falsepositives") is YamlSequenceNode ? root.GetStrings("falsepositives") : [],
            LogSource = logSource,
            Path = path,
            Line = root.Line(),
        };
    }

    private SigmaFilter ParseFilter(string path, YamlMappingNode root)
    {
        var title = root.GetString("title") ?? throw new SigmaRuleException("the filter has no 'title'", root.Line());
        var logSourceNode = root.Get("logsource") as YamlMappingNode ?? throw new SigmaRuleException("the filter has no 'logsource' map", root.Line());
        var logSource = new SigmaLogSource(
            logSourceNode.GetString("product")?.ToLowerInvariant(),
            logSourceNode.GetString("category")?.ToLowerInvariant(),
            logSourceNode.GetString("service")?.ToLowerInvariant());
        var filterNode = root.Get("filter")!;
        var filter = filterNode as YamlMappingNode ?? throw new SigmaRuleException("'filter' must be a map of 'rules', search identifiers and 'condition'", filterNode.Line());
        IReadOnlyList<string> rules = filter.Get("rules") switch
        {
            YamlSequenceNode seq when seq.Children.Count > 0 && seq.Children.All(c => c is YamlScalarNode s && !s.IsNull()) =>
                [.. seq.Children.Select(c => ((YamlScalarNode)c).Value ?? "")],
            YamlScalarNode s when !s.IsNull() => [s.Value ?? ""],
            null => throw new SigmaRuleException("the filter has no 'rules' list (the ids or names of the rules it applies to)", filter.Line()),
            var other => throw new SigmaRuleException("'rules' must be a non-empty list of rule ids or names", other.Line()),
        };

        // Compiled here to report errors; compiled again per product of the rules it applies to.
        CompileFilter(filter, logSource.Product);
        return new SigmaFilter(filter)
        {
            Id = root.GetString("id"),
            Title = title,
            Description = root.GetString("description"),
            LogSource = logSource,
            Rules = rules,
            Tenant = SigmaFilter.TenantOf(path),
            Path = path,
            Line = root.Line(),
        };
    }

    private Node CompileFilter(YamlMappingNode filter, string? product)
    {
        var compiler = new DetectionCompiler(_fields, field => Pipeline.Candidates(field, product), Pipeline.Placeholder);
        var identifiers = new Dictionary<string, Node>(StringComparer.Ordinal);
        YamlNode? condition = null;
        foreach (var (keyNode, value) in filter.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            switch (key)
            {
                case "rules":
                    break;
                case "condition":
                    condition = value;
                    break;
                default:
                    identifiers[key] = compiler.CompileSearch(value);
                    break;
            }
        }

        if (identifiers.Count == 0)
        {
            throw new SigmaRuleException("the filter has no search identifier (such as 'selection')", filter.Line());
        }

        if (condition is not YamlScalarNode text || text.IsNull())
        {
            throw new SigmaRuleException("the filter needs one 'condition' string", condition?.Line() ?? filter.Line());
        }

        try
        {
            return ConditionParser.Parse(text.Value ?? "", identifiers);
        }
        catch (SigmaRuleException e) when (e.Line == 0)
        {
            throw e is SigmaUnsupportedException ? new SigmaUnsupportedException(e.Message, text.Line()) : new SigmaRuleException(e.Message, text.Line());
        }
    }

    /// <summary>The test for "this event is of that log source": every part the rule names must be defined.</summary>
    private Node? CompileLogSource(SigmaLogSource logSource, out string missing)
    {
        var parts = new List<Node>();
        missing = "";
        foreach (var (kind, value) in new[] { ("product", logSource.Product), ("category", logSource.Category), ("service", logSource.Service) })
        {
            if (value is null)
            {
                continue;
            }

            // A category or service defined for the rule's product wins over a product-independent definition.
            var candidates = Pipeline.LogSources.Where(d => kind switch
            {
                "product" => d.Definition.Product == value && d.Definition.Category is null && d.Definition.Service is null,
                "category" => d.Definition.Category == value,
                _ => d.Definition.Service == value,
            }).ToList();
            if (kind != "product")
            {
                var specific = candidates.Where(d => d.Definition.Product == logSource.Product).ToList();
                candidates = specific.Count > 0 ? specific : [.. candidates.Where(d => d.Definition.Product is null)];
            }

            if (candidates.Count == 0)
            {
                missing = $"{kind}:{value}" + (kind != "product" && logSource.Product is not null ? $" (product:{logSource.Product})" : "");
                return null;
            }

            parts.AddRange(candidates.Select(d =>
            {
                var compiler = new DetectionCompiler(_fields, field => Pipeline.Candidates(field, d.File.Product ?? d.Definition.Product));
                return compiler.CompileSearch(d.Definition.When);
            }).ToArray() is var nodes && nodes.Length == 1 ? nodes[0] : new OrNode(nodes));
        }

        return parts.Count switch
        {
            0 => ConstNode.True,
            1 => parts[0],
            _ => new AndNode([.. parts]),
        };
    }

    private sealed record RuleGroup(SigmaLogSource LogSource, Node Predicate, SigmaRule[] Rules);

    /// <summary>Evaluates events against the rule set, reusing its scratch state between events.</summary>
    public sealed class Matcher
    {
        private readonly SigmaRuleSet _set;
        private readonly EvalContext _context;
        private readonly Prefilter.State _marks;
        private readonly List<int> _groups = [];
        private readonly List<int> _candidates = [];

        internal Matcher(SigmaRuleSet set)
        {
            _set = set;
            _context = new EvalContext(set._fields);
            _marks = new Prefilter.State(set._prefilter);
        }

        /// <summary>Rules evaluated so far (those the prefilter did not rule out), for profiling.</summary>
        public long RulesEvaluated { get; private set; }

        /// <summary>Log-source predicates evaluated so far (those the prefilter did not rule out), for profiling.</summary>
        public long PredicatesEvaluated { get; private set; }

        /// <summary>Values whose scan was replayed from an earlier event rather than run again, for profiling.</summary>
        public long ScansReplayed => _marks.Replayed;

        /// <summary>Values remembered with what the scans found in them, for profiling.</summary>
        public int ValuesRemembered => _marks.RememberedCount;

        /// <summary>Adds the rules <paramref name="e"/> matches to <paramref name="matches"/>, in load order per log source:
        /// rules disabled for the event's tenant, or whose filters for that tenant do not hold, are left out.</summary>
        // The per-event path (this, the prefilter's scan, the automaton, the common nodes, reading JSON) is compiled
        // optimised at its first call: tiered compilation waits for 100 ms without new methods before it optimises, and
        // a run that keeps meeting new rules ran unoptimised code for ~10 % of a million events (`perf`, 2026-12-03).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Match(DetectionEvent e, List<SigmaRule> matches)
        {
            var prefilter = _set._prefilter;
            _context.Reset(e);
            _marks.Next();
            prefilter.Scan(_context, _marks);
            _context.Atoms = _marks;
            _marks.Candidates(prefilter.Always[0], 0, _groups);
            PredicatesEvaluated += _groups.Count;
            foreach (var g in _groups)
            {
                var group = _set._groups[g];
                if (!group.Predicate.Eval(_context))
                {
                    continue;
                }

                _marks.Candidates(prefilter.Always[g + 1], g + 1, _candidates);
                RulesEvaluated += _candidates.Count;
                foreach (var r in _candidates)
                {
                    var rule = group.Rules[r];
                    if (rule.Detection.Eval(_context) && (rule.Tuning is null || rule.Tuning.Allows(_context)))
                    {
                        matches.Add(rule);
                    }
                }
            }

            _context.Atoms = null;
        }

        /// <summary>Every rule of every group whose log source holds, without the prefilter: the reference the prefilter
        /// is tested against.</summary>
        internal void MatchExhaustively(DetectionEvent e, List<SigmaRule> matches)
        {
            _context.Reset(e);
            _context.Atoms = null;
            foreach (var group in _set._groups)
            {
                if (group.Predicate.Eval(_context))
                {
                    matches.AddRange(group.Rules.Where(r => r.Detection.Eval(_context) && (r.Tuning is null || r.Tuning.Allows(_context))));
                }
            }
        }
    }
}

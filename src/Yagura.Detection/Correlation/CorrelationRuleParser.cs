using System.Globalization;

using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Yagura.Detection.Correlation;

/// <summary>A problem found in a correlation rule: the file, the 1-based line of the offending node, and what is wrong.</summary>
public sealed record CorrelationParseError(string Path, int Line, string Message)
{
    public override string ToString() => $"{Path}({Line}): {Message}";
}

/// <summary>Either a rule or the errors that kept it from being one (never both).</summary>
public sealed record CorrelationParseResult(CorrelationRule? Rule, IReadOnlyList<CorrelationParseError> Errors)
{
    public bool IsValid => Rule is not null;
}

/// <summary>
/// Reads Sigma correlation rules (specification 2.1) from YAML documents. Invalid input is reported as
/// <see cref="CorrelationParseError"/>s with line numbers, all that can be found at once; nothing throws.
/// </summary>
/// <remarks>
/// Beyond the JSON schema, the parser rejects what would silently do something else than the author meant: unknown
/// keys in the <c>correlation</c> section (a <c>group_by</c> typo would otherwise mean "no grouping"), a
/// <c>field</c> on types that do not use one, and conditions no count can meet. Time spans take the units the
/// specification lists (s, m, h, d); pySigma's w, M and y are refused, the last two having no fixed length.
/// Where the specification and pySigma differ, the specification wins: a condition may hold several operators
/// (joined by AND, the specification's way of writing a range; pySigma takes exactly one). pySigma's extensions that
/// the specification leaves open are read: <c>percentile</c> for value_percentile (default 50), a single string for
/// <c>rules</c> or <c>group-by</c>, <c>generate</c> inside the correlation section, fractional thresholds.
/// </remarks>
public static class CorrelationRuleParser
{
    private static readonly string[] Levels = ["informational", "low", "medium", "high", "critical"];
    private static readonly string[] Statuses = ["stable", "test", "experimental", "deprecated", "unsupported"];
    private static readonly string[] CorrelationKeys = ["type", "rules", "group-by", "timespan", "condition", "aliases", "generate"];

    /// <summary>True when the document is a correlation rule (it has a <c>correlation</c> section), not a detection rule.</summary>
    public static bool IsCorrelation(YamlMappingNode document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return document.Children.ContainsKey(new YamlScalarNode("correlation"));
    }

    /// <summary>
    /// Parses every correlation document of a (possibly multi-document) YAML text, skipping the detection rules
    /// that may share the file. Text that is not YAML gives one result holding the syntax error.
    /// </summary>
    public static IReadOnlyList<CorrelationParseResult> ParseText(string yaml, string path)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(path);
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(yaml);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            return [new CorrelationParseResult(null, [new CorrelationParseError(path, LineOf(e.Start), "not valid YAML: " + e.Message)])];
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this, without a position, on some malformed input (an unterminated flow
            // sequence, for one). The line is unknown; 1 points at the file.
            return [new CorrelationParseResult(null, [new CorrelationParseError(path, 1, "not valid YAML: " + e.Message)])];
        }

        var results = new List<CorrelationParseResult>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlMappingNode map && IsCorrelation(map))
            {
                results.Add(Parse(map, path));
            }
        }

        return results;
    }

    /// <summary>Parses one YAML document holding a correlation rule.</summary>
    public static CorrelationParseResult Parse(YamlMappingNode document, string path)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(path);
        return new DocumentParser(document, path).Parse();
    }

    private static int LineOf(Mark mark) => (int)Math.Min(int.MaxValue, Math.Max(1, mark.Line));

    private sealed class DocumentParser(YamlMappingNode document, string path)
    {
        private readonly List<CorrelationParseError> _errors = [];

        // Where to report a key missing from the correlation section: the line that says "correlation:".
        private YamlNode _correlationKey = document;

        public CorrelationParseResult Parse()
        {
            var title = RequiredString(document, "title", document);
            if (title is not null && title.Length > 256)
            {
                Error(Get(document, "title")!, "title is longer than 256 characters");
            }

            var id = OptionalString(document, "id");
            var name = OptionalString(document, "name");
            var level = OptionalString(document, "level");
            if (level is not null && !Levels.Contains(level, StringComparer.Ordinal))
            {
                Error(Get(document, "level")!, $"level '{level}' is not one of {string.Join(", ", Levels)}");
            }

            var status = OptionalString(document, "status");
            if (status is not null && !Statuses.Contains(status, StringComparer.Ordinal))
            {
                Error(Get(document, "status")!, $"status '{status}' is not one of {string.Join(", ", Statuses)}");
            }

            var description = OptionalString(document, "description");
            var correlationNode = Get(document, "correlation");
            if (correlationNode is not YamlMappingNode correlation)
            {
                Error(correlationNode ?? document, "correlation must be a mapping");
                return Result(null);
            }

            _correlationKey = KeyNode(document, "correlation");

            foreach (var key in correlation.Children.Keys)
            {
                if (key is YamlScalarNode { Value: { } k } && !CorrelationKeys.Contains(k, StringComparer.Ordinal))
                {
                    Error(key, $"unknown key '{k}' in the correlation section (expected {string.Join(", ", CorrelationKeys)})");
                }
            }

            var type = ParseType(correlation);
            var rules = ParseRules(correlation);
            var groupBy = ParseStringList(correlation, "group-by") ?? [];
            var timespan = ParseTimespan(correlation);
            var aliases = ParseAliases(correlation);
            var generate = ParseGenerate(document, correlation);
            var condition = type is null || rules is null ? null : ParseCondition(correlation, type.Value, rules.Count);

            if (_errors.Count > 0 || title is null || type is null || rules is null || timespan is null || condition is null)
            {
                return Result(null);
            }

            return Result(new CorrelationRule
            {
                Title = title,
                Id = id,
                Name = name,
                Level = level,
                Status = status,
                Description = description,
                Type = type.Value,
                Rules = rules,
                GroupBy = groupBy,
                Timespan = timespan.Value,
                Condition = condition,
                Aliases = aliases,
                Generate = generate,
                Source = new CorrelationRuleSource(path, LineOf(document.Start)),
            });
        }

        private CorrelationParseResult Result(CorrelationRule? rule) =>
            new(_errors.Count == 0 ? rule : null, _errors);

        private CorrelationType? ParseType(YamlMappingNode correlation)
        {
            var text = RequiredString(correlation, "type", _correlationKey);
            CorrelationType? type = text switch
            {
                null => null,
                "event_count" => CorrelationType.EventCount,
                "value_count" => CorrelationType.ValueCount,
                "temporal" => CorrelationType.Temporal,
                "temporal_ordered" => CorrelationType.TemporalOrdered,
                "value_sum" => CorrelationType.ValueSum,
                "value_avg" => CorrelationType.ValueAvg,
                "value_percentile" => CorrelationType.ValuePercentile,
                _ => null,
            };
            if (text is not null && type is null)
            {
                Error(Get(correlation, "type")!, $"unknown correlation type '{text}' (expected event_count, value_count, temporal, temporal_ordered, value_sum, value_avg or value_percentile)");
            }

            return type;
        }

        private List<string>? ParseRules(YamlMappingNode correlation)
        {
            if (Get(correlation, "rules") is null)
            {
                Error(_correlationKey, "correlation.rules is missing: a correlation must reference at least one rule");
                return null;
            }

            var rules = ParseStringList(correlation, "rules");
            if (rules is { Count: 0 })
            {
                Error(Get(correlation, "rules")!, "correlation.rules is empty: a correlation must reference at least one rule");
                return null;
            }

            return rules;
        }

        /// <summary>A list of distinct non-empty strings; a single string is taken as a list of one, as pySigma does.</summary>
        private List<string>? ParseStringList(YamlMappingNode map, string key)
        {
            var node = Get(map, key);
            switch (node)
            {
                case null:
                    return null;
                case YamlScalarNode scalar when !string.IsNullOrEmpty(scalar.Value):
                    return [scalar.Value];
                case YamlSequenceNode sequence:
                    var list = new List<string>(sequence.Children.Count);
                    foreach (var item in sequence.Children)
                    {
                        if (item is not YamlScalarNode { Value: { Length: > 0 } value })
                        {
                            Error(item, $"{key} entries must be non-empty strings");
                        }
                        else if (list.Contains(value, StringComparer.Ordinal))
                        {
                            Error(item, $"{key} lists '{value}' twice");
                        }
                        else
                        {
                            list.Add(value);
                        }
                    }

                    return list;
                default:
                    Error(node, $"{key} must be a list of strings");
                    return null;
            }
        }

        private TimeSpan? ParseTimespan(YamlMappingNode correlation)
        {
            var text = RequiredString(correlation, "timespan", _correlationKey);
            if (text is null)
            {
                return null;
            }

            var timespan = TryParseTimespan(text);
            if (timespan is null)
            {
                Error(Get(correlation, "timespan")!, $"timespan '{text}' is not a positive whole number followed by s, m, h or d (such as 30s, 5m, 1h, 2d)");
            }

            return timespan;
        }

        private Dictionary<string, IReadOnlyDictionary<string, string>> ParseAliases(YamlMappingNode correlation)
        {
            var aliases = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
            var node = Get(correlation, "aliases");
            if (node is null)
            {
                return aliases;
            }

            if (node is not YamlMappingNode map)
            {
                Error(node, "aliases must map each alias to a mapping of rule name to field name");
                return aliases;
            }

            foreach (var (aliasNode, perRuleNode) in map.Children)
            {
                if (aliasNode is not YamlScalarNode { Value: { Length: > 0 } alias })
                {
                    Error(aliasNode, "an alias must be a non-empty string");
                    continue;
                }

                if (perRuleNode is not YamlMappingNode perRule)
                {
                    Error(perRuleNode, $"alias '{alias}' must map rule names to field names");
                    continue;
                }

                var fields = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (ruleNode, fieldNode) in perRule.Children)
                {
                    if (ruleNode is YamlScalarNode { Value: { Length: > 0 } rule } && fieldNode is YamlScalarNode { Value: { Length: > 0 } field })
                    {
                        fields[rule] = field;
                    }
                    else
                    {
                        Error(ruleNode, $"alias '{alias}' must map rule names to field names (strings)");
                    }
                }

                aliases[alias] = fields;
            }

            return aliases;
        }

        /// <summary>
        /// The specification puts <c>generate</c> at the top level of the rule; pySigma reads it inside the
        /// correlation section. Both are accepted; saying different things in the two places is an error.
        /// </summary>
        private bool ParseGenerate(YamlMappingNode root, YamlMappingNode correlation)
        {
            var top = ParseBool(root, "generate");
            var inner = ParseBool(correlation, "generate");
            if (top is not null && inner is not null && top != inner)
            {
                Error(Get(correlation, "generate")!, "generate is given both at the top level and in the correlation section, with different values");
            }

            return top ?? inner ?? false;
        }

        private bool? ParseBool(YamlMappingNode map, string key)
        {
            var node = Get(map, key);
            if (node is null)
            {
                return null;
            }

            if (node is YamlScalarNode { Value: { } text } && bool.TryParse(text, out var value))
            {
                return value;
            }

            Error(node, $"{key} must be true or false");
            return null;
        }

        private CorrelationCondition? ParseCondition(YamlMappingNode correlation, CorrelationType type, int ruleCount)
        {
            var isTemporal = type is CorrelationType.Temporal or CorrelationType.TemporalOrdered;
            var needsField = type is CorrelationType.ValueCount or CorrelationType.ValueSum or CorrelationType.ValueAvg or CorrelationType.ValuePercentile;
            var node = Get(correlation, "condition");
            if (node is null)
            {
                if (isTemporal)
                {
                    // The specification's default for temporal types: every referenced rule must have matched.
                    return new CorrelationCondition([new CorrelationBound(CorrelationOperator.Gte, ruleCount)], []);
                }

                Error(_correlationKey, "correlation.condition is missing (it is required for every type but temporal and temporal_ordered)");
                return null;
            }

            if (node is not YamlMappingNode map)
            {
                Error(node, "condition must be a mapping such as 'gte: 10'");
                return null;
            }

            var errorsBefore = _errors.Count;
            var bounds = new List<CorrelationBound>();
            List<string> fields = [];
            int? percentile = null;
            foreach (var (keyNode, valueNode) in map.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value;
                CorrelationOperator? op = key switch
                {
                    "gt" => CorrelationOperator.Gt,
                    "gte" => CorrelationOperator.Gte,
                    "lt" => CorrelationOperator.Lt,
                    "lte" => CorrelationOperator.Lte,
                    "eq" => CorrelationOperator.Eq,
                    "neq" => CorrelationOperator.Neq,
                    _ => null,
                };
                if (op is not null)
                {
                    if (valueNode is YamlScalarNode { Value: { } text }
                        && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var threshold)
                        && double.IsFinite(threshold))
                    {
                        bounds.Add(new CorrelationBound(op.Value, threshold));
                    }
                    else
                    {
                        Error(valueNode, $"condition {key} needs a number");
                    }
                }
                else if (key == "field")
                {
                    fields = ParseStringList(map, "field") ?? [];
                    if (!needsField)
                    {
                        Error(keyNode, $"condition.field is only used by value_count, value_sum, value_avg and value_percentile, not by {TypeName(type)}");
                    }
                    else if (fields.Count > 1 && type != CorrelationType.ValueCount)
                    {
                        Error(valueNode, $"{TypeName(type)} takes one field; only value_count counts several fields together");
                    }
                }
                else if (key == "percentile")
                {
                    if (type != CorrelationType.ValuePercentile)
                    {
                        Error(keyNode, $"condition.percentile is only used by value_percentile, not by {TypeName(type)}");
                    }
                    else if (valueNode is YamlScalarNode { Value: { } text }
                        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 100)
                    {
                        percentile = p;
                    }
                    else
                    {
                        Error(valueNode, "condition.percentile must be a whole number from 0 to 100");
                    }
                }
                else
                {
                    Error(keyNode, $"unknown condition operator '{key}' (expected gt, gte, lt, lte, eq, neq, field or percentile)");
                }
            }

            if (bounds.Count == 0 && _errors.Count == errorsBefore)
            {
                Error(KeyNode(correlation, "condition"), "condition needs at least one of gt, gte, lt, lte, eq, neq");
            }

            if (needsField && fields.Count == 0 && _errors.Count == errorsBefore)
            {
                Error(KeyNode(correlation, "condition"), $"{TypeName(type)} needs condition.field, the field whose values it aggregates");
            }

            if (_errors.Count > errorsBefore)
            {
                return null;
            }

            var condition = new CorrelationCondition(bounds, fields, percentile ?? CorrelationCondition.DefaultPercentile);
            if (type is CorrelationType.EventCount or CorrelationType.ValueCount or CorrelationType.Temporal or CorrelationType.TemporalOrdered)
            {
                // A window only exists once an event is in it, so counts start at 1; temporal counts stop at the
                // number of rules. Other counts are unbounded, but one past the largest threshold decides.
                var max = isTemporal ? ruleCount : (long)Math.Ceiling(bounds.Max(b => b.Threshold)) + 1;
                var satisfiable = false;
                for (long count = 1; count <= max && !satisfiable; count++)
                {
                    satisfiable = condition.IsSatisfiedBy(count);
                }

                if (!satisfiable)
                {
                    Error(KeyNode(correlation, "condition"), isTemporal
                        ? $"the condition can never be met: {TypeName(type)} counts the matched rules, from 1 to {ruleCount}"
                        : $"the condition can never be met by a count of 1 or more");
                    return null;
                }
            }

            return condition;
        }

        private static string TypeName(CorrelationType type) => type switch
        {
            CorrelationType.EventCount => "event_count",
            CorrelationType.ValueCount => "value_count",
            CorrelationType.Temporal => "temporal",
            CorrelationType.TemporalOrdered => "temporal_ordered",
            CorrelationType.ValueSum => "value_sum",
            CorrelationType.ValueAvg => "value_avg",
            _ => "value_percentile",
        };

        private string? RequiredString(YamlMappingNode map, string key, YamlNode whereMissing)
        {
            var node = Get(map, key);
            if (node is null)
            {
                Error(whereMissing, $"{key} is missing");
                return null;
            }

            if (node is YamlScalarNode { Value: { Length: > 0 } value })
            {
                return value;
            }

            Error(node, $"{key} must be a non-empty string");
            return null;
        }

        private string? OptionalString(YamlMappingNode map, string key)
        {
            var node = Get(map, key);
            if (node is null or YamlScalarNode { Value: null or "" })
            {
                return null;
            }

            if (node is YamlScalarNode scalar)
            {
                return scalar.Value;
            }

            Error(node, $"{key} must be a string");
            return null;
        }

        /// <summary>The key node itself, so that an error about a whole section points at the line naming it.</summary>
        private static YamlNode KeyNode(YamlMappingNode map, string key) =>
            map.Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: { } v } && v == key) ?? map;

        private static YamlNode? Get(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

        private void Error(YamlNode node, string message) =>
            _errors.Add(new CorrelationParseError(path, LineOf(node.Start), message));
    }

    /// <summary>Parses a specification time span (<c>30s</c>, <c>5m</c>, <c>1h</c>, <c>2d</c>); null when it is not one.</summary>
    public static TimeSpan? TryParseTimespan(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length < 2 || text.Length > 10)
        {
            return null;
        }

        var digits = text.AsSpan(0, text.Length - 1);
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return null;
            }
        }

        var seconds = text[^1] switch
        {
            's' => 1L,
            'm' => 60L,
            'h' => 3600L,
            'd' => 86400L,
            _ => 0L,
        };
        if (seconds == 0 || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count == 0)
        {
            return null;
        }

        // Nine digits of days (the schema allows ten characters) would overflow TimeSpan; such a span is no span.
        var total = count * seconds;
        return total > (long)TimeSpan.MaxValue.TotalSeconds ? null : TimeSpan.FromSeconds(total);
    }
}

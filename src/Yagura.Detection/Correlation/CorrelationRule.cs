namespace Yagura.Detection.Correlation;

/// <summary>The correlation types of Sigma correlation rules (specification 2.1).</summary>
public enum CorrelationType
{
    /// <summary>Number of matching events.</summary>
    EventCount,

    /// <summary>Number of distinct values of the condition's field(s).</summary>
    ValueCount,

    /// <summary>Number of the referenced rules that matched, in any order.</summary>
    Temporal,

    /// <summary>Number of the referenced rules that matched in the order they are listed.</summary>
    TemporalOrdered,

    /// <summary>Sum of the condition field's numeric values.</summary>
    ValueSum,

    /// <summary>Average of the condition field's numeric values.</summary>
    ValueAvg,

    /// <summary>A percentile (nearest rank) of the condition field's numeric values.</summary>
    ValuePercentile,
}

/// <summary>The comparison operators of a correlation condition.</summary>
public enum CorrelationOperator
{
    Gt,
    Gte,
    Lt,
    Lte,
    Eq,
    Neq,
}

/// <summary>One comparison of a correlation condition, such as <c>gte: 100</c>.</summary>
public readonly record struct CorrelationBound(CorrelationOperator Operator, double Threshold)
{
    public bool IsSatisfiedBy(double value) => Operator switch
    {
        CorrelationOperator.Gt => value > Threshold,
        CorrelationOperator.Gte => value >= Threshold,
        CorrelationOperator.Lt => value < Threshold,
        CorrelationOperator.Lte => value <= Threshold,
        CorrelationOperator.Eq => value == Threshold,
        _ => value != Threshold,
    };

    /// <summary>True for <c>gt</c> and <c>gte</c>: adding events can make them true but never false again.</summary>
    public bool IsLowerBound => Operator is CorrelationOperator.Gt or CorrelationOperator.Gte;
}

/// <summary>
/// The condition of a correlation: every bound must hold (the specification joins several operators with AND, which
/// is how a range such as <c>gt: 100, lte: 200</c> is written). <see cref="Fields"/> is the <c>field</c> of the
/// value_* types (several only for value_count, where their values are counted as tuples); <see cref="Percentile"/>
/// is the percentile value_percentile computes.
/// </summary>
public sealed record CorrelationCondition(IReadOnlyList<CorrelationBound> Bounds, IReadOnlyList<string> Fields, int Percentile = CorrelationCondition.DefaultPercentile)
{
    /// <summary>
    /// The percentile when a value_percentile rule does not name one. The specification defines no <c>percentile</c>
    /// key (pySigma reads one, as we do); its only hint is that the median is percentile 50, so that is the default.
    /// </summary>
    public const int DefaultPercentile = 50;

    public bool IsSatisfiedBy(double value)
    {
        foreach (var bound in Bounds)
        {
            if (!bound.IsSatisfiedBy(value))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>Where a rule came from, for messages and for finding it again.</summary>
public readonly record struct CorrelationRuleSource(string Path, int Line);

/// <summary>
/// A Sigma correlation rule (a YAML document with a <c>correlation</c> section). <see cref="Rules"/> holds the
/// referenced rules' ids or names exactly as written; <see cref="Aliases"/> maps an alias (usable in
/// <see cref="GroupBy"/> and as the condition field) to the field name per referenced rule name or id.
/// </summary>
public sealed record CorrelationRule
{
    public required string Title { get; init; }

    public string? Id { get; init; }

    public string? Name { get; init; }

    public string? Level { get; init; }

    public string? Status { get; init; }

    public string? Description { get; init; }

    public required CorrelationType Type { get; init; }

    public required IReadOnlyList<string> Rules { get; init; }

    /// <summary>The group-by fields; empty means every matching event of a tenant falls in one group.</summary>
    public IReadOnlyList<string> GroupBy { get; init; } = [];

    public required TimeSpan Timespan { get; init; }

    public required CorrelationCondition Condition { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Aliases { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);

    /// <summary>
    /// Whether the referenced rules also alert on their own. The specification's default is false: only the
    /// correlation is generated.
    /// </summary>
    public bool Generate { get; init; }

    public CorrelationRuleSource? Source { get; init; }

    /// <summary>What the engine and its alerts call the rule: its id, else its name, else its title.</summary>
    public string Key => Id ?? Name ?? Title;

    /// <summary>The field to read for <paramref name="field"/> in events matched by the given rule, aliases applied.</summary>
    public string ResolveField(string field, string ruleId, string? ruleName)
    {
        if (Aliases.TryGetValue(field, out var perRule)
            && ((ruleName is not null && perRule.TryGetValue(ruleName, out var mapped)) || perRule.TryGetValue(ruleId, out mapped)))
        {
            return mapped;
        }

        return field;
    }
}

using Yagura.Detection.Sigma.Internal;

namespace Yagura.Detection.Sigma;

/// <summary>The log source a rule is written for; each part optional, lower case.</summary>
public sealed record SigmaLogSource(string? Product, string? Category, string? Service)
{
    public override string ToString() => string.Join(' ', new[] { ("product", Product), ("category", Category), ("service", Service) }
        .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}:{p.Item2}"));
}

/// <summary>A Sigma detection rule, compiled: its metadata as written and its detection as a tree of matchers.</summary>
public sealed class SigmaRule
{
    internal SigmaRule(Node detection) => Detection = detection;

    public required string Id { get; init; }

    /// <summary>The optional unique name correlation rules may refer to the rule by.</summary>
    public string? Name { get; init; }

    public required string Title { get; init; }

    public string? Status { get; init; }

    public string? Description { get; init; }

    /// <summary><c>informational</c>, <c>low</c>, <c>medium</c>, <c>high</c> or <c>critical</c>; empty when the rule has none.</summary>
    public string Level { get; init; } = "";

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyList<string> FalsePositives { get; init; } = [];

    public required SigmaLogSource LogSource { get; init; }

    /// <summary>The file the rule came from, and the line its document starts at.</summary>
    public required string Path { get; init; }

    public int Line { get; init; }

    internal Node Detection { get; }

    /// <summary>Per-tenant disabling and filters, set at load; null when nothing tunes the rule.</summary>
    internal RuleTuning? Tuning { get; set; }

    public override string ToString() => $"{Title} ({Id})";
}

/// <summary>A rule that cannot be loaded as written: the message says why, with the line when known.</summary>
public class SigmaRuleException(string message, int line = 0) : Exception(message)
{
    public int Line { get; } = line;
}

/// <summary>A valid rule that uses something Yagura does not evaluate (e.g. a placeholder without values).</summary>
public sealed class SigmaUnsupportedException(string message, int line = 0) : SigmaRuleException(message, line);

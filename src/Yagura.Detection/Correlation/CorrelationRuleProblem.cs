namespace Yagura.Detection.Correlation;

/// <summary>
/// A rule the engine could not run as given (<see cref="Disabled"/>), or runs but warns about: a duplicate key,
/// a reference cycle between correlations, a threshold the state limits make unreachable.
/// </summary>
public sealed record CorrelationRuleProblem(string RuleId, string Message, bool Disabled);

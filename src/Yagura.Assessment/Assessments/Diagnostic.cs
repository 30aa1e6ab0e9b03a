namespace Yagura.Assessment.Assessments;

/// <summary>
/// A problem in an assessment file, with its line (1-based) and, when it concerns one service, the service id.
/// <see cref="Code"/> is stable for programs (<c>unknown-key</c>, <c>score-out-of-range</c> …); the message is for people.
/// </summary>
public sealed record Diagnostic(int Line, string? ServiceId, string Code, LocalizedText Message)
{
    public string Format(Language language) =>
        (language == Language.Ja ? $"{Line} 行目: " : $"line {Line}: ") + (ServiceId is null ? "" : ServiceId + ": ") + Message[language];
}

/// <summary>Collects errors (the file cannot be evaluated) and warnings (the value is ignored, the rest is evaluated).</summary>
internal sealed class DiagnosticBag
{
    public List<Diagnostic> Errors { get; } = [];

    public List<Diagnostic> Warnings { get; } = [];

    public void Error(int line, string? serviceId, string code, string ja, string en) => Errors.Add(new(line, serviceId, code, new(ja, en)));

    public void Warn(int line, string? serviceId, string code, string ja, string en) => Warnings.Add(new(line, serviceId, code, new(ja, en)));
}

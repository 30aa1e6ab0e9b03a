using Yagura.Assessment.Catalogue;

namespace Yagura.Assessment.Assessments;

/// <summary>A score of section 8.3: 1 to 5, or excluded ("evaluated, decided not to do", left out of averages).</summary>
public readonly record struct Score(int Value)
{
    public static Score Excluded => default;

    public bool IsExcluded => Value == 0;

    /// <summary>The points, or null when excluded.</summary>
    public int? Points => IsExcluded ? null : Value;
}

/// <summary>One service's entry: catalogue (level), profile (assignment) and portfolio (scores); null where not given.</summary>
public sealed record ServiceAssessment(string Id, int Line)
{
    public RecommendationLevel? Level { get; init; }

    /// <summary>Why a not-required service is not required (section 5.2.1).</summary>
    public NotRequiredReason? Reason { get; init; }

    public Assignment? Assignment { get; init; }

    /// <summary>The team inside the organisation that answers for the service (insource, hybrid).</summary>
    public string? Owner { get; init; }

    /// <summary>The outside organisation that runs it (outsource, hybrid).</summary>
    public string? Vendor { get; init; }

    public Score? AsIs { get; init; }

    public Score? ToBe { get; init; }

    /// <summary>Why a score is excluded: the grounds section 8.3 asks to keep.</summary>
    public string? Exclusion { get; init; }

    public string? Note { get; init; }

    /// <summary>Part of the organisation's catalogue: every listed service but a not-required one (a level may stay undecided, section 5.2.1).</summary>
    public bool IsSelected => Level != RecommendationLevel.NotRequired;
}

/// <summary>
/// An organisation's dated assessment, as read from its YAML file (docs/assessment.md); <see cref="Catalogue"/> is the
/// X.1060 catalogue with the organisation's custom services.
/// </summary>
public sealed record AssessmentFile(string Organization, DateOnly Date, Language Language, ServiceCatalogue Catalogue)
{
    /// <summary>The tenant of the data directory whose figures the evidence shows; null for every tenant.</summary>
    public string? Tenant { get; init; }

    /// <summary>The line of <c>tenant:</c>, for messages about it (0 when the file has none).</summary>
    public int TenantLine { get; init; }

    public OrganisationPattern? CurrentPattern { get; init; }

    public OrganisationPattern? TargetPattern { get; init; }

    /// <summary>The entries by service id; services the file does not list are absent.</summary>
    public IReadOnlyDictionary<string, ServiceAssessment> Services { get; init; } = new Dictionary<string, ServiceAssessment>();

    /// <summary>Values that were wrong and are ignored, with their lines.</summary>
    public IReadOnlyList<Diagnostic> Warnings { get; init; } = [];
}

/// <summary>The file, or the errors that stop it from being evaluated; <see cref="Language"/> is the file's, for messages.</summary>
public sealed record AssessmentParseResult(AssessmentFile? File, IReadOnlyList<Diagnostic> Errors, Language Language);

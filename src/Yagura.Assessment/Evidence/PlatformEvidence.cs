using Yagura.Assessment.Assessments;

namespace Yagura.Assessment.Evidence;

/// <summary>
/// The platform's figures per service Yagura performs (B-1, B-2, B-3, D-1, D-2, D-6, D-7, E-2, F-1), as of
/// <see cref="AsOf"/>, for <see cref="Tenant"/> (null: every tenant); keyed by service id, in catalogue order.
/// </summary>
public sealed record PlatformEvidence(DateTimeOffset AsOf, string? Tenant, IReadOnlyDictionary<string, ServiceEvidence> Services);

/// <summary>
/// One service: the figures (keys in <see cref="EvidenceEvaluator.Label"/>; numbers, texts, lists; null when unknown),
/// the self-assessed As-Is as the file gives it, the suggested score and why. <see cref="Data"/> is false for a
/// service the platform has no data for yet, which gets no suggestion. <see cref="AsIsAboveEvidence"/> flags a
/// self-assessment above a suggestion of 1 or 2, where the figures show the service not running or not running fully.
/// </summary>
public sealed record ServiceEvidence(
    string Name,
    bool Data,
    IReadOnlyDictionary<string, object?> Figures,
    Score? AsIs,
    int? SuggestedScore,
    string Reason,
    bool AsIsAboveEvidence);

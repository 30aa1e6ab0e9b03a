using System.Text.Json;
using System.Text.Json.Serialization;

using Yagura.Assessment.Assessments;
using Yagura.Assessment.Evidence;

namespace Yagura.Assessment.Evaluation;

/// <summary>
/// The evaluation of an assessment (sections 3.4 and 8.2), in one language: what <c>yagura assess report</c> prints and
/// what pages and other formats render; docs/assessment.md describes its JSON.
/// </summary>
public sealed record AssessmentReport(
    string Organization,
    DateOnly Date,
    Language Language,
    Figures Overall,
    IReadOnlyDictionary<string, Figures> Categories,
    IReadOnlyList<CategoryMark> Strengths,
    IReadOnlyList<CategoryMark> Weaknesses,
    IReadOnlyList<Improvement> Improvements,
    PhaseGaps Phases,
    PatternAnalysis Pattern,
    OperatingSet MinimumOperatingSet,
    int? StaffingLevel,
    StaffingModel Staffing,
    IReadOnlyList<ServiceRow> Services,
    IReadOnlyList<ReportWarning> Warnings)
{
    /// <summary>The platform's figures next to the self-assessment, when they were asked for (<c>--data</c>); left out of the JSON otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PlatformEvidence? Evidence { get; init; }

    /// <summary>snake_case names, values spelt as in the file (kebab-case, areas as Roman numerals, scores 1–5 or "excluded"), Japanese unescaped.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower), new ScoreJsonConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}

/// <summary>
/// Counts and averages of a category (or of all services): averages of the scored services (excluded scores left out),
/// the gap the mean of To-Be − As-Is over services with both.
/// </summary>
public sealed record Figures(string Name, int Services, int Selected, int Excluded, double? AsIsAvg, double? ToBeAvg, double? Gap);

public sealed record CategoryMark(string Category, string Name, double AsIsAvg);

/// <summary>A long-term improvement point: a gap to close, or a level the As-Is score does not support.</summary>
public sealed record Improvement(string Id, string Name, int? Gap, int? AsIs, int? ToBe, RecommendationLevel? Level, bool LevelAboveScore);

/// <summary>The gap analysis of each build phase (section 3.4.1).</summary>
public sealed record PhaseGaps(CatalogueGaps Catalogue, ProfileGaps Profile, PortfolioGaps Portfolio);

/// <summary>Phase 1: services by level, those without one, those not required and why, levels above the As-Is score.</summary>
public sealed record CatalogueGaps(
    IReadOnlyDictionary<RecommendationLevel, IReadOnlyList<string>> Levels,
    IReadOnlyList<string> Undecided,
    IReadOnlyList<NotRequiredService> NotRequired,
    IReadOnlyList<string> LevelAboveScore);

public sealed record NotRequiredService(string Id, NotRequiredReason? Reason, string? Note);

/// <summary>Phase 2: selected services by assignment, unassigned ones, and who is missing (Table 10: owner, vendor).</summary>
public sealed record ProfileGaps(
    IReadOnlyDictionary<Assignment, IReadOnlyList<string>> Assignments,
    IReadOnlyList<string> Unassigned,
    IReadOnlyList<string> WithoutOwner,
    IReadOnlyList<string> WithoutVendor);

/// <summary>Phase 3: selected services without both scores, the excluded ones and their grounds, targets below the present.</summary>
public sealed record PortfolioGaps(IReadOnlyList<string> Unscored, IReadOnlyList<ExcludedService> Excluded, IReadOnlyList<string> TargetBelowCurrent);

public sealed record ExcludedService(string Id, bool AsIs, bool ToBe, string? Exclusion);

/// <summary>
/// Section 6.3: the declared patterns, the one the assignments fit best, the areas that change side between current
/// and target, and the services whose assignment does not fit the target (to change) or the declared current pattern.
/// </summary>
public sealed record PatternAnalysis(
    OrganisationPattern? Current,
    OrganisationPattern? Target,
    OrganisationPattern? Inferred,
    IReadOnlyList<AreaChange> Changes,
    IReadOnlyList<PatternMisfit> ToChange,
    IReadOnlyList<PatternMisfit> OffCurrent);

public sealed record AreaChange(Area Area, Assignment From, Assignment To);

public sealed record PatternMisfit(string Id, Area Area, Assignment Assignment, Assignment Expected);

/// <summary>Section 6.5.2: categories A, B and D each run a service, now (As-Is) and at the target (To-Be).</summary>
public sealed record OperatingSet(
    bool Ok,
    IReadOnlyList<string> Missing,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Running,
    bool OkAtTarget,
    IReadOnlyList<string> MissingAtTarget);

/// <summary>Table 11 at the level the insourced area III/IV services imply; no level when none is insourced.</summary>
public sealed record StaffingModel(int? Headcount, string? Summary, IReadOnlyList<TeamStaffing> Teams);

/// <summary>A Table 11 team at the level: its staffing and the insourced services that need it.</summary>
public sealed record TeamStaffing(string Team, string Name, string Staffing, IReadOnlyList<string> Services);

/// <summary>A row of the service matrix (Figure 8): every service of the catalogue, listed in the file or not.</summary>
public sealed record ServiceRow(
    string Id,
    string Category,
    string Name,
    bool Custom,
    RecommendationLevel? Level,
    NotRequiredReason? Reason,
    Assignment? Assignment,
    string? Owner,
    string? Vendor,
    Score? AsIs,
    Score? ToBe,
    string? Exclusion);

public sealed record ReportWarning(int Line, string? Id, string Code, string Message);

/// <summary>A score in JSON as in the file: 1–5, or "excluded".</summary>
internal sealed class ScoreJsonConverter : JsonConverter<Score>
{
    public override Score Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String ? Score.Excluded : new Score(reader.GetInt32());

    public override void Write(Utf8JsonWriter writer, Score value, JsonSerializerOptions options)
    {
        if (value.IsExcluded)
        {
            writer.WriteStringValue("excluded");
        }
        else
        {
            writer.WriteNumberValue(value.Value);
        }
    }
}

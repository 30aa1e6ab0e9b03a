using System.Text.Json;
using System.Text.Json.Serialization;

using Yagura.Assessment.Assessments;

namespace Yagura.Assessment.Evaluation;

/// <summary>
/// What moved between two dated assessments (usually of one organisation): the services whose level, assignment or
/// scores changed, the regressions among them, the category averages before and after, and the pattern. Values are
/// spelt as in the file in JSON, as in <see cref="AssessmentReport"/>.
/// </summary>
public sealed record AssessmentComparison(
    Language Language,
    ComparedAssessment From,
    ComparedAssessment To,
    IReadOnlyList<ServiceChange> Changes,
    IReadOnlyList<Regression> Regressions,
    IReadOnlyDictionary<string, CategoryChange> Categories,
    CategoryChange Overall,
    PatternChange Pattern)
{
    public string ToJson() => JsonSerializer.Serialize(this, AssessmentReport.JsonOptions);

    /// <summary>How much a recommendation level asks for: basic (must do) most, not required least.</summary>
    public static int Rank(RecommendationLevel level) => level switch
    {
        RecommendationLevel.Basic => 4,
        RecommendationLevel.Standard => 3,
        RecommendationLevel.Advanced => 2,
        RecommendationLevel.Optional => 1,
        _ => 0,
    };

    /// <summary>
    /// Compares <paramref name="from"/> (the earlier) with <paramref name="to"/>, service by service over both
    /// catalogues (custom services of either included), in <paramref name="language"/> (default: the later file's).
    /// </summary>
    public static AssessmentComparison Compare(AssessmentFile from, AssessmentFile to, Language? language = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var lang = language ?? to.Language;
        var before = AssessmentEvaluator.Evaluate(from, lang);
        var after = AssessmentEvaluator.Evaluate(to, lang);
        var services = to.Catalogue.Services.Concat(from.Catalogue.Services.Where(s => to.Catalogue.Find(s.Id) is null));
        List<ServiceChange> changes = [];
        List<Regression> regressions = [];
        foreach (var service in services)
        {
            var a = from.Services.GetValueOrDefault(service.Id);
            var b = to.Services.GetValueOrDefault(service.Id);
            var change = new ServiceChange(
                service.Id,
                service.Category.ToString(),
                service.Name[lang],
                Moved(a?.Level, b?.Level),
                Moved(a?.Assignment, b?.Assignment),
                Moved(a?.AsIs, b?.AsIs),
                Moved(a?.ToBe, b?.ToBe));
            if (change.Level is not null || change.Assignment is not null || change.AsIs is not null || change.ToBe is not null)
            {
                changes.Add(change);
            }

            if (a?.AsIs?.Points is { } was && b?.AsIs?.Points is { } now && now < was)
            {
                regressions.Add(new Regression(service.Id, service.Name[lang], RegressionKind.AsIsDown, Name(a.AsIs), Name(b.AsIs)));
            }

            if (a?.Level is { } oldLevel && b?.Level is { } newLevel && Rank(newLevel) < Rank(oldLevel))
            {
                regressions.Add(new Regression(service.Id, service.Name[lang], RegressionKind.LevelLowered, Vocabulary.Name(oldLevel), Vocabulary.Name(newLevel)));
            }

            // Still wanted, no longer run by anyone; a service dropped from the catalogue is a lowered level instead.
            if (a?.Assignment is Assignment.Insource or Assignment.Outsource or Assignment.Hybrid && b is { IsSelected: true, Assignment: null or Assignment.Unassigned })
            {
                regressions.Add(new Regression(service.Id, service.Name[lang], RegressionKind.Unassigned, Vocabulary.Name(a.Assignment.Value), b.Assignment is { } x ? Vocabulary.Name(x) : null));
            }
        }

        return new AssessmentComparison(
            lang,
            new ComparedAssessment(from.Organization, from.Date),
            new ComparedAssessment(to.Organization, to.Date),
            changes,
            regressions,
            after.Categories.ToDictionary(c => c.Key, c => Change(c.Value, before.Categories[c.Key])),
            Change(after.Overall, before.Overall),
            new PatternChange(
                Moved(from.CurrentPattern, to.CurrentPattern),
                Moved(from.TargetPattern, to.TargetPattern),
                Moved(before.Pattern.Inferred, after.Pattern.Inferred)));
    }

    private static Moved<T>? Moved<T>(T? from, T? to)
        where T : struct => Nullable.Equals(from, to) ? null : new Moved<T>(from, to);

    private static string? Name(Score? score) => score is not { } s ? null : s.IsExcluded ? "excluded" : s.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static CategoryChange Change(Figures after, Figures before) => new(
        after.Name, Average(before.AsIsAvg, after.AsIsAvg), Average(before.ToBeAvg, after.ToBeAvg), Average(before.Gap, after.Gap));

    private static AverageChange Average(double? from, double? to) =>
        new(from, to, to - from is { } delta ? Math.Round(delta, 2, MidpointRounding.AwayFromZero) : null);
}

public sealed record ComparedAssessment(string Organization, DateOnly Date);

/// <summary>A value before and after; null (in JSON: left out) where it did not move.</summary>
public sealed record Moved<T>(T? From, T? To)
    where T : struct;

/// <summary>A service whose level, assignment, As-Is or To-Be moved; the others are null.</summary>
public sealed record ServiceChange(
    string Id,
    string Category,
    string Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Moved<RecommendationLevel>? Level,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Moved<Assignment>? Assignment,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Moved<Score>? AsIs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Moved<Score>? ToBe);

/// <summary>
/// A step back: As-Is down (points to fewer points), a level lowered (basic → standard → advanced → optional →
/// not required), or a service still wanted that nobody is assigned to any more.
/// </summary>
public enum RegressionKind
{
    AsIsDown,
    LevelLowered,
    Unassigned,
}

/// <summary>A regression with the values spelt as in the file (null: not given).</summary>
public sealed record Regression(string Id, string Name, RegressionKind Kind, string? From, string? To);

/// <summary>A category's (or all services') averages before and after.</summary>
public sealed record CategoryChange(string Name, AverageChange AsIsAvg, AverageChange ToBeAvg, AverageChange Gap);

/// <summary>An average before and after, and the difference when both exist.</summary>
public sealed record AverageChange(double? From, double? To, double? Delta);

/// <summary>The declared patterns and the one the assignments fit best, each null where it did not move.</summary>
public sealed record PatternChange(
    Moved<OrganisationPattern>? Current,
    Moved<OrganisationPattern>? Target,
    Moved<OrganisationPattern>? Inferred);

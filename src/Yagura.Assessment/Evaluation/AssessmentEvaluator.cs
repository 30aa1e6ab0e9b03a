using Yagura.Assessment.Assessments;
using Yagura.Assessment.Catalogue;
using Yagura.Assessment.Evidence;

namespace Yagura.Assessment.Evaluation;

/// <summary>
/// The evaluation process (sections 3.4 and 8.2) over an assessment. The textbook leaves the thresholds open; the ones
/// here are explained in docs/assessment.md.
/// </summary>
public static class AssessmentEvaluator
{
    /// <summary>A category is a strength from this As-Is average: on average run from documents by more than one person, or outsourced and understood (8.3, score 4).</summary>
    public const double StrengthFrom = 4.0;

    /// <summary>A category is a weakness below this As-Is average: on average not documented and hanging on one person, or not understood (8.3, scores 1–2).</summary>
    public const double WeaknessBelow = 3.0;

    /// <summary>A service runs from this score: 1 is "not done" (insource) or "results not checked" (outsource).</summary>
    public const int RunningFrom = 2;

    private static readonly char[] OperatingCategories = ['A', 'B', 'D'];

    /// <summary>
    /// The As-Is score a recommendation level needs: a basic (must-do) service documented and not hanging on one
    /// person, a standard one at least partly covered, an advanced one done at all; optional services need none.
    /// </summary>
    public static int? MinimumAsIs(RecommendationLevel level) => level switch
    {
        RecommendationLevel.Basic => 4,
        RecommendationLevel.Standard => 3,
        RecommendationLevel.Advanced => 2,
        _ => null,
    };

    /// <summary>
    /// The side (insource or outsource) that leads an area in a pattern (section 6.3): area I is always insourced;
    /// minimum insource leans on outside experts from area II on, hybrid from area III on (areas III and IV), minimum
    /// outsource only for area III, full insource never.
    /// </summary>
    public static Assignment Side(OrganisationPattern pattern, Area area) => (pattern, area) switch
    {
        (_, Area.I) or (OrganisationPattern.FullInsource, _) => Assignment.Insource,
        (OrganisationPattern.MinimumInsource, _) => Assignment.Outsource,
        (_, Area.II) or (OrganisationPattern.MinimumOutsource, Area.IV) => Assignment.Insource,
        _ => Assignment.Outsource,
    };

    /// <summary>
    /// Evaluates <paramref name="file"/> in <paramref name="language"/> (default: the file's); with
    /// <paramref name="facts"/>, the report carries the platform's evidence too (<see cref="EvidenceEvaluator"/>).
    /// </summary>
    public static AssessmentReport Evaluate(AssessmentFile file, Language? language = null, PlatformFacts? facts = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        var lang = language ?? file.Language;
        var catalogue = file.Catalogue;
        var rows = catalogue.Services.Select(s => new Row(s, file.Services.GetValueOrDefault(s.Id))).ToList();
        var categories = catalogue.Categories.ToDictionary(
            c => c.Id.ToString(),
            c => Figures(c.Name[lang], [.. rows.Where(r => r.Service.Category == c.Id)]));
        var staffing = Staffing(catalogue, rows, lang);
        return new AssessmentReport(
            file.Organization,
            file.Date,
            lang,
            Figures(lang == Language.Ja ? "全体" : "Overall", rows),
            categories,
            [.. categories.Where(c => c.Value.AsIsAvg >= StrengthFrom).OrderByDescending(c => c.Value.AsIsAvg).Select(Mark)],
            [.. categories.Where(c => c.Value.AsIsAvg < WeaknessBelow).OrderBy(c => c.Value.AsIsAvg).Select(Mark)],
            Improvements(rows, lang),
            Phases(rows),
            Pattern(file, rows),
            OperatingSet(rows),
            staffing.Level,
            staffing.Model,
            [.. rows.Select(r => Matrix(r, lang))],
            [.. file.Warnings.Select(w => new ReportWarning(w.Line, w.ServiceId, w.Code, w.Message[lang]))])
        {
            Evidence = facts is null ? null : EvidenceEvaluator.Evaluate(file, facts, lang),
        };
    }

    private static CategoryMark Mark(KeyValuePair<string, Figures> category) => new(category.Key, category.Value.Name, category.Value.AsIsAvg!.Value);

    private static Figures Figures(string name, List<Row> rows) => new(
        name,
        rows.Count,
        rows.Count(r => r.Selected),
        rows.Count(r => r.Excluded),
        Average(rows.Select(r => r.AsIs)),
        Average(rows.Select(r => r.ToBe)),
        Average(rows.Select(r => r.Gap)));

    private static double? Average(IEnumerable<int?> values) =>
        values.OfType<int>().ToList() is { Count: > 0 } v ? Math.Round(v.Average(), 2, MidpointRounding.AwayFromZero) : null;

    /// <summary>Ordered by gap (largest first), then level above score first, then level (basic first), then catalogue order.</summary>
    private static List<Improvement> Improvements(List<Row> rows, Language lang) =>
    [
        .. rows.Where(r => r.Gap > 0 || r.LevelAboveScore)
            .OrderByDescending(r => r.Gap ?? int.MinValue)
            .ThenByDescending(r => r.LevelAboveScore)
            .ThenBy(r => r.Entry!.Level ?? (RecommendationLevel)int.MaxValue)
            .Select(r => new Improvement(r.Service.Id, r.Service.Name[lang], r.Gap, r.AsIs, r.ToBe, r.Entry!.Level, r.LevelAboveScore)),
    ];

    private static PhaseGaps Phases(List<Row> rows)
    {
        static List<string> Ids(IEnumerable<Row> rows) => [.. rows.Select(r => r.Service.Id)];
        var selected = rows.Where(r => r.Selected).ToList();
        return new PhaseGaps(
            new CatalogueGaps(
                Enum.GetValues<RecommendationLevel>().ToDictionary(l => l, l => (IReadOnlyList<string>)Ids(rows.Where(r => r.Entry?.Level == l))),
                Ids(rows.Where(r => r.Entry?.Level is null)),
                [.. rows.Where(r => r.Entry?.Level == RecommendationLevel.NotRequired).Select(r => new NotRequiredService(r.Service.Id, r.Entry!.Reason, r.Entry.Note))],
                Ids(rows.Where(r => r.LevelAboveScore))),
            new ProfileGaps(
                Enum.GetValues<Assignment>().ToDictionary(a => a, a => (IReadOnlyList<string>)Ids(selected.Where(r => r.Entry!.Assignment == a))),
                Ids(selected.Where(r => !r.Assigned)),
                Ids(selected.Where(r => r.Insourced && string.IsNullOrWhiteSpace(r.Entry!.Owner))),
                Ids(selected.Where(r => r.Entry!.Assignment is Assignment.Outsource or Assignment.Hybrid && string.IsNullOrWhiteSpace(r.Entry.Vendor)))),
            new PortfolioGaps(
                Ids(selected.Where(r => r.Entry!.AsIs is null || r.Entry.ToBe is null)),
                [.. selected.Where(r => r.Excluded).Select(r => new ExcludedService(r.Service.Id, r.Entry!.AsIs?.IsExcluded == true, r.Entry.ToBe?.IsExcluded == true, r.Entry.Exclusion))],
                Ids(selected.Where(r => r.ToBe < r.AsIs))));
    }

    private static PatternAnalysis Pattern(AssessmentFile file, List<Row> rows)
    {
        // Services of one area only: I-5 belongs to every area, custom services may have none.
        var placed = rows.Where(r => r.Assigned && r.Service.Areas.Count == 1).ToList();
        List<PatternMisfit> Misfits(OrganisationPattern? pattern) => pattern is not { } p ? [] :
        [
            .. placed.Select(r => (Row: r, Area: r.Service.Areas[0], Side: Side(p, r.Service.Areas[0])))
                .Where(x => x.Row.Entry!.Assignment != x.Side && (x.Row.Entry.Assignment != Assignment.Hybrid || p == OrganisationPattern.FullInsource))
                .Select(x => new PatternMisfit(x.Row.Service.Id, x.Area, x.Row.Entry!.Assignment!.Value, x.Side)),
        ];

        var (current, target) = (file.CurrentPattern, file.TargetPattern);
        return new PatternAnalysis(
            current,
            target,
            placed.Count == 0 ? null : Enum.GetValues<OrganisationPattern>().MinBy(p => Misfits(p).Count),
            current is { } c && target is { } t
                ? [.. Enum.GetValues<Area>().Where(a => Side(c, a) != Side(t, a)).Select(a => new AreaChange(a, Side(c, a), Side(t, a)))]
                : [],
            Misfits(target),
            Misfits(current));
    }

    private static OperatingSet OperatingSet(List<Row> rows)
    {
        var running = OperatingCategories.ToDictionary(
            c => c.ToString(), c => (IReadOnlyList<string>)[.. rows.Where(r => r.Service.Category == c && r.Assigned && r.AsIs >= RunningFrom).Select(r => r.Service.Id)]);
        List<string> missingAtTarget = [.. OperatingCategories.Where(c => !rows.Any(r => r.Service.Category == c && r.ToBe >= RunningFrom)).Select(c => c.ToString())];
        List<string> missing = [.. running.Where(c => c.Value.Count == 0).Select(c => c.Key)];
        return new OperatingSet(missing.Count == 0, missing, running, missingAtTarget.Count == 0, missingAtTarget);
    }

    /// <summary>
    /// Table 11 covers the teams of areas III and IV. The insourced (or hybrid) services of those areas name their
    /// teams (Figure 17); the level is the first that does every such team's work (research from Level 1, forensics
    /// from Level 2). Level 3 is Level 2's set of teams for several organisations, which the file does not say.
    /// </summary>
    private static (int? Level, StaffingModel Model) Staffing(ServiceCatalogue catalogue, List<Row> rows, Language lang)
    {
        var specialist = catalogue.Teams.Where(t => t.FromLevel is not null).ToList();
        var insourced = rows.Where(r => r.Insourced && r.Service.Areas is [Area.III or Area.IV]).ToList();
        var services = specialist.ToDictionary(t => t.Id, t => insourced.Where(r => r.Service.Teams.Contains(t.Id)).Select(r => r.Service.Id).ToList());
        var needed = specialist.Where(t => services[t.Id].Count > 0).ToList();
        if (needed.Count == 0)
        {
            return (null, new StaffingModel(null, null, []));
        }

        var level = needed.Max(t => t.FromLevel!.Value);
        var model = catalogue.StaffingLevels.First(l => l.Level == level);
        return (level, new StaffingModel(
            model.Headcount,
            model.Summary[lang],
            [.. specialist.Select(t => new TeamStaffing(t.Id, t.Name[lang], t.Staffing[level]?[lang] ?? (lang == Language.Ja ? "しない" : "not done"), services[t.Id]))]));
    }

    private static ServiceRow Matrix(Row r, Language lang) => new(
        r.Service.Id,
        r.Service.Category.ToString(),
        r.Service.Name[lang],
        r.Service.IsCustom,
        r.Entry?.Level,
        r.Entry?.Reason,
        r.Entry?.Assignment,
        r.Entry?.Owner,
        r.Entry?.Vendor,
        r.Entry?.AsIs,
        r.Entry?.ToBe,
        r.Entry?.Exclusion);

    /// <summary>A service with its entry; the figures count only selected services (listed, not not-required).</summary>
    private sealed record Row(Service Service, ServiceAssessment? Entry)
    {
        public bool Selected => Entry?.IsSelected == true;

        public int? AsIs => Selected ? Entry!.AsIs?.Points : null;

        public int? ToBe => Selected ? Entry!.ToBe?.Points : null;

        public int? Gap => ToBe - AsIs;

        public bool Excluded => Selected && (Entry!.AsIs?.IsExcluded == true || Entry.ToBe?.IsExcluded == true);

        public bool Assigned => Selected && Entry!.Assignment is Assignment.Insource or Assignment.Outsource or Assignment.Hybrid;

        public bool Insourced => Selected && Entry!.Assignment is Assignment.Insource or Assignment.Hybrid;

        public bool LevelAboveScore => Selected && Entry!.Level is { } level && MinimumAsIs(level) is { } minimum && AsIs < minimum;
    }
}

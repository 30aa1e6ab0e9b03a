using Yagura.Assessment.Assessments;
using Yagura.Assessment.Evaluation;

namespace Yagura.Assessment.Tests;

/// <summary>The evaluation of a small assessment whose figures are worked out by hand in the comments.</summary>
public sealed class EvaluatorTests
{
    // Figures (A: 13 services, B: 4, C: 4, D: 7; averages over the scored, selected services):
    //   A  A-1 3→5, A-9 4→3 (A-13 not required)  as-is 3.5   to-be 4.0  gap (2 − 1) / 2 = 0.5
    //   B  B-1 5→5, B-3 4→5                      as-is 4.5   to-be 5.0  gap 0.5          → strength (≥ 4)
    //   C  C-1 1→2                               as-is 1.0   to-be 2.0  gap 1.0          → weakness (< 3)
    //   D  D-1 1→4, D-4 1→3                      as-is 1.0   to-be 3.5  gap 2.5          → weakness
    //   E  E-5 excluded (left out)   F  F-3 unassigned, no scores
    //   all  as-is 19/7 = 2.714 → 2.71   to-be 27/7 = 3.857 → 3.86   gap 8/7 = 1.143 → 1.14
    private const string Example = """
        organization: Example Corp
        date: 2026-11-01
        language: en
        pattern: { current: minimum-insource, target: hybrid }
        services:
          - { id: A-1, level: basic, assignment: insource, owner: CSIRT, as_is: 3, to_be: 5 }
          - { id: A-9, level: standard, assignment: insource, owner: CSIRT, as_is: 4, to_be: 3 }
          - { id: A-13, level: not-required, reason: no-risk, note: no certification needed }
          - { id: B-1, level: basic, assignment: outsource, vendor: Z-MSSP, as_is: 5, to_be: 5 }
          - { id: B-3, level: standard, assignment: hybrid, owner: SOC, as_is: 4, to_be: 5 }
          - { id: C-1, level: advanced, assignment: insource, owner: CSIRT, as_is: 1, to_be: 2 }
          - { id: D-1, level: basic, assignment: insource, owner: CSIRT, as_is: 1, to_be: 4 }
          - { id: D-4, level: advanced, assignment: outsource, vendor: IR Co, as_is: 1, to_be: 3 }
          - { id: E-5, level: standard, assignment: outsource, vendor: PT Co, as_is: excluded, to_be: excluded, exclusion: bug bounty instead }
          - { id: F-3, level: advanced, assignment: unassigned }
        """;

    private static AssessmentReport Evaluate(string yaml, Language? language = null) =>
        AssessmentEvaluator.Evaluate(AssessmentParser.Parse(yaml).File!, language);

    [Fact]
    public void Categories_AverageTheScoredSelectedServices_LeavingExcludedOut()
    {
        var report = Evaluate(Example);

        Assert.Equal(new Figures("Strategic management of CDC", 13, 2, 0, 3.5, 4.0, 0.5), report.Categories["A"]);
        Assert.Equal(new Figures("Real-time analysis", 4, 2, 0, 4.5, 5.0, 0.5), report.Categories["B"]);
        Assert.Equal(new Figures("Deep analysis", 4, 1, 0, 1.0, 2.0, 1.0), report.Categories["C"]);
        Assert.Equal(new Figures("Incident response", 7, 2, 0, 1.0, 3.5, 2.5), report.Categories["D"]);
        Assert.Equal(new Figures("Checking and evaluating", 9, 1, 1, null, null, null), report.Categories["E"]);
        Assert.Equal(new Figures("Support of internal fraud response", 2, 0, 0, null, null, null), report.Categories["H"]);
        Assert.Equal(new Figures("Overall", 64, 9, 1, 2.71, 3.86, 1.14), report.Overall);
        Assert.Equal("ABCDEFGHI", string.Concat(report.Categories.Keys));
    }

    [Fact]
    public void StrengthsAndWeaknesses_AreCategoriesFromFourAndBelowThree()
    {
        var report = Evaluate(Example);

        Assert.Equal([new CategoryMark("B", "Real-time analysis", 4.5)], report.Strengths);
        Assert.Equal(["C", "D"], report.Weaknesses.Select(w => w.Category));
    }

    [Fact]
    public void Improvements_AreOrderedByGapThenLevelAboveScoreThenLevel()
    {
        var report = Evaluate(Example);

        // Gap 3: D-1. Gap 2: A-1 (basic) before D-4 (advanced), both below their level's score (4 and 2).
        // Gap 1: C-1 (advanced, 1 < 2) before B-3 (standard, 4 ≥ 3) although B-3 comes first and ranks higher.
        Assert.Equal(
            [("D-1", 3, true), ("A-1", 2, true), ("D-4", 2, true), ("C-1", 1, true), ("B-3", 1, false)],
            report.Improvements.Select(i => (i.Id, i.Gap!.Value, i.LevelAboveScore)));
        Assert.Equal(new Improvement("D-1", "Incident report acceptance", 3, 1, 4, RecommendationLevel.Basic, true), report.Improvements[0]);
    }

    [Fact]
    public void LevelAboveScore_IsFlaggedWithoutAGap()
    {
        var report = Evaluate("organization: X\ndate: 2026-11-01\nservices:\n  - { id: B-1, level: basic, as_is: 3, to_be: 3 }\n  - { id: B-2, level: optional, as_is: 1, to_be: 1 }\n", Language.Ja);

        Assert.Equal([new Improvement("B-1", "リアルタイム監視", 0, 3, 3, RecommendationLevel.Basic, true)], report.Improvements);
    }

    [Fact]
    public void Phases_ListTheGapsOfCatalogueProfileAndPortfolio()
    {
        var phases = Evaluate(Example).Phases;

        Assert.Equal(["A-13"], phases.Catalogue.Levels[RecommendationLevel.NotRequired]);
        Assert.Equal(["A-1", "B-1", "D-1"], phases.Catalogue.Levels[RecommendationLevel.Basic]);
        Assert.Equal(["C-1", "D-4", "F-3"], phases.Catalogue.Levels[RecommendationLevel.Advanced]);
        Assert.Empty(phases.Catalogue.Levels[RecommendationLevel.Optional]);
        Assert.Equal(54, phases.Catalogue.Undecided.Count);
        Assert.DoesNotContain("A-1", phases.Catalogue.Undecided);
        Assert.Equal([new NotRequiredService("A-13", NotRequiredReason.NoRisk, "no certification needed")], phases.Catalogue.NotRequired);
        Assert.Equal(["A-1", "C-1", "D-1", "D-4"], phases.Catalogue.LevelAboveScore);

        Assert.Equal(["A-1", "A-9", "C-1", "D-1"], phases.Profile.Assignments[Assignment.Insource]);
        Assert.Equal(["B-3"], phases.Profile.Assignments[Assignment.Hybrid]);
        Assert.Equal(["F-3"], phases.Profile.Unassigned);
        Assert.Empty(phases.Profile.WithoutOwner);
        Assert.Equal(["B-3"], phases.Profile.WithoutVendor); // hybrid names both

        Assert.Equal(["F-3"], phases.Portfolio.Unscored);
        Assert.Equal([new ExcludedService("E-5", true, true, "bug bounty instead")], phases.Portfolio.Excluded);
        Assert.Equal(["A-9"], phases.Portfolio.TargetBelowCurrent);
    }

    [Fact]
    public void Pattern_SaysWhatChangesAndWhichAssignmentsDoNotFit()
    {
        var pattern = Evaluate(Example).Pattern;

        // Minimum insource → hybrid: area II moves to the organisation. C-1 (area III) is insourced, which neither
        // pattern expects; A-9 and D-1 (area II) are insourced, which minimum insource does not expect.
        Assert.Equal((OrganisationPattern.MinimumInsource, OrganisationPattern.Hybrid), (pattern.Current, pattern.Target));
        Assert.Equal([new AreaChange(Area.II, Assignment.Outsource, Assignment.Insource)], pattern.Changes);
        Assert.Equal([new PatternMisfit("C-1", Area.III, Assignment.Insource, Assignment.Outsource)], pattern.ToChange);
        Assert.Equal(["A-9", "C-1", "D-1"], pattern.OffCurrent.Select(m => m.Id));
        Assert.Equal(OrganisationPattern.Hybrid, pattern.Inferred); // 1 misfit; minimum outsource 2 (B-1, C-1), full insource 4
    }

    [Theory]
    [InlineData(OrganisationPattern.MinimumInsource, OrganisationPattern.FullInsource, "II III IV")]
    [InlineData(OrganisationPattern.Hybrid, OrganisationPattern.MinimumOutsource, "IV")]
    [InlineData(OrganisationPattern.MinimumOutsource, OrganisationPattern.FullInsource, "III")]
    [InlineData(OrganisationPattern.Hybrid, OrganisationPattern.Hybrid, "")]
    public void Pattern_ChangesAreTheAreasThatMoveInside(OrganisationPattern current, OrganisationPattern target, string areas)
    {
        var report = Evaluate($"organization: X\ndate: 2026-11-01\npattern: {{ current: {Vocabulary.Name(current)}, target: {Vocabulary.Name(target)} }}\nservices: []\n");

        Assert.Equal(areas, string.Join(" ", report.Pattern.Changes.Select(c => c.Area)));
        Assert.All(report.Pattern.Changes, c => Assert.Equal((Assignment.Outsource, Assignment.Insource), (c.From, c.To)));
    }

    [Fact]
    public void MinimumOperatingSet_NeedsARunningServiceInEachOfABD_NowAndAtTarget()
    {
        var set = Evaluate(Example).MinimumOperatingSet;

        // D-1 and D-4 score 1 (not done / results not checked): D runs nothing now, and will at the target.
        Assert.False(set.Ok);
        Assert.Equal(["D"], set.Missing);
        Assert.Equal(["A-1", "A-9"], set.Running["A"]);
        Assert.Equal(["B-1", "B-3"], set.Running["B"]);
        Assert.Empty(set.Running["D"]);
        Assert.True(set.OkAtTarget);

        var unassigned = Evaluate("organization: X\ndate: 2026-11-01\nservices:\n  - { id: A-1, assignment: insource, as_is: 3, to_be: 3 }\n  - { id: B-1, assignment: unassigned, as_is: 3, to_be: 3 }\n");
        Assert.Equal(["B", "D"], unassigned.MinimumOperatingSet.Missing);
        Assert.Equal(["D"], unassigned.MinimumOperatingSet.MissingAtTarget);
    }

    [Fact]
    public void Staffing_IsTheLevelThatDoesTheWorkOfTheInsourcedAreaIIIAndIVServices()
    {
        var report = Evaluate(Example);

        // B-3 (area IV, hybrid) needs the first and second line; C-1 (area III, insourced) forensics: Level 2.
        Assert.Equal(2, report.StaffingLevel);
        Assert.Equal(12, report.Staffing.Headcount);
        Assert.Equal(8, report.Staffing.Teams.Count);
        var forensics = report.Staffing.Teams.Single(t => t.Team == "forensics");
        Assert.Equal(("Forensics", "done by second-line response", "C-1"), (forensics.Name, forensics.Staffing, Assert.Single(forensics.Services)));
        Assert.Equal(["B-3"], report.Staffing.Teams.Single(t => t.Team == "second-line").Services);
    }

    [Theory]
    [InlineData("- { id: B-1, assignment: insource }", 0)]
    [InlineData("- { id: B-1, assignment: insource }\n  - { id: F-3, assignment: hybrid }", 1)]   // research
    [InlineData("- { id: C-4, assignment: insource }", 2)]                                          // forensics
    [InlineData("- { id: C-4, level: not-required, reason: budget, assignment: insource }", null)]  // not selected
    [InlineData("- { id: A-1, assignment: insource }\n  - { id: B-1, assignment: outsource }", null)] // nothing in III/IV inside
    public void Staffing_Levels(string services, int? level)
    {
        var report = Evaluate($"organization: X\ndate: 2026-11-01\nservices:\n  {services}\n");

        Assert.Equal(level, report.StaffingLevel);
        Assert.Equal(level is null ? 0 : 8, report.Staffing.Teams.Count);
    }

    [Fact]
    public void CustomServices_CountInTheirCategory()
    {
        var report = Evaluate("""
            organization: X
            date: 2026-11-01
            custom_services: [{ id: A-101, category: A, name: Supply chain, areas: [III] }]
            services:
              - { id: A-1, as_is: 2, to_be: 2 }
              - { id: A-101, level: basic, assignment: insource, as_is: 4, to_be: 5 }
            """);

        Assert.Equal(new Figures("Strategic management of CDC", 14, 2, 0, 3.0, 3.5, 0.5), report.Categories["A"]);
        Assert.True(report.Services.Single(s => s.Id == "A-101").Custom);
        Assert.Equal([new PatternMisfit("A-101", Area.III, Assignment.Insource, Assignment.Outsource)], Evaluate("""
            organization: X
            date: 2026-11-01
            pattern: { target: hybrid }
            custom_services: [{ id: A-101, category: A, name: Supply chain, areas: [III] }]
            services: [{ id: A-101, assignment: insource }]
            """).Pattern.ToChange);
    }
}

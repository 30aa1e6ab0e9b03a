using System.Text.Json;

using Yagura.Assessment.Assessments;
using Yagura.Assessment.Evaluation;
using Yagura.Assessment.History;
using Yagura.Testing;

namespace Yagura.Assessment.Tests;

/// <summary>Keeping dated assessments in a data directory, and what moved between two of them.</summary>
public sealed class HistoryTests
{
    private const string Spring = """
        organization: Example Corp
        date: 2026-05-01
        language: en
        pattern: { current: minimum-insource, target: hybrid }
        services:
          - { id: A-1, level: basic, assignment: insource, owner: CSIRT, as_is: 3, to_be: 5 }
          - { id: B-1, level: basic, assignment: outsource, vendor: Z-MSSP, as_is: 4, to_be: 5 }
          - { id: B-2, level: standard, assignment: outsource, vendor: Z-MSSP, as_is: 3, to_be: 4 }
          - { id: D-1, level: basic, assignment: insource, owner: CSIRT, as_is: 2, to_be: 4 }
          - { id: E-5, level: advanced, assignment: outsource, vendor: PT Co, as_is: 2, to_be: 3 }
        """;

    // A-1 3 → 4 (better); B-1 4 → 3 (As-Is down); B-2 standard → optional (lowered), unchanged scores;
    // D-1 insource → unassigned (still basic); E-5 dropped from the file (level and all gone: moved, not a regression);
    // C-1 new. Category A 3 → 4, B (4 + 3) / 2 = 3.5 → 3.0, D 2 → 2, E 2 → none.
    private const string Autumn = """
        organization: Example Corp
        date: 2026-11-01
        language: en
        pattern: { current: hybrid, target: hybrid }
        services:
          - { id: A-1, level: basic, assignment: insource, owner: CSIRT, as_is: 4, to_be: 5 }
          - { id: B-1, level: basic, assignment: outsource, vendor: Z-MSSP, as_is: 3, to_be: 5 }
          - { id: B-2, level: optional, assignment: outsource, vendor: Z-MSSP, as_is: 3, to_be: 4 }
          - { id: C-1, level: advanced, assignment: insource, owner: CSIRT, as_is: 1, to_be: 3 }
          - { id: D-1, level: basic, assignment: unassigned, as_is: 2, to_be: 4 }
        """;

    private static AssessmentFile Read(string yaml) => AssessmentParser.Parse(yaml).File!;

    [Fact]
    public void Compare_ListsWhatMoved_AndTheRegressions()
    {
        var comparison = AssessmentComparison.Compare(Read(Spring), Read(Autumn));

        Assert.Equal(["A-1", "B-1", "B-2", "C-1", "D-1", "E-5"], comparison.Changes.Select(c => c.Id));
        var a1 = comparison.Changes[0];
        Assert.Equal((new Moved<Score>(new Score(3), new Score(4)), null, null, null), (a1.AsIs, a1.ToBe, a1.Level, a1.Assignment));
        var e5 = comparison.Changes.Single(c => c.Id == "E-5");
        Assert.Equal(new Moved<RecommendationLevel>(RecommendationLevel.Advanced, null), e5.Level);
        Assert.Equal(
            [
                new Regression("B-1", "Real time asset monitoring", RegressionKind.AsIsDown, "4", "3"),
                new Regression("B-2", "Event data retention", RegressionKind.LevelLowered, "standard", "optional"),
                new Regression("D-1", "Incident report acceptance", RegressionKind.Unassigned, "insource", "unassigned"),
            ],
            comparison.Regressions);
    }

    [Fact]
    public void Compare_GivesCategoryAveragesBeforeAndAfter_AndThePatternChange()
    {
        var comparison = AssessmentComparison.Compare(Read(Spring), Read(Autumn));

        Assert.Equal(new AverageChange(3.0, 4.0, 1.0), comparison.Categories["A"].AsIsAvg);
        Assert.Equal(new AverageChange(3.5, 3.0, -0.5), comparison.Categories["B"].AsIsAvg);
        Assert.Equal(new AverageChange(2.0, 2.0, 0.0), comparison.Categories["D"].AsIsAvg);
        Assert.Equal(new AverageChange(2.0, null, null), comparison.Categories["E"].AsIsAvg);
        Assert.Equal(new AverageChange(null, 1.0, null), comparison.Categories["C"].AsIsAvg);
        Assert.Equal(new Moved<OrganisationPattern>(OrganisationPattern.MinimumInsource, OrganisationPattern.Hybrid), comparison.Pattern.Current);
        Assert.Null(comparison.Pattern.Target);
    }

    [Fact]
    public void Compare_Json_LeavesUnmovedValuesOut_AndText_SaysWhatWentBack()
    {
        var comparison = AssessmentComparison.Compare(Read(Spring), Read(Autumn), Language.Ja);

        using var json = JsonDocument.Parse(comparison.ToJson());
        var a1 = json.RootElement.GetProperty("changes")[0];
        Assert.Equal((3, 4), (a1.GetProperty("as_is").GetProperty("from").GetInt32(), a1.GetProperty("as_is").GetProperty("to").GetInt32()));
        Assert.False(a1.TryGetProperty("level", out _));
        Assert.Equal("as-is-down", json.RootElement.GetProperty("regressions")[0].GetProperty("kind").GetString());
        Assert.Equal(-0.5, json.RootElement.GetProperty("categories").GetProperty("B").GetProperty("as_is_avg").GetProperty("delta").GetDouble());

        var text = ComparisonText.Render(comparison);
        Assert.StartsWith("X.1060 アセスメントの比較: Example Corp（2026-05-01 → 2026-11-01）\n", text, StringComparison.Ordinal);
        Assert.Contains("後退 (3)\n  B-1   リアルタイム監視: As-Is が下がった (4 → 3)\n", text, StringComparison.Ordinal);
        Assert.Contains("  D-1   インシデント報告受付: 割り当てがなくなった (insource → unassigned)\n", text, StringComparison.Ordinal);
        Assert.Contains("  B-2   イベントデータ保管: 推奨レベル スタンダード（標準） → オプション（任意）\n", text, StringComparison.Ordinal);
        Assert.Contains("  B    3.50 → 3.00  (-0.50)    4.50 → 4.50  ( 0.00)  即時分析\n", text, StringComparison.Ordinal);
        Assert.Contains("組織パターン: 現状 ミニマムインソース → ハイブリッド, 目標 変化なし", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Archive_KeepsACopyPerOrganisationAndDate_RefusingTheSameDateUnlessReplaced()
    {
        using var dir = new TempDirectory("yagura-history");
        var spring = Read(Spring);

        var path = AssessmentArchive.Save(dir.Path, Spring, spring, replace: false);
        var again = AssessmentArchive.Save(dir.Path, Spring + "# edited\n", spring, replace: false);

        Assert.Equal(Path.Combine(dir.Path, "assessments", "2026-05-01_example-corp-" + path![^12..^4] + ".yml"), path);
        Assert.Null(again);
        Assert.Equal(Spring, File.ReadAllText(path));
        Assert.Equal(path, AssessmentArchive.Save(dir.Path, Spring + "# edited\n", spring, replace: true));
        Assert.EndsWith("# edited\n", File.ReadAllText(path), StringComparison.Ordinal);

        var otherText = Autumn.Replace("Example Corp", "株式会社サンプル", StringComparison.Ordinal).Replace("2026-11-01", "2026-05-01", StringComparison.Ordinal);
        var otherPath = AssessmentArchive.Save(dir.Path, otherText, Read(otherText), replace: false);
        Assert.Matches(@"/2026-05-01_[0-9a-f]{8}\.yml$", otherPath);
        AssessmentArchive.Save(dir.Path, Autumn, Read(Autumn), replace: false);
        File.WriteAllText(Path.Combine(dir.Path, "assessments", "2026-01-01_by-hand.yml"), "organization: [\n");

        var kept = AssessmentArchive.List(dir.Path);
        Assert.Equal(
            [("2026-05-01", "Example Corp"), ("2026-05-01", "株式会社サンプル"), ("2026-11-01", "Example Corp")],
            kept.Where(k => k.File is not null).Select(k => (k.File!.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), k.File.Organization)));
        Assert.EndsWith("by-hand.yml", Assert.Single(kept, k => k.File is null && k.Errors.Count > 0).Path, StringComparison.Ordinal);
        Assert.Equal(2, AssessmentArchive.Find(dir.Path, new DateOnly(2026, 5, 1)).Count);
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "assessments"), ".*"));
    }

    [Fact]
    public void FileName_FoldsTheOrganisationToAscii_AndKeepsNamesThatFoldAlikeApart()
    {
        var date = new DateOnly(2026, 11, 1);

        Assert.StartsWith("2026-11-01_example-corp-", AssessmentArchive.FileName("Example Corp.", date), StringComparison.Ordinal);
        Assert.NotEqual(AssessmentArchive.FileName("Example Corp", date), AssessmentArchive.FileName("Example-Corp", date));
        Assert.Equal(AssessmentArchive.FileName("Example Corp", date), AssessmentArchive.FileName("Example Corp", date));
        Assert.Matches(@"^2026-11-01_[0-9a-f]{8}\.yml$", AssessmentArchive.FileName("株式会社サンプル", date));
        Assert.Matches(@"^2026-11-01_x-y-[0-9a-f]{8}\.yml$", AssessmentArchive.FileName("../x/../y", date));
    }
}

using System.Text.Json;

using Yagura.Assessment.Assessments;
using Yagura.Assessment.Evaluation;

namespace Yagura.Assessment.Tests;

/// <summary>The report's JSON contract (docs/assessment.md) and its text summary in both languages.</summary>
public sealed class ReportTests
{
    private const string File = """
        organization: Example Corp
        date: 2026-11-01
        pattern: { current: hybrid, target: minimum-outsource }
        services:
          - { id: A-1, level: basic, assignment: insource, owner: 社内CSIRT, as_is: 3, to_be: 5 }
          - { id: B-1, level: basic, assignment: outsource, vendor: Z-MSSP, as_is: 4, to_be: 5 }
          - { id: B-3, level: standard, assignment: insource, owner: 社内SOC, as_is: 5, to_be: 5 }
          - { id: C-1, level: not-required, reason: budget }
          - { id: D-1, level: basic, assignment: insource, owner: 社内CSIRT, as_is: 2, to_be: 4 }
          - { id: E-5, level: advanced, assignment: outsource, vendor: X, as_is: excluded, to_be: 3, exclusion: 外部の診断で代替 }
          - { id: H-1, level: basic, as_is: 9 }
        """;

    private static AssessmentReport Report(Language? language = null) => AssessmentEvaluator.Evaluate(AssessmentParser.Parse(File).File!, language);

    [Fact]
    public void Json_HasTheIssuesFields_InSnakeCase_WithValuesSpeltAsInTheFile()
    {
        using var json = JsonDocument.Parse(Report().ToJson());
        var root = json.RootElement;

        Assert.Equal(("Example Corp", "2026-11-01", "ja"), (root.GetProperty("organization").GetString(), root.GetProperty("date").GetString(), root.GetProperty("language").GetString()));
        var a = root.GetProperty("categories").GetProperty("A");
        Assert.Equal((13, 3.0, 5.0, 2.0), (a.GetProperty("services").GetInt32(), a.GetProperty("as_is_avg").GetDouble(), a.GetProperty("to_be_avg").GetDouble(), a.GetProperty("gap").GetDouble()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("categories").GetProperty("C").GetProperty("as_is_avg").ValueKind);
        Assert.Equal("B", root.GetProperty("strengths")[0].GetProperty("category").GetString());
        Assert.Equal("D", root.GetProperty("weaknesses")[0].GetProperty("category").GetString());
        var improvement = root.GetProperty("improvements")[0];
        Assert.Equal(("A-1", 2, "basic", true), (improvement.GetProperty("id").GetString(), improvement.GetProperty("gap").GetInt32(), improvement.GetProperty("level").GetString(), improvement.GetProperty("level_above_score").GetBoolean()));
        var set = root.GetProperty("minimum_operating_set");
        Assert.True(set.GetProperty("ok").GetBoolean());
        Assert.Equal(0, set.GetProperty("missing").GetArrayLength());
        Assert.Equal(0, root.GetProperty("staffing_level").GetInt32()); // B-3 (area IV) insourced
        Assert.Equal(4, root.GetProperty("staffing").GetProperty("headcount").GetInt32());
        var warning = root.GetProperty("warnings")[0];
        Assert.Equal((11, "H-1", "score-out-of-range"), (warning.GetProperty("line").GetInt32(), warning.GetProperty("id").GetString(), warning.GetProperty("code").GetString()));
        Assert.StartsWith("as_is '9' は 1–5", warning.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("IV", root.GetProperty("pattern").GetProperty("changes")[0].GetProperty("area").GetString());
        Assert.Equal("minimum-outsource", root.GetProperty("pattern").GetProperty("target").GetString());
        Assert.Equal(["C-1"], root.GetProperty("phases").GetProperty("catalogue").GetProperty("levels").GetProperty("not-required").EnumerateArray().Select(e => e.GetString()));
        var e5 = root.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "E-5");
        Assert.Equal(("excluded", 3, "outsource"), (e5.GetProperty("as_is").GetString(), e5.GetProperty("to_be").GetInt32(), e5.GetProperty("assignment").GetString()));
        Assert.Equal(64, root.GetProperty("services").GetArrayLength());
    }

    [Fact]
    public void Text_InJapanese_SummarisesEverySection()
    {
        var text = ReportText.Render(Report());

        Assert.StartsWith("X.1060 アセスメント: Example Corp（2026-11-01）\n", text, StringComparison.Ordinal);
        Assert.Contains("  現状: ハイブリッド → 目標: ミニマムアウトソース", text, StringComparison.Ordinal);
        Assert.Contains("  領域 IV: アウトソース → インソース", text, StringComparison.Ordinal);
        Assert.Contains("  A    3.00  5.00  +2.00   1/13  CDC の戦略マネジメント\n", text, StringComparison.Ordinal);
        Assert.Contains("強み: B 即時分析 (4.50)", text, StringComparison.Ordinal);
        Assert.Contains("弱み: D インシデント対応 (2.00)", text, StringComparison.Ordinal);
        Assert.Contains("  A-1   3 → 5 (+2)   リスクマネジメント  推奨レベル ベーシック（必須） にスコアが届いていません", text, StringComparison.Ordinal);
        Assert.Contains("  不要とした理由: C-1 (今はできない: 予算)", text, StringComparison.Ordinal);
        Assert.Contains("  評価対象外（実施しないと判断）: E-5: 外部の診断で代替", text, StringComparison.Ordinal);
        Assert.Contains("最低限の運用（カテゴリー A・B・D、6.5.2）: 現状 OK, 目標 OK", text, StringComparison.Ordinal);
        Assert.Contains("要員モデル（表 11）: Level 0（4 名）", text, StringComparison.Ordinal);
        Assert.Contains("  一次対応: 日勤 1 名 — B-3", text, StringComparison.Ordinal);
        Assert.Contains("  11 行目: H-1: as_is '9' は 1–5 の整数か excluded です", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_InEnglish_UsesEnglishNamesAndLabels()
    {
        var text = ReportText.Render(Report(Language.En));

        Assert.StartsWith("X.1060 assessment: Example Corp (2026-11-01)\n", text, StringComparison.Ordinal);
        Assert.Contains("  Current: Hybrid → target: Minimum outsource", text, StringComparison.Ordinal);
        Assert.Contains("Strengths: B Real-time analysis (4.50)", text, StringComparison.Ordinal);
        Assert.Contains("  D-1   2 → 4 (+2)   Incident report acceptance  score below its level (Basic)", text, StringComparison.Ordinal);
        Assert.Contains("Staffing model (Table 11): Level 0 (4 people)", text, StringComparison.Ordinal);
        Assert.Contains("  line 11: H-1: as_is '9' must be a whole number from 1 to 5, or excluded", text, StringComparison.Ordinal);
        Assert.DoesNotContain("リスクマネジメント", text, StringComparison.Ordinal);
    }
}

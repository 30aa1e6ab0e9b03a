using System.Globalization;
using System.Text;

namespace Yagura.Assessment.Evaluation;

/// <summary>The report as a plain-text summary for people, in the report's language; empty sections are left out.</summary>
public static class ReportText
{
    public static string Render(AssessmentReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var lang = report.Language;
        string T(string ja, string en) => lang == Language.Ja ? ja : en;
        string L(Enum value) => Vocabulary.Label(value, lang);
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');
        void Ids(string label, IReadOnlyCollection<string> ids)
        {
            if (ids.Count > 0)
            {
                Line($"  {label} ({ids.Count}): {string.Join(", ", ids)}");
            }
        }

        Line(T($"X.1060 アセスメント: {report.Organization}（{report.Date:yyyy-MM-dd}）", $"X.1060 assessment: {report.Organization} ({report.Date:yyyy-MM-dd})"));
        Line();

        var pattern = report.Pattern;
        string Pattern(OrganisationPattern? p) => p is { } v ? L(v) : T("未記入", "not given");
        Line(T("組織パターン（6.3）", "Organisation pattern (6.3)"));
        Line($"  {T("現状", "Current")}: {Pattern(pattern.Current)} → {T("目標", "target")}: {Pattern(pattern.Target)}"
            + (pattern.Inferred is { } inferred ? T($"（割り当てに最も近いのは {L(inferred)}）", $" (the assignments fit {L(inferred)} best)") : ""));
        foreach (var change in pattern.Changes)
        {
            Line($"  {L(change.Area)}: {L(change.From)} → {L(change.To)}");
        }

        string Misfits(IEnumerable<PatternMisfit> misfits) => string.Join(", ", misfits.Select(m => $"{m.Id} ({L(m.Area)}: {L(m.Assignment)} → {L(m.Expected)})"));
        if (pattern.ToChange.Count > 0)
        {
            Line($"  {T("目標のために変える割り当て", "Assignments to change for the target")}: {Misfits(pattern.ToChange)}");
        }

        if (pattern.OffCurrent.Count > 0)
        {
            Line($"  {T("現状のパターンに合わない割り当て", "Assignments off the current pattern")}: {Misfits(pattern.OffCurrent)}");
        }

        Line();
        Line(T("カテゴリー別（As-Is 平均 / To-Be 平均 / ギャップ、選択したサービス / 全サービス）", "By category (As-Is average / To-Be average / gap, selected / all services)"));
        static string Number(double? value, string format = "0.00") => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
        void Row(string id, Figures f) =>
            Line($"  {id,-3} {Number(f.AsIsAvg),5} {Number(f.ToBeAvg),5} {Number(f.Gap, "+0.00;-0.00;0.00"),6}  {f.Selected,2}/{f.Services,-2}  {f.Name}");
        foreach (var (id, figures) in report.Categories)
        {
            Row(id, figures);
        }

        Row("", report.Overall);
        Line();
        string Marks(IEnumerable<CategoryMark> marks) => string.Join(", ", marks.Select(m => $"{m.Category} {m.Name} ({Number(m.AsIsAvg)})"));
        Line($"{T("強み", "Strengths")}: {(report.Strengths.Count > 0 ? Marks(report.Strengths) : T("なし", "none"))}");
        Line($"{T("弱み", "Weaknesses")}: {(report.Weaknesses.Count > 0 ? Marks(report.Weaknesses) : T("なし", "none"))}");

        if (report.Improvements.Count > 0)
        {
            Line();
            Line(T("長期的な改善ポイント（ギャップの大きい順）", "Long-term improvement points (largest gap first)"));
            foreach (var i in report.Improvements)
            {
                var scores = i.Gap is { } gap ? $"{i.AsIs} → {i.ToBe} (+{gap})" : $"{i.AsIs} → -";
                var level = i.LevelAboveScore ? T($"  推奨レベル {L(i.Level!.Value)} にスコアが届いていません", $"  score below its level ({L(i.Level!.Value)})") : "";
                Line($"  {i.Id,-5} {scores,-12} {i.Name}{level}");
            }
        }

        var phases = report.Phases;
        Line();
        Line(T("フェーズ 1: サービスカタログ（推奨レベル）", "Phase 1: service catalogue (recommendation levels)"));
        Line("  " + string.Join(", ", phases.Catalogue.Levels.Select(l => $"{L(l.Key)} {l.Value.Count}")));
        Ids(T("推奨レベル未決定", "No level decided"), phases.Catalogue.Undecided);
        if (phases.Catalogue.NotRequired.Count > 0)
        {
            Line($"  {T("不要とした理由", "Not required, because")}: " + string.Join(", ", phases.Catalogue.NotRequired.Select(n =>
                $"{n.Id} ({(n.Reason is { } reason ? L(reason) : T("理由なし", "no reason given"))}{(n.Note is null ? "" : ": " + n.Note)})")));
        }

        Ids(T("推奨レベルにスコアが届かない", "Score below the level"), phases.Catalogue.LevelAboveScore);
        Line(T("フェーズ 2: サービスプロファイル（割り当て）", "Phase 2: service profile (assignments)"));
        Line("  " + string.Join(", ", phases.Profile.Assignments.Select(a => $"{L(a.Key)} {a.Value.Count}")));
        Ids(T("未割り当て", "Unassigned"), phases.Profile.Unassigned);
        Ids(T("責務を負う担当（owner）がない", "No owner (team answering for it)"), phases.Profile.WithoutOwner);
        Ids(T("委託先（vendor）がない", "No vendor"), phases.Profile.WithoutVendor);
        Line(T("フェーズ 3: サービスポートフォリオ（As-Is / To-Be）", "Phase 3: service portfolio (As-Is / To-Be)"));
        Ids(T("スコアが揃っていない", "Scores missing"), phases.Portfolio.Unscored);
        foreach (var e in phases.Portfolio.Excluded)
        {
            Line($"  {T("評価対象外（実施しないと判断）", "Excluded (evaluated, not done)")}: {e.Id}: {e.Exclusion ?? T("根拠なし", "no grounds given")}");
        }

        Ids(T("目標が現状より低い", "Target below the present"), phases.Portfolio.TargetBelowCurrent);

        var set = report.MinimumOperatingSet;
        Line();
        string Set(bool ok, IReadOnlyList<string> missing) => ok ? "OK" : T("不足 ", "missing ") + string.Join(", ", missing);
        Line($"{T("最低限の運用（カテゴリー A・B・D、6.5.2）", "Minimum operating set (categories A, B, D; 6.5.2)")}: "
            + $"{T("現状", "now")} {Set(set.Ok, set.Missing)}, {T("目標", "target")} {Set(set.OkAtTarget, set.MissingAtTarget)}");

        Line(report.StaffingLevel is { } staffingLevel
            ? $"{T("要員モデル（表 11）", "Staffing model (Table 11)")}: Level {staffingLevel}{T($"（{report.Staffing.Headcount} 名）", $" ({report.Staffing.Headcount} people)")} {report.Staffing.Summary}"
            : T("要員モデル（表 11）: 領域 III・IV に自組織で担うサービスはありません", "Staffing model (Table 11): no area III or IV service is insourced"));
        foreach (var team in report.Staffing.Teams)
        {
            Line($"  {team.Name}: {team.Staffing}{(team.Services.Count > 0 ? " — " + string.Join(", ", team.Services) : "")}");
        }

        if (report.Evidence is { } evidence)
        {
            Line();
            Line(T($"基盤からの根拠（{evidence.AsOf.UtcDateTime:yyyy-MM-dd HH:mm} UTC 時点、{(evidence.Tenant is { } t ? "テナント " + t : "全テナント")}）",
                $"Evidence from the platform (as of {evidence.AsOf.UtcDateTime:yyyy-MM-dd HH:mm} UTC, {(evidence.Tenant is { } u ? "tenant " + u : "every tenant")})"));
            foreach (var (id, e) in evidence.Services)
            {
                var asIs = e.AsIs is { } score ? (score.IsExcluded ? "excluded" : score.Value.ToString(CultureInfo.InvariantCulture)) : "-";
                var suggested = e.SuggestedScore?.ToString(CultureInfo.InvariantCulture) ?? "-";
                Line($"  {id,-5} {e.Name}: {T("自己評価", "self-assessed")} {asIs}, {T("提案", "suggested")} {suggested}{(e.AsIsAboveEvidence ? T("（自己評価が数値より高い）", " (self-assessment above the figures)") : "")}");
                if (e.Figures.Count > 0)
                {
                    Line("        " + string.Join(", ", e.Figures.Select(f => $"{Evidence.EvidenceEvaluator.Label(f.Key, lang)} {FigureText(f.Value)}")));
                }

                Line("        " + e.Reason);
            }
        }

        if (report.Warnings.Count > 0)
        {
            Line();
            Line(T("警告", "Warnings"));
            foreach (var w in report.Warnings)
            {
                Line($"  {T($"{w.Line} 行目", $"line {w.Line}")}: {(w.Id is null ? "" : w.Id + ": ")}{w.Message}");
            }
        }

        return text.ToString();
    }

    /// <summary>A figure of the evidence as text: numbers invariant, lists joined, "-" when unknown.</summary>
    public static string FigureText(object? value) => value switch
    {
        null => "-",
        string s => s,
        IEnumerable<string> list => list.Any() ? string.Join(", ", list) : "-",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "-",
    };
}

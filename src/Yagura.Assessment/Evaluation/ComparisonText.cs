using System.Globalization;
using System.Text;

using Yagura.Assessment.Assessments;

namespace Yagura.Assessment.Evaluation;

/// <summary>A comparison of two assessments as text for people, in the comparison's language.</summary>
public static class ComparisonText
{
    public static string Render(AssessmentComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var lang = comparison.Language;
        string T(string ja, string en) => lang == Language.Ja ? ja : en;
        string L(Enum? value) => value is null ? T("なし", "none") : Vocabulary.Label(value, lang);
        static string S(Score? score) => score is not { } s ? "-" : s.IsExcluded ? "excluded" : s.Value.ToString(CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');
        var (from, to) = (comparison.From, comparison.To);
        Line(from.Organization == to.Organization
            ? T($"X.1060 アセスメントの比較: {to.Organization}（{from.Date:yyyy-MM-dd} → {to.Date:yyyy-MM-dd}）", $"X.1060 assessment comparison: {to.Organization} ({from.Date:yyyy-MM-dd} → {to.Date:yyyy-MM-dd})")
            : T($"X.1060 アセスメントの比較: {from.Organization}（{from.Date:yyyy-MM-dd}）→ {to.Organization}（{to.Date:yyyy-MM-dd}）", $"X.1060 assessment comparison: {from.Organization} ({from.Date:yyyy-MM-dd}) → {to.Organization} ({to.Date:yyyy-MM-dd})"));

        Line();
        Line(T($"後退 ({comparison.Regressions.Count})", $"Regressions ({comparison.Regressions.Count})"));
        foreach (var r in comparison.Regressions)
        {
            var what = r.Kind switch
            {
                RegressionKind.AsIsDown => T("As-Is が下がった", "As-Is went down"),
                RegressionKind.LevelLowered => T("推奨レベルが下がった", "level lowered"),
                _ => T("割り当てがなくなった", "no longer assigned"),
            };
            Line($"  {r.Id,-5} {r.Name}: {what} ({r.From ?? "-"} → {r.To ?? "-"})");
        }

        if (comparison.Regressions.Count == 0)
        {
            Line(T("  なし", "  none"));
        }

        Line();
        Line(T($"変わったサービス ({comparison.Changes.Count})", $"Services that moved ({comparison.Changes.Count})"));
        foreach (var c in comparison.Changes)
        {
            List<string> moves = [];
            if (c.Level is { } level)
            {
                moves.Add($"{T("推奨レベル", "level")} {L(level.From)} → {L(level.To)}");
            }

            if (c.Assignment is { } assignment)
            {
                moves.Add($"{T("割り当て", "assignment")} {L(assignment.From)} → {L(assignment.To)}");
            }

            if (c.AsIs is { } asIs)
            {
                moves.Add($"As-Is {S(asIs.From)} → {S(asIs.To)}");
            }

            if (c.ToBe is { } toBe)
            {
                moves.Add($"To-Be {S(toBe.From)} → {S(toBe.To)}");
            }

            Line($"  {c.Id,-5} {c.Name}: {string.Join("; ", moves)}");
        }

        Line();
        Line(T("カテゴリー別（As-Is 平均、To-Be 平均: 前 → 後（差））", "By category (As-Is average, To-Be average: before → after (change))"));
        static string N(double? value) => value?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-";
        static string D(double? value) => value?.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) ?? "-";
        void Row(string id, CategoryChange c) =>
            Line($"  {id,-3} {N(c.AsIsAvg.From),5} → {N(c.AsIsAvg.To),-5} ({D(c.AsIsAvg.Delta),5})   {N(c.ToBeAvg.From),5} → {N(c.ToBeAvg.To),-5} ({D(c.ToBeAvg.Delta),5})  {c.Name}");
        foreach (var (id, change) in comparison.Categories)
        {
            Row(id, change);
        }

        Row("", comparison.Overall);

        Line();
        var pattern = comparison.Pattern;
        string Pattern(Moved<OrganisationPattern>? moved) => moved is null ? T("変化なし", "unchanged") : $"{L(moved.From)} → {L(moved.To)}";
        Line($"{T("組織パターン", "Organisation pattern")}: {T("現状", "current")} {Pattern(pattern.Current)}, {T("目標", "target")} {Pattern(pattern.Target)}, "
            + $"{T("割り当てに最も近いもの", "fitting the assignments best")} {Pattern(pattern.Inferred)}");
        return text.ToString();
    }
}

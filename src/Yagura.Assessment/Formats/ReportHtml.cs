using System.Globalization;
using System.Net;
using System.Text;

using Yagura.Assessment.Assessments;
using Yagura.Assessment.Evaluation;
using Yagura.Assessment.Evidence;

namespace Yagura.Assessment.Formats;

/// <summary>
/// The report as one self-contained, printable HTML page in the report's language: categories with a radar chart of
/// As-Is and To-Be (inline SVG, axes A–I), the service matrix of Figure 8 grouped by category, the improvements, the
/// minimum operating set and staffing, the platform's evidence when present, and the warnings. No script, no external
/// resource; every text from the file is HTML-encoded.
/// </summary>
public static class ReportHtml
{
    /// <summary>The radar's centre and the radius of a score of 5, in SVG units.</summary>
    private const double Centre = 210, Radius = 150;

    private const string Style = """
        :root { color-scheme: light; --as-is: #1f5fa8; --to-be: #d0792b; --line: #c8cdd3; }
        * { box-sizing: border-box; }
        body { font-family: "Hiragino Sans", "Noto Sans CJK JP", "Yu Gothic", Meiryo, system-ui, sans-serif; color: #1b1f24; margin: 2rem auto; max-width: 64rem; padding: 0 1rem; line-height: 1.5; }
        h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; border-bottom: 2px solid #1b1f24; padding-bottom: .2rem; margin-top: 2rem; }
        .meta { color: #555; margin-top: 0; }
        table { border-collapse: collapse; width: 100%; font-size: .9rem; }
        th, td { border: 1px solid var(--line); padding: .25rem .45rem; text-align: left; vertical-align: top; }
        thead th { background: #eef1f4; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tr.category th { background: #f6f7f9; font-weight: 600; }
        tr.not-selected td { color: #8a8f96; }
        .gap-positive { font-weight: 600; }
        .overview { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
        .overview figure { margin: 0; flex: 0 0 26rem; } .overview table { flex: 1 1 20rem; width: auto; }
        svg .grid { fill: none; stroke: var(--line); } svg .axis { stroke: var(--line); }
        svg .as-is { fill: rgba(31, 95, 168, .18); stroke: var(--as-is); stroke-width: 2; }
        svg .to-be { fill: rgba(208, 121, 43, .12); stroke: var(--to-be); stroke-width: 2; stroke-dasharray: 6 4; }
        svg text { font-size: 13px; fill: #1b1f24; } svg .tick { font-size: 10px; fill: #777; }
        ul.warnings li { color: #8a3b00; }
        table.evidence td:nth-child(4) { white-space: nowrap; font-size: .85rem; }
        .flag { color: #b00020; font-weight: 600; }
        @media print {
          body { margin: 0; max-width: none; font-size: 10pt; }
          h2 { break-after: avoid; } tr, figure { break-inside: avoid; } thead { display: table-header-group; }
          section { break-inside: auto; } a { color: inherit; text-decoration: none; }
        }
        @page { size: A4; margin: 14mm; }
        """;

    public static string Render(AssessmentReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var lang = report.Language;
        string T(string ja, string en) => lang == Language.Ja ? ja : en;
        string L(Enum value) => E(Vocabulary.Label(value, lang));
        var html = new StringBuilder();
        void Line(string line) => html.Append(line).Append('\n');

        var title = T($"X.1060 アセスメント: {report.Organization}（{report.Date:yyyy-MM-dd}）", $"X.1060 assessment: {report.Organization} ({report.Date:yyyy-MM-dd})");
        Line("<!DOCTYPE html>");
        Line($"<html lang=\"{(lang == Language.Ja ? "ja" : "en")}\">");
        Line($"<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{E(title)}</title>\n<style>\n{Style}</style>\n</head>");
        Line("<body>");
        Line($"<header>\n<h1>{T("X.1060 アセスメント", "X.1060 assessment")}</h1>");
        Line($"<p class=\"meta\"><span class=\"organization\">{E(report.Organization)}</span> — <time datetime=\"{report.Date:yyyy-MM-dd}\">{report.Date:yyyy-MM-dd}</time></p>\n</header>");

        // Overview: radar and category figures.
        Line($"<section id=\"categories\">\n<h2>{T("カテゴリー別の現状とあるべき姿", "Categories: As-Is and To-Be")}</h2>\n<div class=\"overview\">");
        Radar(html, report, T);
        Line($"<table class=\"categories\">\n<thead><tr><th>{T("カテゴリー", "Category")}</th><th class=\"num\">{T("選択", "Selected")}</th><th class=\"num\">As-Is</th><th class=\"num\">To-Be</th><th class=\"num\">{T("ギャップ", "Gap")}</th></tr></thead>\n<tbody>");
        foreach (var (id, f) in report.Categories)
        {
            Line($"<tr data-category=\"{id}\"><td>{id}. {E(f.Name)}</td><td class=\"num\">{f.Selected}/{f.Services}</td><td class=\"num\">{N(f.AsIsAvg)}</td><td class=\"num\">{N(f.ToBeAvg)}</td><td class=\"num\">{Signed(f.Gap)}</td></tr>");
        }

        var o = report.Overall;
        Line($"</tbody>\n<tfoot><tr><th>{E(o.Name)}</th><th class=\"num\">{o.Selected}/{o.Services}</th><th class=\"num\">{N(o.AsIsAvg)}</th><th class=\"num\">{N(o.ToBeAvg)}</th><th class=\"num\">{Signed(o.Gap)}</th></tr></tfoot>\n</table>\n</div>");
        string Marks(IReadOnlyList<CategoryMark> marks) => marks.Count == 0 ? T("なし", "none") : string.Join(", ", marks.Select(m => $"{m.Category}. {E(m.Name)} ({N(m.AsIsAvg)})"));
        Line($"<p><strong>{T("強み", "Strengths")}:</strong> {Marks(report.Strengths)}<br><strong>{T("弱み", "Weaknesses")}:</strong> {Marks(report.Weaknesses)}</p>\n</section>");

        // The service matrix (Figure 8, Tables 3–5).
        var evidence = report.Evidence;
        Line($"<section id=\"matrix\">\n<h2>{T("サービスマトリクス（図 8）", "Service matrix (Figure 8)")}</h2>");
        Line("<table class=\"matrix\">\n<thead><tr>"
            + $"<th>{T("サービス", "Service")}</th><th>{T("推奨レベル", "Recommendation level")}</th><th>{T("サービス割り当て", "Assignment")}</th><th>{T("担当・委託先", "Owner / vendor")}</th>"
            + $"<th class=\"num\">{T("現状 (As-Is)", "As-Is")}</th><th class=\"num\">{T("あるべき姿 (To-Be)", "To-Be")}</th><th class=\"num\">{T("ギャップ", "Gap")}</th>"
            + (evidence is null ? "" : $"<th class=\"num\">{T("基盤の提案", "Suggested")}</th>")
            + "</tr></thead>");
        var columns = evidence is null ? 7 : 8;
        foreach (var (id, category) in report.Categories)
        {
            Line($"<tbody data-category=\"{id}\">\n<tr class=\"category\"><th colspan=\"{columns}\">{id}. {E(category.Name)}</th></tr>");
            foreach (var s in report.Services.Where(s => s.Category == id))
            {
                var selected = s.Level is not null and not RecommendationLevel.NotRequired;
                var level = s.Level is { } l ? L(l) + (s.Reason is { } r ? $"<br><small>{L(r)}</small>" : "") : "—";
                var who = string.Join(" / ", new[] { s.Owner, s.Vendor }.Where(w => !string.IsNullOrWhiteSpace(w)).Select(E));
                var gap = s.AsIs?.Points is { } a && s.ToBe?.Points is { } b ? b - a : (int?)null;
                var suggestion = evidence?.Services.GetValueOrDefault(s.Id) is { } e
                    ? $"<td class=\"num\">{(e.SuggestedScore is { } x ? x.ToString(CultureInfo.InvariantCulture) : "—")}{(e.AsIsAboveEvidence ? " <span class=\"flag\" title=\"" + T("自己評価が基盤の数値より高い", "self-assessment above the figures") + "\">!</span>" : "")}</td>"
                    : evidence is null ? "" : "<td class=\"num\"></td>";
                Line($"<tr class=\"service{(selected ? "" : " not-selected")}\" data-id=\"{E(s.Id)}\"><td>{E(s.Id)} {E(s.Name)}</td><td>{level}</td>"
                    + $"<td>{(s.Assignment is { } asg ? L(asg) : "—")}</td><td>{who}</td>"
                    + $"<td class=\"num\">{Score(s.AsIs)}</td><td class=\"num\">{Score(s.ToBe)}</td><td class=\"num{(gap > 0 ? " gap-positive" : "")}\">{(gap is { } g ? Signed(g) : "")}</td>{suggestion}</tr>");
            }

            Line("</tbody>");
        }

        Line("</table>\n</section>");

        // Improvements.
        Line($"<section id=\"improvements\">\n<h2>{T("長期的な改善ポイント", "Long-term improvement points")}</h2>");
        if (report.Improvements.Count == 0)
        {
            Line($"<p>{T("なし", "None")}</p>");
        }
        else
        {
            Line("<ol class=\"improvements\">");
            foreach (var i in report.Improvements)
            {
                var scores = i.Gap is { } gap ? $"{i.AsIs} → {i.ToBe} (+{gap})" : $"{i.AsIs?.ToString(CultureInfo.InvariantCulture) ?? "-"} → -";
                var below = i.LevelAboveScore ? T($" — 推奨レベル {L(i.Level!.Value)} にスコアが届いていません", $" — score below its level ({L(i.Level!.Value)})") : "";
                Line($"<li data-id=\"{E(i.Id)}\">{E(i.Id)} {E(i.Name)}: {scores}{below}</li>");
            }

            Line("</ol>");
        }

        Line("</section>");

        // Minimum operating set, pattern and staffing.
        var set = report.MinimumOperatingSet;
        string Set(bool ok, IReadOnlyList<string> missing) => ok ? "OK" : T("不足: ", "missing: ") + string.Join(", ", missing);
        Line($"<section id=\"operation\">\n<h2>{T("最低限の運用と要員", "Minimum operating set and staffing")}</h2>");
        Line($"<p><strong>{T("最低限の運用（カテゴリー A・B・D、6.5.2）", "Minimum operating set (categories A, B, D; 6.5.2)")}:</strong> {T("現状", "now")} {Set(set.Ok, set.Missing)}, {T("目標", "target")} {Set(set.OkAtTarget, set.MissingAtTarget)}</p>");
        string Pattern(OrganisationPattern? p) => p is { } v ? L(v) : T("未記入", "not given");
        Line($"<p><strong>{T("組織パターン（6.3）", "Organisation pattern (6.3)")}:</strong> {T("現状", "current")} {Pattern(report.Pattern.Current)} → {T("目標", "target")} {Pattern(report.Pattern.Target)}"
            + (report.Pattern.Inferred is { } inferred ? T($"（割り当てに最も近いのは {L(inferred)}）", $" (the assignments fit {L(inferred)} best)") : "") + "</p>");
        if (report.StaffingLevel is { } staffingLevel)
        {
            Line($"<p><strong>{T("要員モデル（表 11）", "Staffing model (Table 11)")}:</strong> Level {staffingLevel}{T($"（{report.Staffing.Headcount} 名）", $" ({report.Staffing.Headcount} people)")} {E(report.Staffing.Summary)}</p>");
            Line($"<table class=\"staffing\">\n<thead><tr><th>{T("チーム", "Team")}</th><th>{T("体制", "Staffing")}</th><th>{T("必要とするサービス", "Services needing it")}</th></tr></thead>\n<tbody>");
            foreach (var team in report.Staffing.Teams)
            {
                Line($"<tr><td>{E(team.Name)}</td><td>{E(team.Staffing)}</td><td>{E(string.Join(", ", team.Services))}</td></tr>");
            }

            Line("</tbody>\n</table>");
        }
        else
        {
            Line($"<p><strong>{T("要員モデル（表 11）", "Staffing model (Table 11)")}:</strong> {T("領域 III・IV に自組織で担うサービスはありません", "no area III or IV service is insourced")}</p>");
        }

        Line("</section>");

        if (evidence is not null)
        {
            Evidence(html, evidence, lang, T);
        }

        Line($"<section id=\"warnings\">\n<h2>{T("警告", "Warnings")}</h2>");
        if (report.Warnings.Count == 0)
        {
            Line($"<p>{T("なし", "None")}</p>");
        }
        else
        {
            Line("<ul class=\"warnings\">");
            foreach (var w in report.Warnings)
            {
                Line($"<li data-code=\"{E(w.Code)}\">{T($"{w.Line} 行目", $"line {w.Line}")}: {(w.Id is null ? "" : E(w.Id) + ": ")}{E(w.Message)}</li>");
            }

            Line("</ul>");
        }

        Line("</section>");
        Line($"<footer><p class=\"meta\">{T("Yagura が生成（ITU-T X.1060、ISOG-J「セキュリティ対応組織 (SOC/CSIRT) の教科書」第 3.1 版に基づく）", "Generated by Yagura (after ITU-T X.1060 and the ISOG-J textbook of the security response organization, v3.1)")}</p></footer>");
        Line("</body>\n</html>");
        return html.ToString();
    }

    /// <summary>Nine axes (A–I) clockwise from the top, rings at scores 1–5, and the As-Is and To-Be polygons (a category without an average sits at the centre).</summary>
    private static void Radar(StringBuilder html, AssessmentReport report, Func<string, string, string> T)
    {
        var ids = report.Categories.Keys.ToList();
        (double X, double Y) At(int axis, double score)
        {
            var angle = (-90 + (360.0 * axis / ids.Count)) * Math.PI / 180;
            return (Centre + (Radius * score / 5 * Math.Cos(angle)), Centre + (Radius * score / 5 * Math.Sin(angle)));
        }

        string Points(Func<Figures, double?> value) =>
            string.Join(' ', ids.Select((id, i) => At(i, value(report.Categories[id]) ?? 0)).Select(p => $"{F(p.X)},{F(p.Y)}"));

        html.Append("<figure class=\"radar\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 420 450\" width=\"420\" height=\"450\" role=\"img\" aria-label=\"{T("カテゴリー別 As-Is と To-Be のレーダーチャート", "Radar chart of As-Is and To-Be by category")}\">\n");
        for (var ring = 1; ring <= 5; ring++)
        {
            var r = ring;
            html.Append(CultureInfo.InvariantCulture, $"<polygon class=\"grid\" points=\"{string.Join(' ', ids.Select((_, i) => At(i, r)).Select(p => $"{F(p.X)},{F(p.Y)}"))}\"/>\n");
            var (tx, ty) = At(0, ring);
            html.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{F(tx + 4)}\" y=\"{F(ty + 4)}\">{ring}</text>\n");
        }

        for (var i = 0; i < ids.Count; i++)
        {
            var (x, y) = At(i, 5);
            var (lx, ly) = At(i, 5.7);
            html.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{F(Centre)}\" y1=\"{F(Centre)}\" x2=\"{F(x)}\" y2=\"{F(y)}\"/>\n");
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(lx)}\" y=\"{F(ly + 5)}\" text-anchor=\"middle\"><title>{E(report.Categories[ids[i]].Name)}</title>{ids[i]}</text>\n");
        }

        html.Append(CultureInfo.InvariantCulture, $"<polygon class=\"to-be\" points=\"{Points(f => f.ToBeAvg)}\"/>\n");
        html.Append(CultureInfo.InvariantCulture, $"<polygon class=\"as-is\" points=\"{Points(f => f.AsIsAvg)}\"/>\n");
        html.Append("<g class=\"legend\">\n");
        html.Append("<rect x=\"110\" y=\"420\" width=\"18\" height=\"10\" class=\"as-is\"/><text x=\"134\" y=\"430\">As-Is</text>\n");
        html.Append("<rect x=\"230\" y=\"420\" width=\"18\" height=\"10\" class=\"to-be\"/><text x=\"254\" y=\"430\">To-Be</text>\n");
        html.Append("</g>\n</svg>\n");
        html.Append(CultureInfo.InvariantCulture, $"<figcaption>{T("カテゴリー別の平均スコア（1–5、評価対象外を除く）", "Average score per category (1–5, excluded scores left out)")}</figcaption>\n</figure>\n");
    }

    private static void Evidence(StringBuilder html, PlatformEvidence evidence, Language lang, Func<string, string, string> T)
    {
        html.Append(CultureInfo.InvariantCulture, $"<section id=\"evidence\">\n<h2>{T("基盤からの根拠", "Evidence from the platform")}</h2>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"meta\">{evidence.AsOf.UtcDateTime:yyyy-MM-dd HH:mm} UTC, {(evidence.Tenant is { } t ? T("テナント ", "tenant ") + E(t) : T("全テナント", "every tenant"))}. "
            + $"{T("提案は参考値で、自己評価は変更しません。基盤から見えるのは動いているかどうかで、明文化と承認（4・5）は見えません。", "Suggestions are advice; the self-assessment is not changed. The platform sees whether a service runs, not documents and approval (4 and 5).")}</p>\n");
        html.Append(CultureInfo.InvariantCulture, $"<table class=\"evidence\">\n<thead><tr><th>{T("サービス", "Service")}</th><th class=\"num\">{T("自己評価", "Self-assessed")}</th><th class=\"num\">{T("提案", "Suggested")}</th><th>{T("数値", "Figures")}</th><th>{T("理由", "Reason")}</th></tr></thead>\n<tbody>\n");
        foreach (var (id, e) in evidence.Services)
        {
            var figures = string.Join("<br>", e.Figures.Select(f => $"{E(EvidenceEvaluator.Label(f.Key, lang))}: {E(ReportText.FigureText(f.Value))}"));
            html.Append(CultureInfo.InvariantCulture, $"<tr data-id=\"{E(id)}\"><td>{E(id)} {E(e.Name)}</td><td class=\"num\">{Score(e.AsIs)}</td>"
                + $"<td class=\"num\">{(e.SuggestedScore is { } s ? s.ToString(CultureInfo.InvariantCulture) : "—")}</td><td>{figures}</td>"
                + $"<td>{(e.AsIsAboveEvidence ? "<span class=\"flag\">" + T("自己評価が数値より高い", "Self-assessment above the figures") + "</span><br>" : "")}{E(e.Reason)}</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n</section>\n");
    }

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string N(double? value) => value?.ToString("0.00", CultureInfo.InvariantCulture) ?? "—";

    private static string Signed(double? value) => value?.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) ?? "—";

    private static string Signed(int value) => value.ToString("+0;-0;0", CultureInfo.InvariantCulture);

    private static string Score(Score? score) => score is not { } s ? "" : s.IsExcluded ? "excluded" : s.Value.ToString(CultureInfo.InvariantCulture);
}

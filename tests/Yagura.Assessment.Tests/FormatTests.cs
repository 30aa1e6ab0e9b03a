using System.Globalization;
using System.Text.RegularExpressions;

using AngleSharp.Html.Parser;

using CsvHelper;

using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

using Yagura.Assessment.Assessments;
using Yagura.Assessment.Catalogue;
using Yagura.Assessment.Evaluation;
using Yagura.Assessment.Evidence;
using Yagura.Assessment.Formats;

namespace Yagura.Assessment.Tests;

/// <summary>The printable page and the exchangeable sheets, read back with a real HTML parser, CSV reader and OpenXML.</summary>
public sealed class FormatTests
{
    private const string Organization = "<script>alert(1)</script> Example & \"Co\"";

    /// <summary>
    /// The Japanese template with every service filled in (basic, insource, As-Is 3, To-Be 4), then B-1 raised to 5/5,
    /// C-1 not required, H-1 outsourced to a vendor whose name needs quoting and looks like a formula, and I-7 with a
    /// target below its present (gap −1) and an owner of "-".
    /// </summary>
    private static AssessmentReport Filled(PlatformFacts? facts = null)
    {
        var text = AssessmentTemplate.Write(ServiceCatalogue.Default, Language.Ja, new DateOnly(2026, 11, 1))
            .Replace("organization: \"\"", "organization: '" + Organization + "'", StringComparison.Ordinal)
            .Replace("level: null", "level: basic", StringComparison.Ordinal)
            .Replace("assignment: null", "assignment: insource", StringComparison.Ordinal)
            .Replace("owner: null", "owner: 社内SOC", StringComparison.Ordinal)
            .Replace("as_is: null", "as_is: 3", StringComparison.Ordinal)
            .Replace("to_be: null", "to_be: 4", StringComparison.Ordinal);
        text = Service(text, "B-1", "level: basic\n    assignment: insource\n    owner: 社内SOC\n    as_is: 5\n    to_be: 5");
        text = Service(text, "C-1", "level: not-required\n    reason: budget");
        text = Service(text, "H-1", "level: standard\n    assignment: outsource\n    vendor: \"=SUM(A1), \\\"MSSP\\\"\\nInc\"\n    as_is: excluded\n    to_be: 2\n    exclusion: 検討中");
        text = Service(text, "I-7", "level: basic\n    assignment: insource\n    owner: \"-\"\n    as_is: 4\n    to_be: 3");
        var file = AssessmentParser.Parse(text).File!;
        return AssessmentEvaluator.Evaluate(file, null, facts);
    }

    /// <summary>Replaces the keys of one service's entry in the template.</summary>
    private static string Service(string template, string id, string keys) =>
        Regex.Replace(template, $@"(  - id: {id}   #[^\n]*\n)(    [^\n]*\n)+", m => m.Groups[1].Value + "    " + keys + "\n");

    [Fact]
    public void Html_IsOnePageWithTheMatrixByCategory_ARadarOfNineAxes_AndEscapedText()
    {
        var report = Filled();
        var document = new HtmlParser().ParseDocument(ReportHtml.Render(report));

        Assert.Equal("ja", document.DocumentElement.GetAttribute("lang"));
        Assert.Equal(Organization, document.QuerySelector(".organization")!.TextContent);
        Assert.Empty(document.QuerySelectorAll("script"));
        Assert.Empty(document.QuerySelectorAll("link, img, [src]"));
        Assert.Contains(Organization, document.Title, StringComparison.Ordinal);

        Assert.Equal(64, document.QuerySelectorAll("table.matrix tr.service").Length);
        Assert.Equal("ABCDEFGHI", string.Concat(document.QuerySelectorAll("table.matrix tbody").Select(b => b.GetAttribute("data-category"))));
        Assert.Equal(13, document.QuerySelectorAll("table.matrix tbody[data-category=A] tr.service").Length);
        Assert.Equal(
            ["A. CDC の戦略マネジメント", "B. 即時分析"],
            document.QuerySelectorAll("table.matrix tr.category th").Take(2).Select(th => th.TextContent));
        var b1 = document.QuerySelector("tr[data-id=B-1]")!.QuerySelectorAll("td").Select(td => td.TextContent).ToList();
        Assert.Equal(["B-1 リアルタイム監視", "ベーシック（必須）", "インソース", "社内SOC", "5", "5", "0"], b1);
        var h1 = document.QuerySelector("tr[data-id=H-1]")!.QuerySelectorAll("td").Select(td => td.TextContent).ToList();
        Assert.Equal(("アウトソース", "=SUM(A1), \"MSSP\"\nInc", "excluded", "2"), (h1[2], h1[3], h1[4], h1[5]));
        Assert.Contains("not-selected", document.QuerySelector("tr[data-id=C-1]")!.ClassName, StringComparison.Ordinal);

        var asIs = document.QuerySelector("svg polygon.as-is")!.GetAttribute("points")!.Split(' ');
        var toBe = document.QuerySelector("svg polygon.to-be")!.GetAttribute("points")!.Split(' ');
        Assert.Equal((9, 9), (asIs.Length, toBe.Length));

        // A: every selected service 3 → 90 of 150 units above the centre (210, 210); B: (5 + 3 × 3) / 4 = 3.5.
        Assert.Equal("210,120", asIs[0]);
        Assert.Equal("210,90", toBe[0]);
        Assert.Equal(5, document.QuerySelectorAll("svg polygon.grid").Length);
        Assert.Equal("ABCDEFGHI", string.Concat(document.QuerySelectorAll("svg > text:not(.tick)").Select(t => t.LastChild!.TextContent)));
        Assert.Equal(2, document.QuerySelectorAll("svg .legend rect").Length);

        Assert.Equal(report.Improvements.Count, document.QuerySelectorAll("ol.improvements li").Length);
        Assert.Contains("最低限の運用", document.QuerySelector("#operation")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("要員モデル", document.QuerySelector("#operation")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(report.Warnings.Count, document.QuerySelectorAll("ul.warnings li").Length);
        Assert.Null(document.QuerySelector("#evidence"));
        Assert.Contains("@media print", document.QuerySelector("style")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_InEnglish_WithWarningsAndEvidence_ShowsThemToo()
    {
        var file = AssessmentParser.Parse("""
            organization: X
            date: 2026-11-01
            language: en
            services:
              - { id: B-1, level: basic, assignment: insource, owner: "<b>SOC</b>", as_is: 4, to_be: 5 }
              - { id: B-2, level: basic, as_is: 9 }
            """).File!;
        var facts = new PlatformFacts(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero), null) { Rules = new RuleFacts(5, 0, 5, 0) };
        var document = new HtmlParser().ParseDocument(ReportHtml.Render(AssessmentEvaluator.Evaluate(file, null, facts)));

        Assert.Equal("en", document.DocumentElement.GetAttribute("lang"));
        Assert.Equal("<b>SOC</b>", document.QuerySelector("tr[data-id=B-1] td:nth-child(4)")!.TextContent);
        Assert.Empty(document.QuerySelectorAll("table.matrix b"));
        var warning = Assert.Single(document.QuerySelectorAll("ul.warnings li"));
        Assert.Equal("line 6: B-2: as_is '9' must be a whole number from 1 to 5, or excluded; the value is ignored", warning.TextContent);
        Assert.Equal("1 !", document.QuerySelector("tr[data-id=B-1] td:nth-child(8)")!.TextContent);
        Assert.Equal(9, document.QuerySelectorAll("#evidence tbody tr").Length);
        Assert.Contains("no detection rule is active", document.QuerySelector("#evidence tr[data-id=B-1]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_IsOneRfc4180RowPerService_WithTheFilesSpelling()
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        PortfolioSheet.WriteCsv(Filled(), text);
        var csv = text.ToString();

        Assert.StartsWith("id,category,name,level,reason,assignment,owner,vendor,as_is,to_be,gap,exclusion\r\n", csv, StringComparison.Ordinal);
        using var reader = CsvReader.Create(new StringReader(csv));
        List<string[]> rows = [];
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)]);
        }

        Assert.Equal(64, rows.Count);
        Assert.Equal(["A-1", "A", "リスクマネジメント", "basic", "", "insource", "社内SOC", "", "3", "4", "1", ""], rows[0]);
        Assert.Equal(["C-1", "C", "フォレンジック分析", "not-required", "budget", "", "", "", "", "", "", ""], rows.Single(r => r[0] == "C-1"));
        var h1 = rows.Single(r => r[0] == "H-1");
        Assert.Equal(("outsource", "'=SUM(A1), \"MSSP\"\nInc", "excluded", "2", "", "検討中"), (h1[5], h1[7], h1[8], h1[9], h1[10], h1[11]));
        var i7 = rows.Single(r => r[0] == "I-7");
        Assert.Equal(("'-", "4", "3", "-1"), (i7[6], i7[8], i7[9], i7[10]));
        Assert.Contains("\r\nI-7,I,", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void Xlsx_HasThePortfolioAndCategorySheets_WithTypedCells()
    {
        using var stream = new MemoryStream();
        PortfolioSheet.WriteXlsx(Filled(), stream);
        stream.Position = 0;

        using var document = SpreadsheetDocument.Open(stream, false);
        var workbook = document.WorkbookPart!;
        Assert.Equal(["portfolio", "categories"], workbook.Workbook.Sheets!.Elements<Sheet>().Select(s => s.Name!.Value));
        var portfolio = Cells(workbook, "portfolio");
        var categories = Cells(workbook, "categories");

        Assert.Equal(65, portfolio.Count);
        Assert.Equal(PortfolioSheet.Columns, portfolio[0]);
        Assert.Equal(["A-1", "A", "リスクマネジメント", "basic", null, "insource", "社内SOC", null, 3.0, 4.0, 1.0, null], portfolio[1]);
        var h1 = portfolio.Single(r => (string?)r[0] == "H-1");
        Assert.Equal(("=SUM(A1), \"MSSP\"\nInc", "excluded", 2.0), (h1[7], h1[8], h1[9]));
        Assert.Equal(11, categories.Count);
        Assert.Equal(["B", "即時分析", 4.0, 4.0, 0.0, 3.5, 4.25, 0.75], categories[2]);
        Assert.Equal([null, "全体", 64.0, 63.0, 1.0], categories[10].Take(5));
    }

    /// <summary>A sheet's rows as text or numbers, null for a missing cell, by column letter.</summary>
    private static List<object?[]> Cells(WorkbookPart workbook, string name)
    {
        var sheet = workbook.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == name);
        var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
        var width = part.Worksheet.Descendants<Row>().First().Elements<Cell>().Count();
        return
        [
            .. part.Worksheet.Descendants<Row>().Select(row =>
            {
                var values = new object?[width];
                foreach (var cell in row.Elements<Cell>())
                {
                    var column = cell.CellReference!.Value![0] - 'A';
                    values[column] = cell.DataType?.Value == CellValues.Number
                        ? double.Parse(cell.CellValue!.Text, CultureInfo.InvariantCulture)
                        : cell.InlineString!.Text!.Text;
                }

                return values;
            }),
        ];
    }
}

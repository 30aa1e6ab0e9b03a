using System.Globalization;

using CsvHelper;

using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

using Yagura.Assessment.Assessments;
using Yagura.Assessment.Evaluation;

namespace Yagura.Assessment.Formats;

/// <summary>
/// The service portfolio as a sheet, one row per service of the catalogue (custom ones included) for exchange: the
/// columns of <see cref="Columns"/>, the name in the report's language, values spelt as in the assessment file, scores
/// as numbers (or <c>excluded</c>), empty cells where nothing is given. As CSV (RFC 4180: quoted where needed, CRLF)
/// and as XLSX with a second sheet of category figures.
/// </summary>
public static class PortfolioSheet
{
    public static IReadOnlyList<string> Columns { get; } =
        ["id", "category", "name", "level", "reason", "assignment", "owner", "vendor", "as_is", "to_be", "gap", "exclusion"];

    public static IReadOnlyList<string> CategoryColumns { get; } =
        ["category", "name", "services", "selected", "excluded", "as_is_avg", "to_be_avg", "gap"];

    /// <summary>The rows under <see cref="Columns"/>: text, whole numbers, or null for an empty cell.</summary>
    public static IEnumerable<object?[]> Rows(AssessmentReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        static string? Name<T>(T? value)
            where T : struct, Enum => value is { } v ? Vocabulary.Name(v) : null;
        static object? Score(Score? score) => score is not { } s ? null : s.IsExcluded ? "excluded" : s.Value;
        foreach (var s in report.Services)
        {
            var gap = s.AsIs?.Points is { } a && s.ToBe?.Points is { } b ? b - a : (int?)null;
            yield return [s.Id, s.Category, s.Name, Name(s.Level), Name(s.Reason), Name(s.Assignment), s.Owner, s.Vendor, Score(s.AsIs), Score(s.ToBe), gap, s.Exclusion];
        }
    }

    /// <summary>The rows under <see cref="CategoryColumns"/>: A–I, then the overall figures (category empty).</summary>
    public static IEnumerable<object?[]> CategoryRows(AssessmentReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        static object?[] Row(string? id, Figures f) => [id, f.Name, f.Services, f.Selected, f.Excluded, f.AsIsAvg, f.ToBeAvg, f.Gap];
        return [.. report.Categories.Select(c => Row(c.Key, c.Value)), Row(null, report.Overall)];
    }

    /// <summary>
    /// RFC 4180 (CRLF, quotes where needed); a text that a spreadsheet would run as a formula (<c>=</c>, <c>+</c>,
    /// <c>-</c>, <c>@</c>, tab or CR first) gets a leading quote, so an owner's name cannot become one; numbers are
    /// written as numbers.
    /// </summary>
    public static void WriteCsv(AssessmentReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        using var csv = CsvWriter.Create(writer, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
        csv.WriteHeader([.. Columns]);
        foreach (var row in Rows(report))
        {
            foreach (var cell in row)
            {
                // Numbers as numbers: a negative gap is not a formula to escape.
                if (cell is int number)
                {
                    csv.WriteField(number, default);
                }
                else
                {
                    csv.WriteField((string?)cell);
                }
            }

            csv.EndRecord();
        }
    }

    /// <summary>A workbook of two sheets, <c>portfolio</c> and <c>categories</c>, header rows bold and frozen.</summary>
    public static void WriteXlsx(AssessmentReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        workbook.Workbook = new Workbook();
        var styles = workbook.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = new Stylesheet(
            new Fonts(new Font(), new Font(new Bold())) { Count = 2 },
            new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
            new Borders(new Border()) { Count = 1 },
            new CellFormats(new CellFormat(), new CellFormat { FontId = 1, ApplyFont = true }) { Count = 2 });
        var sheets = workbook.Workbook.AppendChild(new Sheets());
        AddSheet(workbook, sheets, 1, "portfolio", Columns, Rows(report), [8, 5, 36, 14, 12, 12, 20, 20, 7, 7, 6, 30]);
        AddSheet(workbook, sheets, 2, "categories", CategoryColumns, CategoryRows(report), [9, 36, 9, 9, 9, 10, 10, 8]);
        workbook.Workbook.Save();
    }

    private static void AddSheet(WorkbookPart workbook, Sheets sheets, uint id, string name, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, double[] widths)
    {
        var part = workbook.AddNewPart<WorksheetPart>();
        var data = new SheetData();
        data.AppendChild(Row(1, columns.Cast<object?>().ToArray(), header: true));
        uint index = 2;
        foreach (var row in rows)
        {
            data.AppendChild(Row(index++, row, header: false));
        }

        var view = new SheetView(new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen }) { WorkbookViewId = 0 };
        var widthColumns = new DocumentFormat.OpenXml.Spreadsheet.Columns(widths.Select((w, i) => new Column { Min = (uint)i + 1, Max = (uint)i + 1, Width = w, CustomWidth = true }));
        part.Worksheet = new Worksheet(new SheetViews(view), widthColumns, data);
        sheets.AppendChild(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = id, Name = name });
    }

    private static Row Row(uint index, object?[] cells, bool header)
    {
        var row = new Row { RowIndex = index };
        for (var i = 0; i < cells.Length; i++)
        {
            var reference = ColumnName(i) + index.ToString(CultureInfo.InvariantCulture);
            Cell? cell = cells[i] switch
            {
                null => null,
                int or long or double => new Cell { CellReference = reference, DataType = CellValues.Number, CellValue = new CellValue(Convert.ToDouble(cells[i], CultureInfo.InvariantCulture)) },
                var text => new Cell { CellReference = reference, DataType = CellValues.InlineString, InlineString = new InlineString(new Text(Convert.ToString(text, CultureInfo.InvariantCulture)!)) },
            };
            if (cell is not null)
            {
                if (header)
                {
                    cell.StyleIndex = 1;
                }

                row.AppendChild(cell);
            }
        }

        return row;
    }

    private static string ColumnName(int index) => index < 26 ? ((char)('A' + index)).ToString() : $"{(char)('A' + (index / 26) - 1)}{(char)('A' + (index % 26))}";
}

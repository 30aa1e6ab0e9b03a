using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

using Yagura.Assessment;
using Yagura.Assessment.Assessments;
using Yagura.Assessment.Evaluation;
using Yagura.Assessment.History;

namespace Yagura.Cli.Commands;

/// <summary><c>yagura assess save|history|compare</c>: dated assessments kept in a data directory, and what moved between two.</summary>
internal static partial class AssessHistoryCommands
{
    private static Option<string> Data() => new("--data") { Description = "The data directory (it must exist)", Required = true };

    private static Option<string> Format(string description)
    {
        var format = new Option<string>("--format") { Description = description, DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        return format;
    }

    private static string? ExistingDirectory(string path)
    {
        var root = Path.GetFullPath(path);
        if (Directory.Exists(root))
        {
            return root;
        }

        CommonOptions.Fail($"no data directory at {root}");
        return null;
    }

    public static Command Save()
    {
        var input = new Option<string>("--input") { Description = "The assessment file to keep (it must read without errors)", Required = true };
        var data = Data();
        var replace = new Option<bool>("--replace") { Description = "Replace the organisation's assessment of the same date if one is kept" };
        var command = new Command("save", "Keep a dated copy of an assessment in the data directory (DATA/assessments/<date>_<organisation>.yml)") { input, data, replace };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(input)!;
            if (AssessCommand.Load(path, null, out var exitCode) is not { } loaded)
            {
                return exitCode;
            }

            if (ExistingDirectory(parse.GetValue(data)!) is not { } root)
            {
                return 2;
            }

            var file = loaded.File;
            string? kept;
            try
            {
                kept = AssessmentArchive.Save(root, loaded.Text, file, parse.GetValue(replace));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return CommonOptions.Fail($"cannot write to {AssessmentArchive.Directory(root)}: {e.Message}");
            }

            if (kept is null)
            {
                var existing = Path.Combine(AssessmentArchive.Directory(root), AssessmentArchive.FileName(file.Organization, file.Date));
                return CommonOptions.Fail($"an assessment of {file.Organization} on {file.Date:yyyy-MM-dd} is already kept ({existing}); --replace replaces it");
            }

            Console.Out.WriteLine($"yagura: kept {kept}");
            return 0;
        });
        return command;
    }

    public static Command History()
    {
        var data = Data();
        var format = Format("text (a table) or json");
        var command = new Command("history", "List the assessments kept in the data directory, oldest first, with their overall averages") { data, format };
        command.SetAction(parse =>
        {
            if (ExistingDirectory(parse.GetValue(data)!) is not { } root)
            {
                return 2;
            }

            var kept = AssessmentArchive.List(root);
            var rows = kept.Select(k => (k, Overall: k.File is null ? null : AssessmentEvaluator.Evaluate(k.File).Overall)).ToList();
            if (parse.GetValue(format) == "json")
            {
                var json = rows.Select(r => new HistoryEntry(
                    r.k.File?.Date, r.k.File?.Organization, r.k.File?.Tenant, r.Overall?.AsIsAvg, r.Overall?.ToBeAvg, r.Overall?.Gap, r.k.Path,
                    [.. r.k.Errors.Select(e => e.Format(Language.En))]));
                Console.Out.WriteLine(JsonSerializer.Serialize(json, AssessmentReport.JsonOptions));
                return 0;
            }

            static string N(double? value) => value?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-";
            Console.Out.WriteLine("date        as-is  to-be  gap    tenant      organization");
            foreach (var (k, overall) in rows)
            {
                if (k.File is { } f)
                {
                    Console.Out.WriteLine($"{f.Date:yyyy-MM-dd}  {N(overall!.AsIsAvg),5}  {N(overall.ToBeAvg),5}  {N(overall.Gap),5}  {f.Tenant ?? "*",-10}  {f.Organization}   {Path.GetFileName(k.Path)}");
                }
                else
                {
                    Console.Out.WriteLine($"{"?",-10}  {Path.GetFileName(k.Path)} does not read: {string.Join("; ", k.Errors.Select(e => e.Format(Language.En)))}");
                }
            }

            Console.Out.WriteLine($"{kept.Count} assessments in {AssessmentArchive.Directory(root)}");
            return 0;
        });
        return command;
    }

    public static Command Compare()
    {
        const string Reference = "an assessment file, or DATA:YYYY-MM-DD for the one kept in a data directory (yagura assess save)";
        var from = new Option<string>("--from") { Description = "The earlier assessment: " + Reference, Required = true };
        var to = new Option<string>("--to") { Description = "The later assessment: " + Reference, Required = true };
        var format = Format("text (for people) or json");
        var lang = AssessCommand.Lang("Language of names and labels: ja or en (default: the later file's)");
        var command = new Command("compare", "What moved between two assessments: per service level, assignment and scores, regressions, category averages, pattern") { from, to, format, lang };
        command.SetAction(parse =>
        {
            var language = AssessCommand.ToLanguage(parse.GetValue(lang));
            if (Resolve(parse.GetValue(from)!, language, out var exitCode) is not { } earlier || Resolve(parse.GetValue(to)!, language, out exitCode) is not { } later)
            {
                return exitCode;
            }

            var comparison = AssessmentComparison.Compare(earlier, later, language);
            Console.Out.Write(parse.GetValue(format) == "json" ? comparison.ToJson() + "\n" : ComparisonText.Render(comparison));
            return 0;
        });
        return command;
    }

    /// <summary>A file path (when such a file exists) or DATA:YYYY-MM-DD; null once the problem is printed.</summary>
    private static AssessmentFile? Resolve(string reference, Language? language, out int exitCode)
    {
        exitCode = 2;
        if (File.Exists(reference))
        {
            return AssessCommand.Load(reference, language, out exitCode)?.File;
        }

        if (KeptReference().Match(reference) is not { Success: true } match
            || !DateOnly.TryParseExact(match.Groups["date"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            CommonOptions.Fail($"'{reference}' is neither an assessment file nor DATA:YYYY-MM-DD");
            return null;
        }

        if (ExistingDirectory(match.Groups["data"].Value) is not { } root)
        {
            return null;
        }

        switch (AssessmentArchive.Find(root, date))
        {
            case [var kept]:
                return kept.File;
            case []:
                CommonOptions.Fail($"no assessment of {date:yyyy-MM-dd} is kept in {root} (yagura assess history --data {root} lists them)");
                return null;
            case var several:
                CommonOptions.Fail($"several organisations have an assessment of {date:yyyy-MM-dd} in {root}; give the file instead: {string.Join(", ", several.Select(k => $"{k.Path} ({k.File!.Organization})"))}");
                return null;
        }
    }

    [GeneratedRegex(@"^(?<data>.+):(?<date>\d{4}-\d{2}-\d{2})$")]
    private static partial Regex KeptReference();

    private sealed record HistoryEntry(DateOnly? Date, string? Organization, string? Tenant, double? AsIsAvg, double? ToBeAvg, double? Gap, string Path, IReadOnlyList<string> Errors);
}

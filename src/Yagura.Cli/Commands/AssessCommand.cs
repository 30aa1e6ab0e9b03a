using System.CommandLine;
using System.Text;

using Yagura.Assessment;
using Yagura.Assessment.Assessments;
using Yagura.Assessment.Catalogue;
using Yagura.Assessment.Evaluation;

namespace Yagura.Cli.Commands;

/// <summary><c>yagura assess report|template</c>: ITU-T X.1060 assessments of the SOC/CSIRT as a service portfolio (docs/assessment.md).</summary>
internal static class AssessCommand
{
    public static Command Create() => new("assess", "Evaluate an ITU-T X.1060 assessment of the SOC/CSIRT, or write a blank one") { Report(), Template() };

    private static Option<string?> Lang(string description)
    {
        var option = new Option<string?>("--lang") { Description = description };
        option.AcceptOnlyFromAmong("ja", "en");
        return option;
    }

    private static Language? ToLanguage(string? lang) => lang switch
    {
        "ja" => Language.Ja,
        "en" => Language.En,
        _ => null,
    };

    private static Command Report()
    {
        var input = new Option<string>("--input") { Description = "The assessment file (YAML, docs/assessment.md)", Required = true };
        var format = new Option<string>("--format") { Description = "text (a summary for people) or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var lang = Lang("Language of the report and messages: ja or en (default: the file's language:, else Japanese if the file has Japanese text)");
        var command = new Command("report", "Print the evaluation: averages, strengths and weaknesses, improvements, gaps per phase, pattern, minimum operating set, staffing level; exit 1 with line-numbered errors for a malformed file") { input, format, lang };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(input)!;
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return CommonOptions.Fail($"cannot read {path}: {e.Message}");
            }

            var result = AssessmentParser.Parse(text);
            var language = ToLanguage(parse.GetValue(lang)) ?? result.Language;
            if (result.File is not { } file)
            {
                foreach (var error in result.Errors)
                {
                    Console.Error.WriteLine($"yagura: {path}:{error.Line}: {(error.ServiceId is null ? "" : error.ServiceId + ": ")}{error.Message[language]}");
                }

                return 1;
            }

            var report = AssessmentEvaluator.Evaluate(file, language);
            Console.Out.Write(parse.GetValue(format) == "json" ? report.ToJson() + "\n" : ReportText.Render(report));
            return 0;
        });
        return command;
    }

    private static Command Template()
    {
        var lang = Lang("Language of the comments and service names: ja or en (default ja)");
        var output = new Option<string?>("--output") { Description = "Write to this file, which must not exist yet (default: standard output)" };
        var command = new Command("template", "Write a blank assessment file with all 64 X.1060 services and today's date") { lang, output };
        command.SetAction(parse =>
        {
            var today = DateOnly.FromDateTime(TimeProvider.System.GetLocalNow().DateTime);
            var text = AssessmentTemplate.Write(ServiceCatalogue.Default, ToLanguage(parse.GetValue(lang)) ?? Language.Ja, today);
            if (parse.GetValue(output) is not { } path)
            {
                Console.Out.Write(text);
                return 0;
            }

            try
            {
                using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                file.Write(new UTF8Encoding(false).GetBytes(text));
                return 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return CommonOptions.Fail(File.Exists(path) ? $"{path} exists; not overwritten" : $"cannot write {path}: {e.Message}");
            }
        });
        return command;
    }
}

using System.CommandLine;
using System.Text;

using Yagura.Assessment;
using Yagura.Assessment.Assessments;
using Yagura.Assessment.Catalogue;
using Yagura.Assessment.Evaluation;
using Yagura.Assessment.Evidence;
using Yagura.Assessment.Formats;
using Yagura.Cli.Configuration;

namespace Yagura.Cli.Commands;

/// <summary><c>yagura assess report|template|export|save|history|compare</c>: ITU-T X.1060 assessments of the SOC/CSIRT as a service portfolio (docs/assessment.md).</summary>
internal static class AssessCommand
{
    public static Command Create() => new("assess", "Evaluate ITU-T X.1060 assessments of the SOC/CSIRT: report, template, keep them dated (save, history) and compare two")
    {
        Report(), Template(), Export(), AssessHistoryCommands.Save(), AssessHistoryCommands.History(), AssessHistoryCommands.Compare(),
    };

    internal static Option<string?> Lang(string description)
    {
        var option = new Option<string?>("--lang") { Description = description };
        option.AcceptOnlyFromAmong("ja", "en");
        return option;
    }

    internal static Language? ToLanguage(string? lang) => lang switch
    {
        "ja" => Language.Ja,
        "en" => Language.En,
        _ => null,
    };

    /// <summary>Reads and parses an assessment file; null once the problem is printed, with the exit code (2 unreadable, 1 errors).</summary>
    internal static (AssessmentParseResult Result, AssessmentFile File, string Text)? Load(string path, Language? language, out int exitCode)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            exitCode = CommonOptions.Fail($"cannot read {path}: {e.Message}");
            return null;
        }

        var result = AssessmentParser.Parse(text);
        exitCode = 0;
        if (result.File is { } file)
        {
            return (result, file, text);
        }

        foreach (var error in result.Errors)
        {
            Console.Error.WriteLine($"yagura: {path}:{error.Line}: {(error.ServiceId is null ? "" : error.ServiceId + ": ")}{error.Message[language ?? result.Language]}");
        }

        exitCode = 1;
        return null;
    }

    private static Command Report()
    {
        var input = new Option<string>("--input") { Description = "The assessment file (YAML, docs/assessment.md)", Required = true };
        var format = new Option<string>("--format") { Description = "text (a summary for people), json, html (a printable page) or csv (the service portfolio)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "html", "csv");
        var lang = Lang("Language of the report and messages: ja or en (default: the file's language:, else Japanese if the file has Japanese text)");
        var data = new Option<string?>("--data") { Description = "A data directory: adds the platform's figures and a suggested score for the services Yagura performs (read only; the file's tenant:, else every tenant)" };
        var config = new Option<string?>("--config") { Description = "With --data: the serve config file whose rules, pipelines and tuning count (default as serve: YAGURA_CONFIG, else ./yagura.yaml when present)" };
        var rules = new Option<string[]>("--rules") { Description = "With --data: rule files or directories to count instead of the config's (default: the shipped rules)", AllowMultipleArgumentsPerToken = true };
        var command = new Command("report", "Print the evaluation: averages, strengths and weaknesses, improvements, gaps per phase, pattern, minimum operating set, staffing level; exit 1 with line-numbered errors for a malformed file")
        {
            input, format, lang, data, config, rules,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(input)!;
            var language = ToLanguage(parse.GetValue(lang));
            if (parse.GetValue(data) is null && (parse.GetValue(config) is not null || parse.GetValue(rules) is { Length: > 0 }))
            {
                return CommonOptions.Fail("--config and --rules count the rules for --data; give --data DIR too");
            }

            if (Load(path, language, out var exitCode) is not { } loaded)
            {
                return exitCode;
            }

            var file = loaded.File;
            PlatformFacts? facts = null;
            if (parse.GetValue(data) is { } dataDirectory)
            {
                var root = Path.GetFullPath(dataDirectory);
                if (!Directory.Exists(root))
                {
                    return CommonOptions.Fail($"no data directory at {root}");
                }

                if (CountRules(parse.GetValue(config), parse.GetValue(rules), file.Tenant) is not { } ruleFacts)
                {
                    return 2;
                }

                facts = await PlatformFactsReader.ReadAsync(root, file.Tenant, ruleFacts, TimeProvider.System, cancellationToken);
                if (file.Tenant is { } tenant && !PlatformFactsReader.Knows(facts, tenant))
                {
                    var lng = language ?? file.Language;
                    Console.Error.WriteLine(lng == Language.Ja
                        ? $"yagura: {path}:{file.TenantLine}: テナント '{tenant}' はデータディレクトリ {root} にありません"
                        : $"yagura: {path}:{file.TenantLine}: tenant '{tenant}' is not in the data directory {root}");
                    return 1;
                }
            }

            var report = AssessmentEvaluator.Evaluate(file, language ?? loaded.Result.Language, facts);
            switch (parse.GetValue(format))
            {
                case "json":
                    Console.Out.Write(report.ToJson() + "\n");
                    break;
                case "html":
                    Console.Out.Write(ReportHtml.Render(report));
                    break;
                case "csv":
                    PortfolioSheet.WriteCsv(report, Console.Out);
                    break;
                default:
                    Console.Out.Write(ReportText.Render(report));
                    break;
            }

            return 0;
        });
        return command;
    }

    /// <summary>The rules serve would load (config file, environment, then <c>--rules</c>), counted; null once the error is printed.</summary>
    private static RuleFacts? CountRules(string? configPath, string[]? rulePaths, string? tenant)
    {
        var settings = new ServeSettings();
        try
        {
            if (SettingsLoader.ConfigFile(configPath) is { } file)
            {
                SettingsLoader.ApplyFile(settings, file);
            }

            SettingsLoader.ApplyEnvironment(settings, Environment.GetEnvironmentVariable);
        }
        catch (SettingsException e)
        {
            CommonOptions.Fail(e.Message);
            return null;
        }

        if (rulePaths is { Length: > 0 })
        {
            if (rulePaths.FirstOrDefault(p => !File.Exists(p) && !Directory.Exists(p)) is { } missing)
            {
                CommonOptions.Fail($"no rule file or directory at {missing}");
                return null;
            }

            settings.Rules.Clear();
            settings.Rules.AddRange(rulePaths);
        }

        return PlatformFactsReader.Rules(settings.RulePaths, settings.PipelinePaths, settings.Tuning, tenant);
    }

    private static Command Export()
    {
        var input = new Option<string>("--input") { Description = "The assessment file (YAML, docs/assessment.md)", Required = true };
        var xlsx = new Option<string>("--xlsx") { Description = "The workbook to write (sheets portfolio and categories); it must not exist yet", Required = true };
        var lang = Lang("Language of the service and category names: ja or en (default: the file's)");
        var command = new Command("export", "Write the service portfolio as an XLSX workbook: one row per service, and the category figures") { input, xlsx, lang };
        command.SetAction(parse =>
        {
            var language = ToLanguage(parse.GetValue(lang));
            if (Load(parse.GetValue(input)!, language, out var exitCode) is not { } loaded)
            {
                return exitCode;
            }

            var path = parse.GetValue(xlsx)!;
            var report = AssessmentEvaluator.Evaluate(loaded.File, language ?? loaded.Result.Language);
            // Built in memory first, so a failure leaves no half-written workbook behind.
            using var workbook = new MemoryStream();
            PortfolioSheet.WriteXlsx(report, workbook);
            try
            {
                using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                workbook.WriteTo(file);
                return 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return CommonOptions.Fail(File.Exists(path) ? $"{path} exists; not overwritten" : $"cannot write {path}: {e.Message}");
            }
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

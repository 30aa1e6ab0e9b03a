using System.CommandLine;
using System.Text.Json;

using Yagura.Cli.Configuration;
using Yagura.Detection.Correlation;
using Yagura.Detection.Events;
using Yagura.Detection.Sigma;

namespace Yagura.Cli.Commands;

/// <summary><c>yagura rules check|test</c>: Sigma rules offline, for rule authors, tests and hunting over exports.</summary>
internal static class RulesCommand
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create() => new("rules", "Check Sigma rules, or run them over events from JSON files") { Check(), Test() };

    private static Option<string[]> Pipelines() => new("--pipeline")
    {
        Description = "A field-mapping and log-source pipeline file or directory, repeatable (default: the ones shipped in content/pipelines)",
    };

    private static Option<string?> Tuning() => new("--tuning")
    {
        Description = "A tuning file: rules disabled, severity overrides and suppression per tenant (tenants: {id: {disabled, severity, suppress}}; docs/detection.md)",
    };

    private static Command Check()
    {
        var paths = new Argument<string[]>("paths") { Description = "Rule files or directories", Arity = ArgumentArity.OneOrMore };
        var pipelines = Pipelines();
        var tuning = Tuning();
        var command = new Command("check", "Compile rules and filters and print {total, compiled, unsupported, errors} as JSON") { paths, pipelines, tuning };
        command.SetAction(parse =>
        {
            if (Load(parse.GetValue(paths)!, parse.GetValue(pipelines), parse.GetValue(tuning)) is not { } set)
            {
                return 2;
            }

            Console.Out.WriteLine(JsonSerializer.Serialize(
                new CheckReport(set.Total, set.Compiled, Problems(set.Unsupported), [.. set.Errors.Concat(set.Pipeline.Errors).Select(p => new Error(p.Path, p.Line, p.Error))], Problems(set.Inactive)),
                Json));
            return 0;
        });
        return command;
    }

    private static Command Test()
    {
        var rules = new Option<string[]>("--rules") { Description = "Rule files or directories", Required = true, AllowMultipleArgumentsPerToken = true };
        var events = new Option<string[]>("--events") { Description = "JSON files of events: an object, an array, NDJSON or concatenated objects", Required = true, AllowMultipleArgumentsPerToken = true };
        var pipelines = Pipelines();
        var tuning = Tuning();
        var command = new Command("test", "Run rules (with their filters, for tenant 'default') over events; print one JSON line per match") { rules, events, pipelines, tuning };
        command.SetAction(parse =>
        {
            if (Load(parse.GetValue(rules)!, parse.GetValue(pipelines), parse.GetValue(tuning)) is not { } set)
            {
                return 2;
            }

            foreach (var problem in set.Errors.Concat(set.Pipeline.Errors))
            {
                Console.Error.WriteLine($"yagura: {problem.Path}:{problem.Line}: {problem.Error}");
            }

            var files = parse.GetValue(events)!;
            if (files.FirstOrDefault(f => !File.Exists(f)) is { } missing)
            {
                return CommonOptions.Fail($"no events file at {missing}");
            }

            using var output = new StreamWriter(Console.OpenStandardOutput(), EventFiles.Utf8, 1 << 16);
            var correlation = set.Correlations.Count > 0 ? set.CreateCorrelationEngine() : null;
            var latest = DateTimeOffset.MinValue;
            void Print(IEnumerable<CorrelationAlert> alerts)
            {
                foreach (var alert in alerts)
                {
                    if (alert.Kind == CorrelationAlertKind.Match)
                    {
                        output.WriteLine(JsonSerializer.Serialize(new CorrelationMatch(alert.RuleId, alert.Title, alert.Level ?? "", alert.EventIds), Json));
                    }
                    else
                    {
                        Console.Error.WriteLine($"yagura: correlation {alert.RuleId}: {alert.Reason}");
                    }
                }
            }

            var matcher = set.CreateMatcher();
            var matches = new List<SigmaRule>();
            long index = 0;
            foreach (var file in files)
            {
                foreach (var item in EventFiles.Read(file, index))
                {
                    index += item.TakesIndex ? 1 : 0;
                    if (item.Event is not { } e)
                    {
                        Console.Error.WriteLine($"yagura: {item.Error}");
                        continue;
                    }

                    matches.Clear();
                    matcher.Match(e, matches);
                    latest = e.Timestamp is { } t && t > latest ? t : latest;
                    foreach (var rule in matches)
                    {
                        // A base rule of a correlation with 'generate: false' alerts only through the correlation.
                        if (correlation?.SuppressesBaseAlerts(rule.Id, rule.Name) != true)
                        {
                            output.WriteLine(JsonSerializer.Serialize(new Match(rule.Id, rule.Title, rule.Level, e.Id), Json));
                        }

                        if (correlation?.References(rule.Id, rule.Name) == true)
                        {
                            Print(correlation.Process(rule.Id, rule.Name, e));
                        }
                    }
                }
            }

            // The end of the input closes every window: conditions such as 'lt' are decided when a window ends.
            if (correlation is not null && latest > DateTimeOffset.MinValue)
            {
                Print(correlation.AdvanceTime(latest.AddYears(10)));
            }

            return 0;
        });
        return command;
    }

    private static SigmaRuleSet? Load(string[] rulePaths, string[]? pipelinePaths, string? tuningPath)
    {
        var pipelines = pipelinePaths is { Length: > 0 } ? pipelinePaths : [ServeSettings.DefaultPipelines];
        if (tuningPath is not null && !File.Exists(tuningPath))
        {
            CommonOptions.Fail($"no tuning file at {tuningPath}");
            return null;
        }

        foreach (var path in rulePaths.Concat(pipelines))
        {
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                CommonOptions.Fail($"no rule or pipeline file or directory at {path}");
                return null;
            }
        }

        return SigmaRuleSet.Load(rulePaths, SigmaPipeline.Load(pipelines), tuningPath is null ? null : SigmaTuning.Load(tuningPath));
    }

    private static List<Problem> Problems(IEnumerable<RuleProblem> problems) => [.. problems.Select(p => new Problem(p.Path, p.Error))];

    private sealed record CheckReport(int Total, int Compiled, List<Problem> Unsupported, List<Error> Errors, List<Problem> Inactive);

    private sealed record Problem(string Path, string Reason);

    private sealed record Error(string Path, int Line, string Message)
    {
        [System.Text.Json.Serialization.JsonPropertyName("error")]
        public string Message { get; init; } = Message;
    }

    private sealed record Match(string RuleId, string Title, string Level, long EventIndex);

    private sealed record CorrelationMatch(string RuleId, string Title, string Level, IReadOnlyList<long> EventIndices);
}

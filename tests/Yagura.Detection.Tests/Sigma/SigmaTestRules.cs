using System.Text.Json;

using Yagura.Detection.Events;
using Yagura.Detection.Sigma;
using Yagura.Testing;

namespace Yagura.Detection.Tests.Sigma;

/// <summary>Compiles rules written inline in tests (from real files, as users write them).</summary>
internal sealed class SigmaTestRules : IDisposable
{
    private readonly TempDirectory _dir = new();
    private int _files;

    public string Write(string yaml, string? name = null)
    {
        var path = Path.Combine(_dir.Path, name ?? $"rule{++_files}.yml");
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>A rule with an empty log source (it applies to every event) around the given detection.</summary>
    public static string Rule(string detection, string id = "test-rule") => $"""
        title: Test rule
        id: {id}
        logsource: {"{}"}
        level: high
        detection:
        {Indent(detection)}
        """;

    public SigmaRuleSet Load(params string[] yamlRules) =>
        SigmaRuleSet.Load(yamlRules.Select(y => Write(y)).ToList(), SigmaPipeline.Load([RepositoryPaths.Content("pipelines")]));

    /// <summary>Whether the detection (YAML under <c>detection:</c>) matches the event (a JSON object).</summary>
    public bool Matches(string detection, string eventJson)
    {
        var set = Load(Rule(detection));
        var problems = set.Errors.Concat(set.Unsupported).ToList();
        Assert.True(problems.Count == 0, string.Join("; ", problems.Select(p => $"{p.Line}: {p.Error}")));
        return MatchIds(set, eventJson).Contains("test-rule");
    }

    public static List<string> MatchIds(SigmaRuleSet set, string eventJson)
    {
        using var doc = JsonDocument.Parse(eventJson);
        var matches = new List<SigmaRule>();
        set.CreateMatcher().Match(DetectionEvent.FromJson(doc.RootElement), matches);
        return [.. matches.Select(m => m.Id)];
    }

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(l => "    " + l));

    public void Dispose() => _dir.Dispose();
}

using Xunit.Abstractions;

using YamlDotNet.RepresentationModel;

using Yagura.Detection.Events;
using Yagura.Detection.Sigma;
using Yagura.Testing;

namespace Yagura.Detection.Tests.Sigma;

/// <summary>SigmaHQ's public rules and regression data (../shared/sigma) as the yardstick.</summary>
public sealed class SigmaHqConformanceTests(ITestOutputHelper output)
{
    private static readonly string Sigma = Path.Combine(RepositoryPaths.Shared, "sigma");

    private static readonly Lazy<SigmaRuleSet> AllRules = new(() => SigmaRuleSet.Load(
        Directory.GetDirectories(Sigma, "rules*").Order(StringComparer.Ordinal),
        SigmaPipeline.Load([RepositoryPaths.Content("pipelines")])));

    [Fact]
    public void EveryRuleDirectory_AtLeast99PercentCompile()
    {
        var set = AllRules.Value;
        foreach (var problem in set.Unsupported.Concat(set.Errors))
        {
            output.WriteLine($"{Path.GetRelativePath(Sigma, problem.Path)}:{problem.Line}: {problem.Error}");
        }

        output.WriteLine($"{set.Compiled} of {set.Total} compiled; {set.Rules.Count} active, {set.Inactive.Count} without a log source mapping");
        Assert.True(set.Total > 3000, $"only {set.Total} rules found under {Sigma}");
        Assert.True(set.Compiled >= set.Total * 0.99, $"{set.Compiled} of {set.Total} compiled");
        Assert.Empty(set.Errors);

        // Rules whose log source no pipeline defines: 914 with only windows.yml; what is left are Windows categories
        // no Sysmon event carries (file_access, file_rename) and PAN-OS file events, which no log reports.
        foreach (var group in set.Inactive.GroupBy(p => p.Error).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"inactive: {group.Count()} × {group.Key}");
        }

        Assert.True(set.Inactive.Count <= 16, $"{set.Inactive.Count} rules without a log source mapping (at most 16 expected)");
    }

    public static TheoryData<string, string, int> RegressionCases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var info in Directory.EnumerateFiles(Path.Combine(Sigma, "regression_data"), "info.yml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var stream = new YamlStream();
            using (var reader = File.OpenText(info))
            {
                stream.Load(reader);
            }

            var root = (YamlMappingNode)stream.Documents[0].RootNode;
            var ruleId = ((YamlScalarNode)((YamlMappingNode)((YamlSequenceNode)root["rule_metadata"])[0])["id"]).Value!;
            if (!root.Children.TryGetValue(new YamlScalarNode("regression_tests_info"), out var tests))
            {
                continue;
            }

            foreach (YamlMappingNode test in ((YamlSequenceNode)tests).Cast<YamlMappingNode>())
            {
                var path = ((YamlScalarNode)test["path"]).Value!.Replace(".evtx", ".json", StringComparison.Ordinal);
                var count = test.Children.TryGetValue(new YamlScalarNode("match_count"), out var n) ? int.Parse(((YamlScalarNode)n).Value!, System.Globalization.CultureInfo.InvariantCulture) : 1;
                data.Add(ruleId, path, count);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RegressionCases))]
    public void RegressionEvent_FiresItsRule(string ruleId, string eventsPath, int matchCount)
    {
        var set = AllRules.Value;
        Assert.Contains(set.Rules, r => r.Id == ruleId);
        var matcher = set.CreateMatcher();
        var matches = new List<SigmaRule>();
        var fired = 0;
        foreach (var item in EventFiles.Read(Path.Combine(Sigma, eventsPath)))
        {
            Assert.Null(item.Error);
            matches.Clear();
            matcher.Match(item.Event!, matches);
            fired += matches.Count(r => r.Id == ruleId);
        }

        Assert.True(fired >= matchCount, $"rule {ruleId} fired {fired} times on {eventsPath}, expected at least {matchCount}");
    }

    [Fact]
    public void RegressionData_HasTheCasesWeCount()
    {
        // The theory above silently shrinks if the data moves; 202 cases as of SigmaHQ 2026-08-05.
        Assert.True(RegressionCases().Count >= 200, $"{RegressionCases().Count} regression cases found");
    }
}

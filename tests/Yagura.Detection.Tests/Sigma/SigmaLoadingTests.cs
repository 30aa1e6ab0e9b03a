using Yagura.Detection.Sigma;
using Yagura.Testing;

namespace Yagura.Detection.Tests.Sigma;

/// <summary>Broken and unsupported rules are reported with file and line, and never stop the others.</summary>
public sealed class SigmaLoadingTests : IDisposable
{
    private readonly SigmaTestRules _rules = new();

    public void Dispose() => _rules.Dispose();

    private SigmaRuleSet LoadFiles(params (string Name, string Yaml)[] files) =>
        SigmaRuleSet.Load([.. files.Select(f => _rules.Write(f.Yaml, f.Name))], SigmaPipeline.Load([RepositoryPaths.Content("pipelines")]));

    private static readonly string Good = SigmaTestRules.Rule("sel:\n  A: x\ncondition: sel", id: "good");

    [Theory]
    [InlineData("title: broken\nid: b\ndetection:\n  sel: 'unclosed\n  condition: sel\n", 4)]
    [InlineData("title: broken\nid: b\ndetection:\n  sel:\n    A: x\n   B: y\n  condition: sel\n", 6)]
    [InlineData("title: broken\nid: b\ndetection:\n  sel: [unclosed\n  condition: sel\n", 0)]
    public void InvalidYaml_IsReportedWithItsLine_AndTheOtherRulesLoad(string yaml, int line)
    {
        var set = LoadFiles(("a.yml", Good), ("b.yml", yaml));

        var error = Assert.Single(set.Errors);
        Assert.EndsWith("b.yml", error.Path, StringComparison.Ordinal);
        Assert.StartsWith("invalid YAML", error.Error, StringComparison.Ordinal);
        Assert.InRange(error.Line, line, line == 0 ? 0 : line + 1);
        Assert.Equal(["good"], set.Rules.Select(r => r.Id));
        Assert.Equal(2, set.Total);
    }

    [Theory]
    [InlineData("sel:\n  A|contians: x\ncondition: sel", 7, "unknown modifier 'contians'")]
    [InlineData("sel:\n  A: x\ncondition: sel and nothere", 8, "unknown search identifier 'nothere'")]
    [InlineData("sel:\n  A: x\ncondition: sel and (sel", 8, "missing ')'")]
    [InlineData("sel:\n  A: x\ncondition: 2 of sel*", 8, "use '1 of' or 'all of'")]
    [InlineData("sel:\n  A: x\ncondition: 1 of filter*", 8, "no search identifier matches 'filter*'")]
    [InlineData("sel:\n  A|re: '(unclosed'\ncondition: sel", 7, "invalid regular expression")]
    [InlineData("sel:\n  A|cidr: 'not-a-net'\ncondition: sel", 7, "is not a CIDR network")]
    [InlineData("sel:\n  A|gt: many\ncondition: sel", 7, "is not a number")]
    [InlineData("sel:\n  A|exists: maybe\ncondition: sel", 7, "'exists' takes true or false")]
    [InlineData("sel:\n  A|contains|startswith: x\ncondition: sel", 7, "exclude each other")]
    [InlineData("sel:\n  A|re|contains: x\ncondition: sel", 7, "cannot take string modifiers")]
    [InlineData("sel:\n  A|i: x\ncondition: sel", 7, "applies to 're' only")]
    [InlineData("sel:\n  A|utf16le: x\ncondition: sel", 7, "must be followed by base64")]
    [InlineData("sel:\n  A: [x, null]\ncondition: sel", 7, "null cannot be part of a list")]
    [InlineData("sel:\n  A: x", 6, "no 'condition'")]
    public void InvalidDetections_AreErrorsWithTheirLine(string detection, int line, string message)
    {
        var set = LoadFiles(("good.yml", Good), ("bad.yml", SigmaTestRules.Rule(detection, id: "bad")));

        var error = Assert.Single(set.Errors);
        Assert.Contains(message, error.Error, StringComparison.Ordinal);
        Assert.Equal(line, error.Line);
        Assert.Equal(["good"], set.Rules.Select(r => r.Id));
    }

    [Theory]
    [InlineData("sel:\n  A|expand: '%Servers%'\ncondition: sel", "placeholder '%Servers%'")]
    [InlineData("sel:\n  A: x\ncondition: sel | count() > 5", "correlation rule")]
    public void UnsupportedFeatures_AreReportedApart(string detection, string reason)
    {
        var set = LoadFiles(("good.yml", Good), ("unsupported.yml", SigmaTestRules.Rule(detection, id: "u")));

        Assert.Empty(set.Errors);
        Assert.Contains(reason, Assert.Single(set.Unsupported).Error, StringComparison.Ordinal);
        Assert.Equal(1, set.Compiled);
    }

    [Fact]
    public void UnknownLogSource_LeavesTheRuleInactive_WithTheReason()
    {
        var set = LoadFiles(("good.yml", Good), ("x.yml", Good.Replace("logsource: {}", "logsource: { product: nosuchproduct }", StringComparison.Ordinal).Replace("id: good", "id: x", StringComparison.Ordinal)));

        Assert.Equal(2, set.Compiled);
        Assert.Equal(["good"], set.Rules.Select(r => r.Id));
        Assert.Contains("product:nosuchproduct", Assert.Single(set.Inactive).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void MetadataOfTheRule_IsKept()
    {
        var set = LoadFiles(("m.yml", """
            title: Metadata
            id: 5f1b7c2e-0000-4000-8000-000000000001
            name: metadata_rule
            status: test
            description: A rule with everything
            tags: [attack.execution, attack.t1059.001]
            falsepositives: [Admins]
            logsource: { product: windows, service: security }
            level: Critical
            detection:
              sel: { EventID: 1102 }
              condition: sel
            """));

        var rule = Assert.Single(set.Rules);
        Assert.Equal(("5f1b7c2e-0000-4000-8000-000000000001", "metadata_rule", "Metadata", "test", "critical"), (rule.Id, rule.Name, rule.Title, rule.Status, rule.Level));
        Assert.Equal(["attack.execution", "attack.t1059.001"], rule.Tags);
        Assert.Equal(["Admins"], rule.FalsePositives);
        Assert.Equal(new SigmaLogSource("windows", null, "security"), rule.LogSource);
        Assert.Equal(1, rule.Line);
    }

    [Fact]
    public void Expand_ReplacesPlaceholdersWithTheValuesAPipelineSets()
    {
        var pipeline = _rules.Write("name: site\nplaceholders:\n  Admins: ['adm_*', 'root']\n  Dom: CORP\n", "site.pipeline.yml");
        var rule = _rules.Write(SigmaTestRules.Rule("sel:\n  User|expand: '%Dom%/%Admins%'\n  Note|expand: '100\\% %Dom%'\ncondition: sel", id: "expand"));
        var set = SigmaRuleSet.Load([rule], SigmaPipeline.Load([RepositoryPaths.Content("pipelines"), pipeline]));

        Assert.Empty(set.Unsupported.Concat(set.Errors));
        Assert.Equal(["expand"], SigmaTestRules.MatchIds(set, """{"User":"CORP/adm_alice","Note":"100% CORP"}"""));
        Assert.Equal(["expand"], SigmaTestRules.MatchIds(set, """{"User":"corp/ROOT","Note":"100% CORP"}"""));
        Assert.Empty(SigmaTestRules.MatchIds(set, """{"User":"CORP/alice","Note":"100% CORP"}"""));
        Assert.Empty(SigmaTestRules.MatchIds(set, """{"User":"CORP/root","Note":"100\\% CORP"}"""));
    }
}

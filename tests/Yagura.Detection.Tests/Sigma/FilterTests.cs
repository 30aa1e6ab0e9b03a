using System.Text.Json;

using Yagura.Detection.Events;
using Yagura.Detection.Sigma;
using Yagura.Testing;

namespace Yagura.Detection.Tests.Sigma;

/// <summary>Sigma global filters (added to the rules they list, per tenant directory) and per-tenant rule disabling.</summary>
public sealed class FilterTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    internal const string RarRule = """
        title: Data Compressed - rar.exe
        id: 6f3e2987-db24-4c78-a860-b4f4095a7095
        name: rar_compression
        logsource: { category: process_creation, product: windows }
        detection:
            selection:
                Image|endswith: '\rar.exe'
            condition: selection
        """;

    private const string OtherRule = """
        title: Rar command line
        id: other-rule
        logsource: { category: process_creation, product: windows }
        detection:
            selection:
                CommandLine|contains: ' a '
            condition: selection
        """;

    // The specification's example, as written there.
    private static string SpecFilter(string condition = "selection", string secondRule = "df0841c0-9846-4e9f-ad8a-7df91571771b # Login on jump host") => $"""
        title: Filter Administrator account
        description: The valid administrator account start with adm_
        logsource:
            category: process_creation
            product: windows
        filter:
            rules:
                - 6f3e2987-db24-4c78-a860-b4f4095a7095 # Data Compressed - rar.exe
                - {secondRule}
            selection:
                User|startswith: 'adm_'
            condition: {condition}
        """;

    private string Write(string relativePath, string yaml)
    {
        var path = Path.Combine(_dir.Path, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, yaml);
        return path;
    }

    private SigmaRuleSet Load(SigmaTuning? tuning = null) =>
        SigmaRuleSet.Load([_dir.Path], SigmaPipeline.Load([RepositoryPaths.Content("pipelines")]), tuning);

    private static List<string> Matches(SigmaRuleSet set, string user, string tenant = "default")
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Channel"] = "Microsoft-Windows-Sysmon/Operational",
            ["EventID"] = 1,
            ["Image"] = @"C:\Program Files\WinRAR\rar.exe",
            ["CommandLine"] = "rar.exe a out.rar docs",
            ["User"] = user,
        });
        using var doc = JsonDocument.Parse(json);
        var matches = new List<SigmaRule>();
        var e = DetectionEvent.FromJson(doc.RootElement, tenantId: tenant);
        set.CreateMatcher().Match(e, matches);

        // The prefilter-free path must agree.
        var exhaustive = new List<SigmaRule>();
        set.CreateMatcher().MatchExhaustively(e, exhaustive);
        Assert.Equal(matches, exhaustive);
        return [.. matches.Select(m => m.Id).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public void SpecExample_LoadsAndIsCountedAsACompiledDocument()
    {
        Write("rar.yml", RarRule);
        Write("mf_admin.yml", SpecFilter());

        var set = Load();

        var filter = Assert.Single(set.Filters);
        Assert.Equal("Filter Administrator account", filter.Title);
        Assert.Equal(new SigmaLogSource("windows", "process_creation", null), filter.LogSource);
        Assert.Equal(["6f3e2987-db24-4c78-a860-b4f4095a7095", "df0841c0-9846-4e9f-ad8a-7df91571771b"], filter.Rules);
        Assert.Null(filter.Tenant);
        Assert.Equal(2, set.Total);
        Assert.Equal(2, set.Compiled);

        // The example's second rule is not loaded here: reported, with the line of its reference.
        var error = Assert.Single(set.Errors);
        Assert.Contains("no rule with id or name 'df0841c0-9846-4e9f-ad8a-7df91571771b'", error.Error, StringComparison.Ordinal);
        Assert.Equal(9, error.Line);
    }

    [Fact]
    public void FilterCondition_IsAddedToTheRuleCondition_SoNotSelectionSuppressesTheSelection()
    {
        Write("rar.yml", RarRule);
        Write("other.yml", OtherRule);
        Write("mf_admin.yml", SpecFilter("not selection"));

        var set = Load();

        Assert.Equal(["6f3e2987-db24-4c78-a860-b4f4095a7095", "other-rule"], Matches(set, "CORP\\bob"));
        // The filtered rule is suppressed for administrators; the rule the filter does not list still fires.
        Assert.Equal(["other-rule"], Matches(set, "adm_bob"));
    }

    [Fact]
    public void SpecExampleAsWritten_KeepsOnlyEventsItsConditionHolds()
    {
        // As pySigma applies filters: (rule condition) and (filter condition). The example's plain 'selection'
        // therefore narrows the rule to administrator accounts.
        Write("rar.yml", RarRule);
        Write("mf_admin.yml", SpecFilter());

        var set = Load();

        Assert.Equal(["6f3e2987-db24-4c78-a860-b4f4095a7095"], Matches(set, "adm_bob"));
        Assert.Empty(Matches(set, "bob"));
    }

    [Fact]
    public void Filter_NamesRulesByIdAndByName()
    {
        Write("rar.yml", RarRule);
        Write("other.yml", OtherRule);
        Write("mf_both.yml", """
            title: Filter backup account
            logsource: { product: windows }
            filter:
                rules: [rar_compression, other-rule]
                selection:
                    User: svc_backup
                condition: not selection
            """);

        var set = Load();

        Assert.Empty(set.Errors);
        Assert.Empty(Matches(set, "svc_backup"));
        Assert.Equal(["6f3e2987-db24-4c78-a860-b4f4095a7095", "other-rule"], Matches(set, "bob"));
    }

    [Fact]
    public void FilterInATenantDirectory_AppliesToThatTenantOnly()
    {
        Write("rar.yml", RarRule);
        Write(Path.Combine("tenants", "acme", "mf_admin.yml"), SpecFilter("not selection", secondRule: "rar_compression"));

        var set = Load();

        Assert.Empty(set.Errors);
        Assert.Equal("acme", Assert.Single(set.Filters).Tenant);
        Assert.Empty(Matches(set, "adm_bob", tenant: "acme"));
        Assert.Equal(["6f3e2987-db24-4c78-a860-b4f4095a7095"], Matches(set, "adm_bob", tenant: "globex"));
        Assert.Equal(["6f3e2987-db24-4c78-a860-b4f4095a7095"], Matches(set, "adm_bob"));
    }

    [Fact]
    public void FilterWhoseLogSourceDoesNotCoverTheRule_IsReportedAndNotApplied()
    {
        Write("rar.yml", RarRule);
        Write("mf_linux.yml", """
            title: Linux only
            logsource: { product: linux }
            filter:
                rules: [rar_compression]
                selection:
                    User: bob
                condition: not selection
            """);

        var set = Load();

        var error = Assert.Single(set.Errors);
        Assert.Contains("does not cover rule '6f3e2987-db24-4c78-a860-b4f4095a7095'", error.Error, StringComparison.Ordinal);
        Assert.Equal(["6f3e2987-db24-4c78-a860-b4f4095a7095"], Matches(set, "bob"));
    }

    [Theory]
    [InlineData("title: F\nlogsource: {product: windows}\nfilter:\n  rules: [rar_compression]\n  selection:\n    User|startswiht: adm_\n  condition: not selection\n", 6, "unknown modifier 'startswiht'")]
    [InlineData("title: F\nlogsource: {product: windows}\nfilter:\n  rules: [rar_compression]\n  selection:\n    User: adm_\n", 4, "needs one 'condition'")]
    [InlineData("title: F\nlogsource: {product: windows}\nfilter:\n  rules: [rar_compression]\n  selection:\n    User: adm_\n  condition: not selction\n", 7, "unknown search identifier 'selction'")]
    [InlineData("title: F\nlogsource: {product: windows}\nfilter:\n  selection:\n    User: adm_\n  condition: not selection\n", 4, "no 'rules' list")]
    [InlineData("title: F\nlogsource: {product: windows}\nfilter:\n  rules: []\n  selection:\n    User: adm_\n  condition: not selection\n", 4, "non-empty list")]
    [InlineData("title: F\nlogsource: {product: windows}\nfilter:\n  rules: [rar_compression]\n  condition: not selection\n", 4, "no search identifier")]
    [InlineData("title: F\nfilter:\n  rules: [rar_compression]\n  selection:\n    User: adm_\n  condition: not selection\n", 1, "no 'logsource'")]
    [InlineData("logsource: {product: windows}\nfilter:\n  rules: [rar_compression]\n  selection:\n    User: adm_\n  condition: not selection\n", 1, "no 'title'")]
    [InlineData("title: F\nlogsource: {product: windows}\nfilter: [rar_compression]\n", 3, "'filter' must be a map")]
    public void BrokenFilter_IsReportedWithItsLine_AndTheRulesStillLoad(string yaml, int line, string message)
    {
        Write("rar.yml", RarRule);
        Write("mf_broken.yml", yaml);

        var set = Load();

        var error = Assert.Single(set.Errors);
        Assert.EndsWith("mf_broken.yml", error.Path, StringComparison.Ordinal);
        Assert.Contains(message, error.Error, StringComparison.Ordinal);
        Assert.Equal(line, error.Line);
        Assert.Empty(set.Filters);
        Assert.Equal(2, set.Total);
        Assert.Equal(1, set.Compiled);
        Assert.Equal(["6f3e2987-db24-4c78-a860-b4f4095a7095"], Matches(set, "adm_bob"));
    }

    [Fact]
    public void UnknownRuleReference_IsReported_AndTheOtherReferencesStillApply()
    {
        Write("rar.yml", RarRule);
        Write("mf_typo.yml", """
            title: F
            logsource: { product: windows }
            filter:
                rules:
                    - rar_compresion
                    - rar_compression
                selection:
                    User: adm_bob
                condition: not selection
            """);

        var set = Load();

        var error = Assert.Single(set.Errors);
        Assert.EndsWith("mf_typo.yml", error.Path, StringComparison.Ordinal);
        Assert.Equal(5, error.Line);
        Assert.Contains("no rule with id or name 'rar_compresion'", error.Error, StringComparison.Ordinal);
        Assert.Empty(Matches(set, "adm_bob"));
    }

    private SigmaTuning Tuning(string yaml) => SigmaTuning.Load(Write(Path.Combine("..", Path.GetFileName(_dir.Path) + "-tuning.yml"), yaml));

    [Fact]
    public void DisabledForATenant_NeverMatchesForThatTenant_AndStillMatchesForOthers()
    {
        Write("rar.yml", RarRule);
        Write("other.yml", OtherRule);
        var tuning = Tuning("tenants:\n  acme:\n    disabled: [rar_compression]\n  globex:\n    disabled: [other-rule]\n");

        var set = Load(tuning);

        Assert.Empty(set.Errors);
        Assert.Equal(["other-rule"], Matches(set, "bob", tenant: "acme"));
        Assert.Equal(["6f3e2987-db24-4c78-a860-b4f4095a7095"], Matches(set, "bob", tenant: "globex"));
        Assert.Equal(["6f3e2987-db24-4c78-a860-b4f4095a7095", "other-rule"], Matches(set, "bob"));
    }

    [Fact]
    public void DisabledForStar_NeverMatchesForAnyTenant()
    {
        Write("rar.yml", RarRule);
        Write("other.yml", OtherRule);
        var tuning = Tuning("tenants:\n  \"*\":\n    disabled: [6f3e2987-db24-4c78-a860-b4f4095a7095]\n");

        var set = Load(tuning);

        Assert.Empty(set.Errors);
        Assert.Equal(["other-rule"], Matches(set, "bob"));
        Assert.Equal(["other-rule"], Matches(set, "bob", tenant: "acme"));
    }

    [Fact]
    public void Tuning_UnknownRulesAndMalformedEntries_AreReportedWithTheirLine()
    {
        Write("rar.yml", RarRule);
        var tuning = Tuning("tenants:\n  acme:\n    disabled:\n      - nope\n      - rar_compression\n  globex:\n    enabled: [x]\n  initech: [x]\n");

        var set = Load(tuning);

        Assert.Collection(
            set.Errors,
            e => Assert.Equal((7, "unknown tuning setting 'enabled' (known: disabled, severity, suppress)"), (e.Line, e.Error)),
            e => Assert.Equal(8, e.Line),
            e => Assert.Equal((4, "tenant 'acme': no rule with id or name 'nope' to disable"), (e.Line, e.Error)));
        Assert.All(set.Errors, e => Assert.EndsWith("-tuning.yml", e.Path, StringComparison.Ordinal));
        Assert.Empty(Matches(set, "bob", tenant: "acme"));
    }

    [Fact]
    public void Tuning_InvalidYaml_IsReported()
    {
        var tuning = Tuning("tenants:\n  acme:\n    disabled: [unclosed\n");

        Assert.StartsWith("invalid YAML", Assert.Single(tuning.Errors).Error, StringComparison.Ordinal);
    }
}

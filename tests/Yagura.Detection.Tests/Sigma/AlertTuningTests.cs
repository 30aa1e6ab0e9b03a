using Yagura.Core.Alerts;
using Yagura.Detection.Alerts;
using Yagura.Detection.Sigma;
using Yagura.Testing;

namespace Yagura.Detection.Tests.Sigma;

/// <summary>The tuning file's severity overrides and suppression settings: parsing, errors with lines, resolution to rule ids.</summary>
public sealed class AlertTuningTests : IDisposable
{
    private const string RarId = "6f3e2987-db24-4c78-a860-b4f4095a7095";

    private readonly TempDirectory _dir = new();

    public AlertTuningTests()
    {
        Directory.CreateDirectory(_dir.File("rules"));
        File.WriteAllText(_dir.File("rules/rar.yml"), FilterTests.RarRule + """

            ---
            title: Many rar runs on one host
            id: many-rar
            name: many_rar
            level: high
            correlation:
                type: event_count
                rules: [rar_compression]
                group-by: [Computer]
                timespan: 1h
                condition: { gte: 10 }
                generate: true
            """);
    }

    public void Dispose() => _dir.Dispose();

    private SigmaTuning Tuning(string yaml)
    {
        File.WriteAllText(_dir.File("tuning.yml"), yaml);
        return SigmaTuning.Load(_dir.File("tuning.yml"));
    }

    private SigmaRuleSet Load(SigmaTuning tuning) =>
        SigmaRuleSet.Load([_dir.File("rules")], SigmaPipeline.Load([RepositoryPaths.Content("pipelines")]), tuning);

    [Fact]
    public void Load_SeverityAndSuppressSettings_AreReadPerTenant()
    {
        var tuning = Tuning("""
            tenants:
              "*":
                severity: { rar_compression: information, "ioc:bad_hosts": emergency }
                suppress:
                  window: 30m
                  by: [host.name, User]
                  rules:
                    rar_compression: { window: 2h }
                    many_rar: { window: off }
              acme:
                severity:
                  rar_compression: Critical
                suppress:
                  window: 0
                  rules:
                    rar_compression: { by: [] }
            """);

        Assert.Empty(tuning.Errors);
        Assert.Equal(Severity.Information, tuning.Severity["*"]["rar_compression"]);
        Assert.Equal(Severity.Emergency, tuning.Severity["*"]["ioc:bad_hosts"]);
        Assert.Equal(Severity.Critical, tuning.Severity["acme"]["rar_compression"]);
        Assert.Equal(TimeSpan.FromMinutes(30), tuning.SuppressionDefaults["*"].Window);
        Assert.Equal(["host.name", "User"], tuning.SuppressionDefaults["*"].By);
        Assert.Equal(TimeSpan.Zero, tuning.SuppressionDefaults["acme"].Window);
        Assert.Null(tuning.SuppressionDefaults["acme"].By);
        Assert.Equal(new SuppressionSettings(TimeSpan.FromHours(2), null), tuning.SuppressionRules["*"]["rar_compression"]);
        Assert.Equal(TimeSpan.Zero, tuning.SuppressionRules["*"]["many_rar"].Window);
        Assert.Null(tuning.SuppressionRules["acme"]["rar_compression"].Window);
        Assert.Empty(tuning.SuppressionRules["acme"]["rar_compression"].By!);
    }

    [Fact]
    public void Load_MalformedSeverityAndSuppressEntries_AreErrorsWithTheirLine_AndTheRestStillApplies()
    {
        var tuning = Tuning("""
            tenants:
              acme:
                severity:
                  rar_compression: severe
                  many_rar: 3
                  other: warning
                suppress:
                  window: 10 minutes
                  by: host.name
                  windw: 1h
                  rules:
                    rar_compression: 1h
                    "ioc:bad_hosts": { window: 1h, by: [source.ip] }
                    many_rar: { window: 2h }
              globex:
                severity: [rar_compression]
                suppress: 10m
            """);

        Assert.Collection(
            tuning.Errors,
            e => Assert.Equal((4, "'severe' is not a severity (information, warning, critical, emergency)"), (e.Line, e.Error)),
            e => Assert.Equal((5, "'3' is not a severity (information, warning, critical, emergency)"), (e.Line, e.Error)),
            e => Assert.Equal(8, e.Line),
            e => Assert.Equal((9, "'by' is a list of event field names (Sigma names work through the pipelines), such as [User, IpAddress]"), (e.Line, e.Error)),
            e => Assert.Equal((10, "unknown suppress setting 'windw' (known: window, by, rules)"), (e.Line, e.Error)),
            e => Assert.Equal(12, e.Line),
            e => Assert.Equal((13, "rule 'ioc:bad_hosts': 'by' does not apply to IOC alerts, which are told apart by the field and value that matched"), (e.Line, e.Error)),
            e => Assert.Equal(16, e.Line),
            e => Assert.Equal(17, e.Line));
        Assert.StartsWith("window '10 minutes' is not off, 0 or", tuning.Errors[2].Error, StringComparison.Ordinal);
        Assert.All(tuning.Errors, e => Assert.Equal(_dir.File("tuning.yml"), e.Path));

        // What was well formed still applies.
        Assert.Equal(Severity.Warning, tuning.Severity["acme"]["other"]);
        Assert.Equal(new SuppressionSettings(TimeSpan.FromHours(1), null), tuning.SuppressionRules["acme"]["ioc:bad_hosts"]);
        Assert.Equal(new SuppressionSettings(TimeSpan.FromHours(2), null), tuning.SuppressionRules["acme"]["many_rar"]);
    }

    [Fact]
    public void SeverityPolicy_FromTuning_TenantEntryBeatsStar_NamesResolveToIds_IocIdsAsWritten()
    {
        var set = Load(Tuning("""
            tenants:
              "*":
                severity: { rar_compression: information, many-rar: warning, "ioc:bad_hosts": emergency }
              acme:
                severity: { rar_compression: emergency }
            """));

        Assert.Empty(set.Errors);
        Assert.Equal(Severity.Information, set.Severity.For("globex", RarId, "medium"));
        Assert.Equal(Severity.Emergency, set.Severity.For("acme", RarId, "medium"));
        Assert.Equal(Severity.Warning, set.Severity.For("acme", "many-rar", "high"));
        Assert.Equal(Severity.Emergency, set.Severity.For("globex", "ioc:bad_hosts", AlertDetector.IocLevel));
        Assert.Equal(Severity.Critical, set.Severity.For("globex", "ioc:other", AlertDetector.IocLevel));
    }

    [Fact]
    public void SuppressionPolicy_FromTuning_TakesWindowAndFieldsEachFromTheFirstLevelThatSetsThem_TenantBeforeStar()
    {
        var set = Load(Tuning("""
            tenants:
              "*":
                suppress:
                  window: 30m
                  by: [User]
                  rules:
                    rar_compression: { window: 2h }
              acme:
                suppress:
                  by: [Computer]
                  rules:
                    rar_compression: { by: [CommandLine] }
              initech:
                suppress: { window: off }
            """));

        Assert.Empty(set.Errors);
        Assert.Equal(["CommandLine"], set.Suppression.For("acme", RarId).By);
        Assert.Equal(TimeSpan.FromHours(2), set.Suppression.For("acme", RarId).Window);
        Assert.Equal(["Computer"], set.Suppression.For("acme", "many-rar").By);
        Assert.Equal(TimeSpan.FromMinutes(30), set.Suppression.For("acme", "many-rar").Window);
        Assert.Equal(["User"], set.Suppression.For("globex", RarId).By);
        Assert.Equal(TimeSpan.FromHours(2), set.Suppression.For("globex", RarId).Window);
        Assert.True(set.Suppression.For("initech", "many-rar").IsOff);

        // The tenant's own entry wins over "*", even over "*"'s setting for the very rule.
        Assert.True(set.Suppression.For("initech", RarId).IsOff);
    }

    [Fact]
    public void SuppressionPolicy_WithoutTuning_IsTheDefault_TenMinutesByHost()
    {
        var set = SigmaRuleSet.Load([_dir.File("rules")], SigmaPipeline.Load([RepositoryPaths.Content("pipelines")]));

        var suppression = set.Suppression.For("acme", RarId);

        Assert.Equal(TimeSpan.FromMinutes(10), suppression.Window);
        Assert.Equal(["host.name"], suppression.By);
        Assert.Equal(SeverityPolicy.Default.For("acme", RarId, "medium"), set.Severity.For("acme", RarId, "medium"));
    }

    [Fact]
    public void UnknownRules_InSeverityAndSuppress_AreReportedLikeDisabledOnes_AndByOnACorrelationIsAnError()
    {
        var tuning = Tuning("""
            tenants:
              acme:
                disabled: [nope]
                severity: { nope: critical }
                suppress:
                  rules:
                    nope: { window: 1h }
                    many_rar: { window: 2h, by: [User] }
            """);

        var set = Load(tuning);

        Assert.Collection(
            set.Errors,
            e => Assert.Equal((3, "tenant 'acme': no rule with id or name 'nope' to disable"), (e.Line, e.Error)),
            e => Assert.Equal((4, "tenant 'acme': no rule with id or name 'nope' for a severity override"), (e.Line, e.Error)),
            e => Assert.Equal((7, "tenant 'acme': no rule with id or name 'nope' to suppress"), (e.Line, e.Error)),
            e => Assert.Equal((8, "tenant 'acme': 'by' does not apply to correlation 'many_rar', whose alerts are told apart by its group-by"), (e.Line, e.Error)));

        // The correlation's window still applies; the fields do not.
        Assert.Equal(new Suppression(TimeSpan.FromHours(2), SuppressionPolicy.DefaultBy), set.Suppression.For("acme", "many-rar"));
    }

    [Fact]
    public void UnknownIocLists_AreReportedWithTheirLine()
    {
        var tuning = Tuning("""
            tenants:
              "*":
                severity: { "ioc:bad_hosts": emergency, "ioc:gone": critical }
                suppress: { rules: { "ioc:old": { window: 1h } } }
            """);

        var problems = tuning.UnknownIocLists(["bad_hosts"]).ToList();

        Assert.Collection(
            problems,
            p => Assert.Equal((3, "tenant '*': no IOC list 'gone' for a severity override"), (p.Line, p.Error)),
            p => Assert.Equal((4, "tenant '*': no IOC list 'old' to suppress"), (p.Line, p.Error)));
    }
}

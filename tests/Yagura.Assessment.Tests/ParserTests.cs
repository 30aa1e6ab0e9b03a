using Yagura.Assessment.Assessments;
using Yagura.Assessment.Catalogue;

namespace Yagura.Assessment.Tests;

/// <summary>Reading assessment files: errors stop the evaluation, warnings drop the value; both carry their line.</summary>
public sealed class ParserTests
{
    private const string Head = "organization: Example Corp\ndate: 2026-11-01\n";

    private static AssessmentFile Read(string yaml)
    {
        var result = AssessmentParser.Parse(yaml);
        Assert.True(result.File is not null, string.Join("\n", result.Errors.Select(e => e.Format(Language.En))));
        return result.File;
    }

    private static (int Line, string? Id, string Code)[] Warnings(string yaml) => [.. Read(yaml).Warnings.Select(w => (w.Line, w.ServiceId, w.Code))];

    private static (int Line, string Code)[] Errors(string yaml)
    {
        var result = AssessmentParser.Parse(yaml);
        Assert.Null(result.File);
        return [.. result.Errors.Select(e => (e.Line, e.Code))];
    }

    [Fact]
    public void Parse_TheIssuesExample_ReadsEveryField()
    {
        var file = Read("""
            organization: Example Corp
            date: 2026-11-01
            pattern: { current: hybrid, target: minimum-outsource }   # minimum-insource|hybrid|minimum-outsource|full-insource
            services:
              - id: A-1
                level: basic              # not-required|basic|standard|advanced|optional
                reason: null              # required when level is not-required
                assignment: insource      # insource|outsource|hybrid|unassigned
                owner: 社内CSIRT
                as_is: 3                  # 1..5, or excluded
                to_be: 5
              - { id: E-5, level: not-required, reason: skills, note: 診断人材がいない }
              - { id: B-1, level: standard, assignment: hybrid, owner: SOC, vendor: Z-MSSP, as_is: excluded, to_be: 4, exclusion: 監視は委託先の判断 }
            """);

        Assert.Equal(("Example Corp", new DateOnly(2026, 11, 1)), (file.Organization, file.Date));
        Assert.Equal((OrganisationPattern.Hybrid, OrganisationPattern.MinimumOutsource), (file.CurrentPattern, file.TargetPattern));
        Assert.Empty(file.Warnings);
        var a1 = file.Services["A-1"];
        Assert.Equal((RecommendationLevel.Basic, (NotRequiredReason?)null, Assignment.Insource, "社内CSIRT", 3, 5, 5),
            (a1.Level!.Value, a1.Reason, a1.Assignment!.Value, a1.Owner, a1.AsIs!.Value.Value, a1.ToBe!.Value.Value, a1.Line));
        Assert.Equal((NotRequiredReason.Skills, "診断人材がいない"), (file.Services["E-5"].Reason!.Value, file.Services["E-5"].Note));
        var b1 = file.Services["B-1"];
        Assert.True(b1.AsIs!.Value.IsExcluded);
        Assert.Equal(("Z-MSSP", "監視は委託先の判断"), (b1.Vendor, b1.Exclusion));
        Assert.Equal(Language.Ja, file.Language); // Japanese in the file
    }

    [Fact]
    public void Parse_InvalidYaml_IsAnErrorAtItsLine()
    {
        var result = AssessmentParser.Parse(Head + "services:\n  - id: A-1\n    level: [basic\n");
        Assert.Null(result.File);
        var error = Assert.Single(result.Errors);
        Assert.Equal("invalid-yaml", error.Code);
        Assert.InRange(error.Line, 5, 6);
    }

    [Theory]
    [InlineData("date: 2026-11-01\nservices: []\n", 1, "missing-key")]                                  // no organization
    [InlineData("organization: ''\ndate: 2026-11-01\nservices: []\n", 1, "missing-key")]                 // empty organization
    [InlineData("organization: X\nservices: []\n", 1, "missing-key")]                                    // no date
    [InlineData("organization: X\ndate: 1 Nov 2026\nservices: []\n", 2, "invalid-value")]
    [InlineData("organization: X\ndate: 2026-11-01\n", 1, "missing-key")]                                // no services
    [InlineData("organization: X\ndate: 2026-11-01\nservices: A-1\n", 3, "structure")]
    [InlineData("organization: X\ndate: 2026-11-01\nservices:\n  - id: A-1\n  - level: basic\n", 5, "missing-key")]
    [InlineData("organization: X\ndate: 2026-11-01\nservices:\n  - A-1\n", 4, "structure")]
    [InlineData("- organization: X\n", 1, "structure")]
    [InlineData("organization: X\ndate: 2026-11-01\ntenant: ../acme\nservices: []\n", 3, "invalid-value")]    // dropped, it would widen to every tenant
    [InlineData("organization: X\ndate: 2026-11-01\ntenant: [acme]\nservices: []\n", 3, "invalid-value")]
    [InlineData("", 1, "structure")]
    public void Parse_MalformedFile_IsOneErrorAtItsLine(string yaml, int line, string code) =>
        Assert.Equal([(line, code)], Errors(yaml));

    [Fact]
    public void Parse_UnknownKeys_AreWarningsAtTheirLines()
    {
        var warnings = Warnings(Head + "organisation: typo\npattern: { now: hybrid }\nservices:\n  - id: A-1\n    as-is: 3\n");
        Assert.Equal([(3, null, "unknown-key"), (4, null, "unknown-key"), (7, "A-1", "unknown-key")], warnings);
    }

    [Fact]
    public void Parse_WrongValues_AreWarnedAndIgnored()
    {
        var file = Read(Head + """
            pattern: { current: hybrid-ish, target: full-insource }
            services:
              - id: A-1
                level: essential
                assignment: in-house
                as_is: 0
                to_be: 6
              - { id: A-2, as_is: 3.5, to_be: high }
            """);

        Assert.Equal(
            [(3, null, "invalid-value"), (6, "A-1", "invalid-value"), (7, "A-1", "invalid-value"), (8, "A-1", "score-out-of-range"),
             (9, "A-1", "score-out-of-range"), (10, "A-2", "score-out-of-range"), (10, "A-2", "score-out-of-range")],
            file.Warnings.Select(w => (w.Line, w.ServiceId, w.Code)));
        Assert.Equal((null, OrganisationPattern.FullInsource), (file.CurrentPattern, file.TargetPattern));
        var a1 = file.Services["A-1"];
        Assert.Equal((null, null, null, null), (a1.Level, a1.Assignment, a1.AsIs, a1.ToBe));
        Assert.Contains("not-required | basic | standard | advanced | optional", file.Warnings[1].Message.En, StringComparison.Ordinal);
        Assert.Contains("as_is '0' は 1–5 の整数か excluded です", file.Warnings[3].Message.Ja, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownAndDuplicatedIds_AreWarnedAndTheEntryIgnored()
    {
        var file = Read(Head + "services:\n  - { id: A-14, level: basic }\n  - { id: A-1, level: basic }\n  - { id: A-1, level: optional }\n");

        Assert.Equal([(4, "A-14", "unknown-service"), (6, "A-1", "duplicate-service")], file.Warnings.Select(w => (w.Line, w.ServiceId, w.Code)));
        Assert.Equal(["A-1"], file.Services.Keys);
        Assert.Equal(RecommendationLevel.Basic, file.Services["A-1"].Level); // the first entry wins
        Assert.Contains("line 5", file.Warnings[1].Message.En, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NotRequiredWithoutReason_ReasonWithoutNotRequired_AndUsedNotRequired_AreWarned()
    {
        var warnings = Warnings(Head + """
            services:
              - id: A-1
                level: not-required
              - { id: A-2, level: basic, reason: budget }
              - { id: A-3, level: not-required, reason: no-risk, assignment: insource, as_is: 2 }
            """);

        Assert.Equal([(5, "A-1", "missing-reason"), (6, "A-2", "reason-ignored"), (7, "A-3", "not-required-used")], warnings);
    }

    [Fact]
    public void Parse_ExcludedWithoutGrounds_GroundsWithoutExclusion_AndExcludedBasic_AreWarned()
    {
        var warnings = Warnings(Head + """
            services:
              - id: A-1
                level: standard
                as_is: 2
                to_be: excluded
              - { id: A-2, as_is: 3, exclusion: why }
              - { id: A-3, level: basic, as_is: excluded, exclusion: risk accepted by the board }
            """);

        Assert.Equal([(7, "A-1", "missing-exclusion"), (8, "A-2", "exclusion-ignored"), (9, "A-3", "basic-excluded")], warnings);
    }

    [Fact]
    public void Parse_CustomServices_JoinTheirCategory()
    {
        var file = Read(Head + """
            custom_services:
              - id: A-101
                category: A
                name: { ja: サプライチェーン管理, en: Supply chain management }
                process: strategic-management
                areas: [II]
              - { id: OT-1, category: G, name: OT monitoring }
            services:
              - { id: A-101, level: basic, as_is: 2, to_be: 4 }
              - { id: OT-1, level: optional }
            """);

        Assert.Empty(file.Warnings);
        Assert.Equal(["A-1", "A-13", "A-101"], file.Catalogue.Category('A').Services.Select(s => s.Id).Where(id => id is "A-1" or "A-13" or "A-101"));
        var custom = file.Catalogue.Find("A-101")!;
        Assert.Equal(("サプライチェーン管理", "Supply chain management", true, ManagementProcess.StrategicManagement), (custom.Name.Ja, custom.Name.En, custom.IsCustom, custom.Process!.Value));
        Assert.Equal([Area.II], custom.Areas);
        Assert.Equal(("OT monitoring", "OT monitoring"), (file.Catalogue.Find("OT-1")!.Name.Ja, file.Catalogue.Find("OT-1")!.Name.En));
        Assert.Equal(66, file.Catalogue.Services.Count());
        Assert.Equal(64, ServiceCatalogue.Default.Services.Count()); // the shipped catalogue is unchanged
    }

    [Theory]
    [InlineData("custom_services:\n  - { id: A-1, category: A, name: Mine }\nservices: []\n", 4, "duplicate-service")]
    [InlineData("custom_services:\n  - { id: X-1, category: A, name: Mine }\n  - { id: X-1, category: B, name: Again }\nservices: []\n", 5, "duplicate-service")]
    [InlineData("custom_services:\n  - { id: X-1, name: Mine }\nservices: []\n", 4, "missing-key")]
    [InlineData("custom_services:\n  - { id: X-1, category: J, name: Mine }\nservices: []\n", 4, "invalid-value")]
    [InlineData("custom_services:\n  - { id: X-1, category: A }\nservices: []\n", 4, "missing-key")]
    public void Parse_BadCustomService_IsAnError(string yaml, int line, string code) =>
        Assert.Contains((line, code), Errors(Head + yaml));

    [Theory]
    [InlineData("language: en\n", "services: [{ id: A-1, owner: 社内CSIRT }]\n", Language.En)]
    [InlineData("", "services: [{ id: A-1, owner: 社内CSIRT }]\n", Language.Ja)]
    [InlineData("", "services: [{ id: A-1, owner: CSIRT }]\n", Language.En)]
    [InlineData("language: ja\n", "services: []\n", Language.Ja)]
    public void Parse_Language_IsTheKeyElseJapaneseWhenTheFileHasJapanese(string key, string services, Language expected) =>
        Assert.Equal(expected, Read(Head + key + services).Language);

    [Theory]
    [InlineData(Language.Ja)]
    [InlineData(Language.En)]
    public void Template_ListsEveryServiceAndReadsBackWithoutWarnings(Language language)
    {
        var template = AssessmentTemplate.Write(ServiceCatalogue.Default, language, new DateOnly(2026, 11, 1));

        Assert.Equal("organization", Assert.Single(AssessmentParser.Parse(template).Errors).Message.En.Split(' ')[0]);
        var file = Read(template.Replace("organization: \"\"", "organization: Example Corp", StringComparison.Ordinal));
        Assert.Empty(file.Warnings);
        Assert.Equal(ServiceCatalogue.Default.Services.Select(s => s.Id), file.Services.Keys);
        Assert.All(file.Services.Values, s => Assert.Null(s.Level));
        Assert.Equal((language, new DateOnly(2026, 11, 1)), (file.Language, file.Date));
        Assert.Contains(language == Language.Ja ? "# A. CDC の戦略マネジメント" : "# A. Strategic management of CDC", template, StringComparison.Ordinal);
        Assert.Contains(language == Language.Ja ? "- id: I-4   # セキュリティベンダー連携" : "- id: I-4   # Security vendor collaboration", template, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Tenant_IsOptional_AndKeepsItsLine()
    {
        var file = Read(Head + "tenant: acme\nservices: []\n");

        Assert.Equal(("acme", 3), (file.Tenant, file.TenantLine));
        Assert.Null(Read(Head + "tenant: null\nservices: []\n").Tenant);
        Assert.Null(Read(Head + "services: []\n").Tenant);
    }
}

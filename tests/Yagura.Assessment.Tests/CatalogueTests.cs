using Yagura.Assessment;
using Yagura.Assessment.Catalogue;
using Yagura.Testing;

namespace Yagura.Assessment.Tests;

/// <summary>The shipped catalogue against the textbook (seed 001, read from ../shared at test time).</summary>
public sealed class CatalogueTests
{
    private static readonly ServiceCatalogue Catalogue = ServiceCatalogue.Default;

    private static readonly string[] Seed = File.ReadAllLines(Path.Combine(RepositoryPaths.Shared, "seeds", "001_006f5c3870000578.txt"));

    /// <summary>The appendix (付録): from its category list to the end.</summary>
    private static readonly string[] Appendix = [.. Seed.SkipWhile(l => !l.StartsWith("付録 カテゴリーとサービスリストの詳細", StringComparison.Ordinal)).Skip(1).SkipWhile(l => !l.StartsWith("付録", StringComparison.Ordinal)).Select(l => l.Trim())];

    [Fact]
    public void Default_HasTheNineCategoriesAndSixtyFourServicesOfTable1_InOrder()
    {
        Assert.Equal("ABCDEFGHI", string.Concat(Catalogue.Categories.Select(c => c.Id)));
        Assert.Equal([13, 4, 4, 7, 9, 5, 13, 2, 7], Catalogue.Categories.Select(c => c.Services.Count));
        foreach (var category in Catalogue.Categories)
        {
            Assert.Equal(Enumerable.Range(1, category.Services.Count).Select(n => $"{category.Id}-{n}"), category.Services.Select(s => s.Id));
        }

        Assert.Equal(64, Catalogue.Services.Count());
        Assert.All(Catalogue.Services, s => Assert.False(s.IsCustom));
    }

    [Fact]
    public void EveryServiceName_IsAnAppendixHeading_Verbatim()
    {
        Assert.NotEmpty(Appendix);
        Assert.All(Catalogue.Services, s => Assert.Contains($"{s.Id}. {s.Name.Ja}", Appendix));
        Assert.All(Catalogue.Categories, c => Assert.Contains($"{c.Id}. {c.Name.Ja}", Appendix));
    }

    [Theory]
    [InlineData("A-9", "トリアージ基準管理", "Triage criteria management")]
    [InlineData("B-3", "通知・警告", "Alerting and warning")]
    [InlineData("C-3", "追及・追跡", "Tracking and tracing")]
    [InlineData("E-6", "高度サイバー攻撃耐性評価", "Defence capability against APT attack")]
    [InlineData("G-11", "CDC システム運用", "CDC system operation")]
    [InlineData("H-2", "内部不正検知・再発防止支援", "Internal fraud detection and reoccurrence prevention support")]
    [InlineData("I-4", "セキュリティベンダー連携", "Security vendor collaboration")] // Table 7 says セキュリティベンダーとの連携; the appendix wins
    public void Names_AreTheAppendixJapaneseAndTheRecommendationsEnglish(string id, string ja, string en)
    {
        var service = Catalogue.Find(id)!;
        Assert.Equal((ja, en), (service.Name.Ja, service.Name.En));
        Assert.Contains($"{id}. {ja}", Appendix);
    }

    [Fact]
    public void EverySummary_IsTheX1060SummaryTheAppendixQuotes()
    {
        // The seed keeps the PDF's italics as '*'.
        var summaries = Appendix.Select(l => l.Replace("*", "", StringComparison.Ordinal)).ToHashSet();
        Assert.All(Catalogue.Services, s => Assert.Contains(s.Summary!.Ja, summaries));
        Assert.All(Catalogue.Services, s => Assert.False(string.IsNullOrWhiteSpace(s.Summary!.En)));
        Assert.StartsWith("「トリアージ基準管理」サービスは、全社のポリシーで合意された範囲内", Catalogue.Find("A-9")!.Summary!.Ja, StringComparison.Ordinal);
    }

    [Fact]
    public void Processes_FollowTable8()
    {
        string Ids(ManagementProcess p) => string.Join(" ", Catalogue.Services.Where(s => s.Process == p).Select(s => s.Id));
        Assert.Equal(
            "A-1 A-2 A-3 A-4 A-5 A-6 A-7 A-8 A-9 A-10 A-11 A-12 A-13 E-1 E-2 E-3 F-1 F-4 G-1 G-12 G-13 I-1 I-2 I-3 I-4 I-5 I-6 I-7",
            Ids(ManagementProcess.StrategicManagement));
        Assert.Equal("B-1 B-2 B-3 B-4 C-1 C-2 C-3 C-4 E-4 E-5 E-6 E-8 E-9 F-2 F-3 G-2 G-3 G-4 G-5 G-6 G-7 G-8 G-9 G-10 G-11", Ids(ManagementProcess.Operation));
        Assert.Equal("D-1 D-2 D-3 D-4 D-5 D-6 D-7 E-7 F-5 H-1 H-2", Ids(ManagementProcess.Response));
    }

    [Theory]
    [InlineData("A-1", Area.I, "planning")]
    [InlineData("A-9", Area.II, "planning")]
    [InlineData("B-1", Area.IV, "first-line")]
    [InlineData("B-2", Area.IV, "first-line second-line")]
    [InlineData("C-1", Area.III, "forensics")]
    [InlineData("C-2", Area.III, "research")]
    [InlineData("D-2", Area.I, "incident-response")]
    [InlineData("D-4", Area.III, "incident-response")]
    [InlineData("E-3", Area.IV, "vulnerability")]
    [InlineData("F-4", Area.II, "planning incident-response research")]
    [InlineData("G-5", Area.III, "system-operation engineering")]
    [InlineData("H-1", Area.II, "first-line")]
    [InlineData("I-4", Area.IV, "engineering")]
    public void AreasAndTeams_FollowFigure17(string id, Area area, string teams)
    {
        var service = Catalogue.Find(id)!;
        Assert.Equal([area], service.Areas);
        Assert.Equal(teams, string.Join(" ", service.Teams));
    }

    [Fact]
    public void EveryServiceButI5_HasOneAreaAndATeam_I5IsInEveryArea()
    {
        Assert.All(Catalogue.Services.Where(s => s.Id != "I-5"), s => Assert.True(s.Areas.Count == 1 && s.Teams.Count > 0, s.Id));
        var i5 = Catalogue.Find("I-5")!;
        Assert.Equal(Enum.GetValues<Area>(), i5.Areas);
        Assert.Empty(i5.Teams);
    }

    [Fact]
    public void Version21Roles_FollowTable7()
    {
        Assert.Equal(["A-6. リソース管理", "I-4. セキュリティ人材の確保"], Catalogue.Find("A-7")!.Version21Roles);
        Assert.Equal(["A-1. 全体方針管理"], Catalogue.Find("A-4")!.Version21Roles);
        Assert.Equal(["B-1. リアルタイム基本分析", "B-2. リアルタイム高度分析", "H-1. 内部統制監査データの収集と管理"], Catalogue.Find("B-1")!.Version21Roles);
        Assert.Empty(Catalogue.Find("A-8")!.Version21Roles);
        Assert.Empty(Catalogue.Find("D-5")!.Version21Roles);
        Assert.Equal("セキュリティ対応システム運用・開発", Catalogue.Category('G').Version21Function);
        Assert.Equal(54, Catalogue.Services.SelectMany(s => s.Version21Roles).Distinct().Count()); // the v2.1 had 54 roles
    }

    [Fact]
    public void Teams_CarryTable11()
    {
        Assert.Equal([4, 7, 12, 26], Catalogue.StaffingLevels.Select(l => l.Headcount));
        Assert.Null(Catalogue.Team("planning").FromLevel);
        Assert.Equal(1, Catalogue.Team("research").FromLevel);
        Assert.Equal(2, Catalogue.Team("forensics").FromLevel);
        Assert.Equal(0, Catalogue.Team("first-line").FromLevel);
        Assert.Equal("常時 1 名 (全 6 名)", Catalogue.Team("first-line").Staffing[2]!.Ja);
        Assert.Equal("リサーチ・解析が兼務", Catalogue.Team("forensics").Staffing[3]!.Ja);
    }

    [Fact]
    public void Load_MalformedCatalogue_ThrowsNamingTheLine()
    {
        var error = Assert.Throws<InvalidDataException>(() => ServiceCatalogue.Load("categories:\n  - id: A\n    name: x\n    services:\n      - id: A-1\n        name: y\n        process: planning\n"));
        Assert.Contains("line 7", error.Message, StringComparison.Ordinal);
        Assert.Contains("process 'planning'", error.Message, StringComparison.Ordinal);
    }
}

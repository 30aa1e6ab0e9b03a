using System.Text.Json;
using System.Text.Json.Serialization;

namespace Yagura.Assessment;

/// <summary>The language of user-facing text: the textbook's Japanese, or English.</summary>
public enum Language
{
    Ja,
    En,
}

/// <summary>A user-facing text in both languages.</summary>
public sealed record LocalizedText(string Ja, string En)
{
    public string this[Language language] => language == Language.Ja ? Ja : En;
}

/// <summary>Table 9: how much the organisation wants a service (build phase 1, the service catalogue).</summary>
public enum RecommendationLevel
{
    NotRequired,
    Basic,
    Standard,
    Advanced,
    Optional,
}

/// <summary>Section 5.2.1: why a service is not required — no risk, or it cannot be done now for lack of budget, people or skills.</summary>
public enum NotRequiredReason
{
    NoRisk,
    Budget,
    People,
    Skills,
}

/// <summary>Table 10: who runs a service (build phase 2, the service profile).</summary>
public enum Assignment
{
    Insource,
    Outsource,
    Hybrid,
    Unassigned,
}

/// <summary>Table 8: the management process a service serves.</summary>
public enum ManagementProcess
{
    StrategicManagement,
    Operation,
    Response,
}

/// <summary>Section 6.3: how much of areas II–IV the organisation covers itself.</summary>
public enum OrganisationPattern
{
    MinimumInsource,
    Hybrid,
    MinimumOutsource,
    FullInsource,
}

/// <summary>Section 6.2, Figure 14: the four areas by nature of the information and need for security expertise.</summary>
public enum Area
{
    [JsonStringEnumMemberName("I")]
    I,
    [JsonStringEnumMemberName("II")]
    II,
    [JsonStringEnumMemberName("III")]
    III,
    [JsonStringEnumMemberName("IV")]
    IV,
}

/// <summary>The file and JSON spelling (kebab-case; areas as Roman numerals) and the labels of the vocabulary.</summary>
public static class Vocabulary
{
    private static readonly Dictionary<Enum, LocalizedText> Labels = new()
    {
        [RecommendationLevel.NotRequired] = new("不要", "Not required"),
        [RecommendationLevel.Basic] = new("ベーシック（必須）", "Basic"),
        [RecommendationLevel.Standard] = new("スタンダード（標準）", "Standard"),
        [RecommendationLevel.Advanced] = new("アドバンスド（推奨）", "Advanced"),
        [RecommendationLevel.Optional] = new("オプション（任意）", "Optional"),
        [NotRequiredReason.NoRisk] = new("リスクがない", "no risk"),
        [NotRequiredReason.Budget] = new("今はできない: 予算", "cannot now: budget"),
        [NotRequiredReason.People] = new("今はできない: 人的リソース", "cannot now: people"),
        [NotRequiredReason.Skills] = new("今はできない: スキル", "cannot now: skills"),
        [Assignment.Insource] = new("インソース", "Insource"),
        [Assignment.Outsource] = new("アウトソース", "Outsource"),
        [Assignment.Hybrid] = new("併用", "Hybrid"),
        [Assignment.Unassigned] = new("未割り当て", "Unassigned"),
        [ManagementProcess.StrategicManagement] = new("戦略マネジメント", "Strategic management"),
        [ManagementProcess.Operation] = new("運用", "Operation"),
        [ManagementProcess.Response] = new("対応", "Response"),
        [OrganisationPattern.MinimumInsource] = new("ミニマムインソース", "Minimum insource"),
        [OrganisationPattern.Hybrid] = new("ハイブリッド", "Hybrid"),
        [OrganisationPattern.MinimumOutsource] = new("ミニマムアウトソース", "Minimum outsource"),
        [OrganisationPattern.FullInsource] = new("フルインソース", "Full insource"),
        [Area.I] = new("領域 I", "Area I"),
        [Area.II] = new("領域 II", "Area II"),
        [Area.III] = new("領域 III", "Area III"),
        [Area.IV] = new("領域 IV", "Area IV"),
    };

    public static string Name<T>(T value)
        where T : struct, Enum => value is Area ? value.ToString() : JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    public static string Label(Enum value, Language language) => Labels[value][language];

    /// <summary>The file spelling of every value, for error messages: <c>a | b | c</c>.</summary>
    public static string Names<T>()
        where T : struct, Enum => string.Join(" | ", Enum.GetValues<T>().Select(Name));

    public static bool TryParse<T>(string text, out T value)
        where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (Name(candidate) == text)
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}

using System.Text;

using Yagura.Assessment.Catalogue;

namespace Yagura.Assessment.Assessments;

/// <summary>A blank assessment file listing every service, with the values and the criteria of section 8.3 in comments.</summary>
public static class AssessmentTemplate
{
    private static readonly LocalizedText Header = new(
        """
        # X.1060 アセスメント（セキュリティ対応組織 (SOC/CSIRT) の教科書 第 3.1 版）
        # 評価: yagura assess report --input このファイル    書式: docs/assessment.md
        #
        # level（推奨レベル、表 9）: not-required（不要）| basic（ベーシック: 必須）| standard（スタンダード: 標準）
        #                            | advanced（アドバンスド: 推奨）| optional（オプション: 任意）
        # reason（不要の理由、5.2.1。not-required のとき必須）: no-risk（リスクがない）| 今はできない: budget（予算）
        #                            | people（人的リソース）| skills（スキル）。補足は note に
        # assignment（割り当て、表 10）: insource | outsource | hybrid（併用）| unassigned（未割り当て）
        # owner: 責務を負う社内の担当（insource, hybrid）  vendor: 委託先（outsource, hybrid）
        # as_is（現状）/ to_be（あるべき姿）（8.3）: 1–5、または excluded と根拠 exclusion: "…"
        #   インソース: 5 明文化された運用は CISO など権限ある組織長に承認されている
        #               4 運用が明文化されており、担当者と交代して他者が業務を実施できる
        #               3 運用が明文化されておらず、担当者に代わりに他者が臨時で一部の業務を代行できる
        #               2 運用が明文化されておらず、担当者が業務を実施できる
        #               1 実施できていない
        #               excluded インソースでの実装を検討したものの、結果として実施しないと判断した（評価対象外）
        #   アウトソース: 5 サービス内容と得られる結果を理解でき、想定通り
        #               4 サービス内容と得られる結果を理解できているが、想定未満
        #               3 サービス内容、得られる結果のいずれかが理解できていない
        #               2 サービス内容と得られる結果を理解できていない
        #               1 結果や報告を確認できていない
        #               excluded アウトソースでの実装を検討したものの、結果として実施しないと判断した（評価対象外）
        # 独自サービス: custom_services: [{ id: A-101, category: A, name: { ja: …, en: … } }] を加え、services にも書く
        """,
        """
        # X.1060 assessment (ISOG-J textbook of the security response organization (SOC/CSIRT), v3.1)
        # Evaluate: yagura assess report --input THIS-FILE    Format: docs/assessment.md
        #
        # level (recommendation level, Table 9): not-required | basic (must do) | standard | advanced | optional
        # reason (why not required, 5.2.1; needed for not-required): no-risk | cannot now for lack of: budget
        #                            | people | skills. Details in note
        # assignment (Table 10): insource | outsource | hybrid | unassigned
        # owner: the team inside that answers for it (insource, hybrid)  vendor: the outside provider (outsource, hybrid)
        # as_is / to_be (8.3): 1-5, or excluded with its grounds in exclusion: "..."
        #   insource:  5 the documented operation is approved by an empowered head such as the CISO
        #              4 the operation is documented and someone else can take over from the person in charge
        #              3 not documented; someone else can stand in for part of the work for a while
        #              2 not documented; only the person in charge can do the work
        #              1 not done
        #              excluded: insourcing was considered and the decision was not to do it (not evaluated)
        #   outsource: 5 the service and its results are understood and as expected
        #              4 the service and its results are understood but below expectations
        #              3 either the service or its results are not understood
        #              2 neither the service nor its results are understood
        #              1 results and reports are not checked
        #              excluded: outsourcing was considered and the decision was not to do it (not evaluated)
        # Own services: add custom_services: [{ id: A-101, category: A, name: { ja: ..., en: ... } }] and list them in services
        """);

    public static string Write(ServiceCatalogue catalogue, Language language, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var text = new StringBuilder(Header[language]).Append('\n');
        void Line(string line) => text.Append(line).Append('\n');
        Line($"organization: \"\"   # {(language == Language.Ja ? "組織名" : "organisation name")}");
        Line($"date: {date:yyyy-MM-dd}");
        Line($"language: {Vocabulary.Name(language)}");
        Line($"tenant: null   # {(language == Language.Ja ? "基盤の数値（report --data）を見るテナント。null ならすべてのテナント" : "the tenant whose platform figures report --data shows; null for every tenant")}");
        Line($"pattern: {{ current: null, target: null }}   # {Vocabulary.Names<OrganisationPattern>()} (6.3)");
        Line("services:");
        foreach (var category in catalogue.Categories)
        {
            Line($"  # {category.Id}. {category.Name[language]}");
            foreach (var service in category.Services)
            {
                Line($"  - id: {service.Id}   # {service.Name[language]}");
                foreach (var key in (string[])["level", "reason", "assignment", "owner", "vendor", "as_is", "to_be"])
                {
                    Line($"    {key}: null");
                }
            }
        }

        return text.ToString();
    }
}

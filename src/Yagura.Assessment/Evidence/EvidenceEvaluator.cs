using System.Globalization;

using Yagura.Assessment.Assessments;

namespace Yagura.Assessment.Evidence;

/// <summary>
/// Puts the platform's own figures next to the self-assessed scores of the services Yagura performs, with a suggested
/// score and its reason (docs/assessment.md, "Evidence from the platform"). The suggestion is advice: the human's score
/// is never changed. The platform sees whether a service runs, not whether it is documented or approved, so no
/// suggestion is above 3 (section 8.3: 4 and 5 are about documents and approval).
/// </summary>
public static class EvidenceEvaluator
{
    /// <summary>The highest score figures can support: 3 is "runs"; 4 and 5 need documents the platform does not see.</summary>
    public const int HighestSuggestion = 3;

    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private static readonly Dictionary<string, LocalizedText> Labels = new(StringComparer.Ordinal)
    {
        ["rules_loaded"] = new("読み込んだルール", "rules loaded"),
        ["rules_active"] = new("有効なルール", "rules active"),
        ["rules_inactive"] = new("ログソース未定義のルール", "rules without a log source"),
        ["rule_errors"] = new("エラーのルール", "rule errors"),
        ["alerts_30d"] = new("アラート（30 日）", "alerts (30 days)"),
        ["urgent_alerts_30d"] = new("緊急・重大アラート（30 日）", "critical and emergency alerts (30 days)"),
        ["hosts_24h"] = new("送信元ホスト（24 時間）", "sending hosts (24 hours)"),
        ["hosts_30d"] = new("送信元ホスト（30 日）", "sending hosts (30 days)"),
        ["formats_30d"] = new("ログ形式（30 日）", "log formats (30 days)"),
        ["events_24h"] = new("受信イベント（24 時間）", "events received (24 hours)"),
        ["events_30d"] = new("受信イベント（30 日）", "events received (30 days)"),
        ["events_stored"] = new("保管イベント", "events stored"),
        ["oldest_event"] = new("最古のイベント", "oldest event"),
        ["newest_event"] = new("最新のイベント", "newest event"),
        ["stored_since"] = new("保管開始日（受信日）", "kept since (day of receipt)"),
        ["retention_days"] = new("保管期間の設定（日、最短）", "retention configured (days, shortest)"),
        ["over_retention"] = new("保管期間を超えて保管しているテナント", "tenants keeping events past their retention"),
        ["unconfigured_tenants"] = new("保管期間の設定がないテナント", "tenants without a retention setting"),
    };

    private static readonly LocalizedText NoIncidents = new(
        "データなし: インシデント管理は本バージョンの Yagura にはありません", "no data: incident handling is not in this version of Yagura");

    /// <summary>The services Yagura performs or will, with what it can show about each.</summary>
    private static readonly (string Id, Func<PlatformFacts, Finding> Figures)[] Services =
    [
        ("B-1", Monitoring),
        ("B-2", Storage),
        ("B-3", Notification),
        ("D-1", _ => NoData(NoIncidents)),
        ("D-2", _ => NoData(NoIncidents)),
        ("D-6", _ => NoData(new("データなし: インシデント通知は本バージョンの Yagura にはありません", "no data: incident notification is not in this version of Yagura"))),
        ("D-7", _ => NoData(new("データなし: インシデント対応報告は本バージョンの Yagura にはありません", "no data: incident reports are not in this version of Yagura"))),
        ("E-2", _ => NoData(new("データなし: 資産台帳は本バージョンの Yagura にはありません", "no data: the asset inventory is not in this version of Yagura"))),
        ("F-1", _ => NoData(new("データなし: 事後分析（レビュー）の記録は本バージョンの Yagura にはありません", "no data: post-incident reviews are not in this version of Yagura"))),
    ];

    /// <summary>The ids of the services the evidence covers, in catalogue order.</summary>
    public static IReadOnlyList<string> ServiceIds { get; } = [.. Services.Select(s => s.Id)];

    /// <summary>The label of a figure (a key of <see cref="ServiceEvidence.Figures"/>) in <paramref name="language"/>.</summary>
    public static string Label(string figure, Language language) => Labels.TryGetValue(figure, out var label) ? label[language] : figure;

    public static PlatformEvidence Evaluate(AssessmentFile file, PlatformFacts facts, Language language)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(facts);
        var services = new Dictionary<string, ServiceEvidence>(StringComparer.Ordinal);
        foreach (var (id, figuresOf) in Services)
        {
            var service = file.Catalogue.Find(id)!;
            var asIs = file.Services.GetValueOrDefault(id)?.AsIs;
            var f = figuresOf(facts);
            services[id] = new ServiceEvidence(
                service.Name[language],
                f.HasData,
                f.Values,
                asIs,
                f.Suggested,
                f.Reason[language],
                f.Suggested is { } suggested && suggested < HighestSuggestion && asIs?.Points > suggested);
        }

        return new PlatformEvidence(facts.AsOf, facts.Tenant, services);
    }

    /// <summary>
    /// B-1: 1 when no rule is active or no event arrived in 30 days (nothing is monitored); 2 when events stopped in
    /// the last 24 hours or no alert was raised in 30 days (monitoring is not continuous, or the rules do not fit the
    /// sources); 3 when rules are active, sources sent events in the last 24 hours and alerts were raised.
    /// </summary>
    private static Finding Monitoring(PlatformFacts facts)
    {
        var rules = facts.Rules;
        var values = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["rules_loaded"] = rules?.Compiled,
            ["rules_active"] = rules?.Active,
            ["rules_inactive"] = rules?.Inactive,
            ["rule_errors"] = rules?.Errors,
            ["alerts_30d"] = facts.Alerts30Days,
            ["hosts_24h"] = Hosts(facts.Sources24Hours),
            ["hosts_30d"] = Hosts(facts.Sources30Days),
            ["formats_30d"] = facts.Sources30Days.Where(s => s.Format is not null).Select(s => s.Format).Distinct(StringComparer.Ordinal).Count(),
            ["events_24h"] = facts.Sources24Hours.Sum(s => s.Events),
            ["events_30d"] = facts.Sources30Days.Sum(s => s.Events),
        };
        var active = rules?.Active ?? 0;
        var hosts = Hosts(facts.Sources24Hours);
        var (score, reason) = (active, facts.Sources30Days.Count, facts.Sources24Hours.Count, facts.Alerts30Days) switch
        {
            (0, _, _, _) => (1, new LocalizedText(
                "有効な検知ルールがなく、何も監視していません（実施できていない）",
                "no detection rule is active, so nothing is monitored (not done)")),
            (_, 0, _, _) => (1, new LocalizedText(
                $"有効なルールは {active} 件ありますが、30 日間イベントを受信していません（実施できていない）",
                $"{active} rules are active but no event was received in 30 days (not done)")),
            (_, _, 0, _) => (2, new LocalizedText(
                "30 日以内にはイベントを受信していますが、直近 24 時間は受信がありません: 監視が継続していません",
                "events were received in the last 30 days but none in the last 24 hours: monitoring is not continuous")),
            (_, _, _, 0) => (2, new LocalizedText(
                $"有効なルール {active} 件と送信元 {hosts} ホスト（24 時間）がありますが、30 日間アラートがありません: ルールが送信元に合っているか確認してください",
                $"{active} rules are active and {hosts} hosts sent events in the last 24 hours, but no alert was raised in 30 days: check that the rules fit the sources")),
            _ => (HighestSuggestion, new LocalizedText(
                $"有効なルール {active} 件、送信元 {hosts} ホスト（24 時間）、アラート {facts.Alerts30Days} 件（30 日）: サービスは動いています。4・5 は明文化と承認の評価で、基盤からは見えません",
                $"{active} rules active, {hosts} hosts sending in the last 24 hours, {facts.Alerts30Days} alerts in 30 days: the service runs; 4 and 5 rate documents and approval, which the platform does not see")),
        };
        return new Finding(true, values, score, reason);
    }

    /// <summary>
    /// B-2: 1 when no event is stored; 2 when a tenant with events has no retention configured, keeps events past its
    /// retention (it is not enforced), or nothing was received in the last 24 hours; 3 otherwise.
    /// </summary>
    private static Finding Storage(PlatformFacts facts)
    {
        var stored = facts.Storage.Where(s => s.Events > 0).ToList();
        var retention = facts.Storage.Where(s => s.RetentionDays is not null).Select(s => s.RetentionDays!.Value).DefaultIfEmpty().Min();

        // Retention drops a day of receipt once all of it is older than the cutoff, checked every hour: a day of slack.
        var over = stored.Where(s => s.RetentionDays is { } days && s.FirstDay < DateOnly.FromDateTime((facts.AsOf - TimeSpan.FromDays(days) - Day).UtcDateTime)).Select(s => s.Tenant).ToList();
        var unconfigured = stored.Where(s => s.RetentionDays is null).Select(s => s.Tenant).ToList();
        var events = stored.Sum(s => s.Events);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["events_stored"] = events,
            ["oldest_event"] = stored.Count > 0 ? Time(stored.Min(s => s.OldestEvent!.Value)) : null,
            ["newest_event"] = stored.Count > 0 ? Time(stored.Max(s => s.NewestEvent!.Value)) : null,
            ["stored_since"] = stored.Count > 0 ? stored.Min(s => s.FirstDay!.Value).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
            ["retention_days"] = retention == 0 ? null : retention,
            ["over_retention"] = over,
            ["unconfigured_tenants"] = unconfigured,
            ["events_24h"] = facts.Sources24Hours.Sum(s => s.Events),
        };
        var (score, reason) = events switch
        {
            0 => (1, new LocalizedText("保管しているイベントがありません（実施できていない）", "no event is stored (not done)")),
            _ when unconfigured.Count > 0 => (2, new LocalizedText(
                $"保管期間が設定されていないテナントのイベントがあります: {string.Join(", ", unconfigured)}",
                $"events are kept for tenants with no retention configured: {string.Join(", ", unconfigured)}")),
            _ when over.Count > 0 => (2, new LocalizedText(
                $"保管期間を超えたイベントが残っています（保管期間が守られていません）: {string.Join(", ", over)}",
                $"events older than the retention are still kept (retention is not enforced): {string.Join(", ", over)}")),
            _ when facts.Sources24Hours.Count == 0 => (2, new LocalizedText(
                "直近 24 時間に保管したイベントがありません: 保管が継続していません",
                "nothing was stored in the last 24 hours: storage is not continuous")),
            _ => (HighestSuggestion, new LocalizedText(
                $"{events} 件を保管し、保管期間（最短 {retention} 日）が守られ、直近 24 時間も保管しています: サービスは動いています。4・5 は明文化と承認の評価で、基盤からは見えません",
                $"{events} events kept, retention (shortest {retention} days) enforced, events stored in the last 24 hours: the service runs; 4 and 5 rate documents and approval, which the platform does not see")),
        };
        return new Finding(true, values, score, reason);
    }

    /// <summary>B-3: Yagura raises alerts but sends no notice yet; the figure is what would have called for one.</summary>
    private static Finding Notification(PlatformFacts facts) => new(
        false,
        new Dictionary<string, object?>(StringComparer.Ordinal) { ["urgent_alerts_30d"] = facts.UrgentAlerts30Days },
        null,
        new(
            $"データなし: 通知の送信は本バージョンの Yagura にはありません（30 日間に通知が必要な緊急・重大アラートは {facts.UrgentAlerts30Days} 件）",
            $"no data: sending notices is not in this version of Yagura ({facts.UrgentAlerts30Days} critical or emergency alerts in 30 days called for one)"));

    private static Finding NoData(LocalizedText reason) => new(false, new Dictionary<string, object?>(StringComparer.Ordinal), null, reason);

    private static int Hosts(IReadOnlyList<SourceFacts> sources) =>
        sources.Where(s => s.Host is not null).Select(s => (s.Tenant, s.Host!.ToUpperInvariant())).Distinct().Count();

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed record Finding(bool HasData, IReadOnlyDictionary<string, object?> Values, int? Suggested, LocalizedText Reason);
}

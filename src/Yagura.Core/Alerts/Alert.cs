using System.Security.Cryptography;
using System.Text;

namespace Yagura.Core.Alerts;

/// <summary>What produced an alert.</summary>
public enum AlertKind
{
    /// <summary>A Sigma detection rule matched one event.</summary>
    Rule = 0,

    /// <summary>A Sigma correlation rule's condition was met by a group of events.</summary>
    Correlation = 1,

    /// <summary>An event carried a known indicator of compromise.</summary>
    Ioc = 2,
}

/// <summary>
/// A detection: which rule fired, how serious it is, and which stored events it rests on. Immutable once built; an
/// alert that grows with suppressed repeats is built again with the same id (see <see cref="IAlertStore.AddAsync"/>).
/// </summary>
/// <param name="Id">Deterministic (<see cref="DeriveId"/>): a replay of the spool after a crash produces the same id, so it is stored once.</param>
/// <param name="TenantId">The tenant whose events matched.</param>
/// <param name="Kind">A single-event rule, a correlation, or an IOC match.</param>
/// <param name="RuleId">The Sigma rule's <c>id</c> (its name or file when it has none).</param>
/// <param name="Title">The rule's title.</param>
/// <param name="Level">The Sigma level as the rule wrote it (informational, low, medium, high, critical), or null.</param>
/// <param name="Severity">Yagura's triage level (<see cref="SeverityPolicy"/>).</param>
/// <param name="Tags">The rule's tags (ATT&amp;CK techniques and tactics such as <c>attack.t1110</c>).</param>
/// <param name="EventIds">The ids of the matching stored events, in the order they were detected; capped (at 1,000 in
/// detection), so fewer ids than <paramref name="Count"/> means the list is full.</param>
/// <param name="GroupKey">What tells the alert's repeats apart, as <c>field=value</c> pairs, comma-separated: the
/// suppression fields of a rule alert (<c>host.name=web1</c>), the value an IOC matched, the values a correlation
/// grouped by; null when there are none.</param>
/// <param name="FirstSeen">The <c>@timestamp</c> of the earliest matching event.</param>
/// <param name="LastSeen">The <c>@timestamp</c> of the latest matching event.</param>
/// <param name="Count">How many events the alert rests on, the repeats suppressed into it included.</param>
public sealed record Alert(
    string Id,
    string TenantId,
    AlertKind Kind,
    string RuleId,
    string Title,
    string? Level,
    Severity Severity,
    IReadOnlyList<string> Tags,
    IReadOnlyList<long> EventIds,
    string? GroupKey,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    int Count)
{
    /// <summary>
    /// The id of the alert of <paramref name="ruleId"/> for <paramref name="tenantId"/> whose first event is
    /// <paramref name="firstEventId"/>: 32 hex digits of a SHA-256 over the three, so it is the same after a replay.
    /// </summary>
    public static string DeriveId(string tenantId, string ruleId, long firstEventId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(ruleId);

        // A separator no tenant id contains keeps ("a", "bc") and ("ab", "c") apart.
        var text = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{tenantId}\n{ruleId}\n{firstEventId}");
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}

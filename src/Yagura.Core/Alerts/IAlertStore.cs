using Yagura.Core.Tenancy;

namespace Yagura.Core.Alerts;

/// <summary>Where alerts are kept (the case store). Implementations: SQLite (embedded default), PostgreSQL (later).</summary>
public interface IAlertStore : IAsyncDisposable
{
    /// <summary>
    /// Stores new alerts and brings stored ones up to date. By <see cref="Alert.Id"/>: an alert already stored is
    /// updated (<see cref="Alert.Count"/>, <see cref="Alert.EventIds"/>, <see cref="Alert.LastSeen"/>, and an earlier
    /// <see cref="Alert.FirstSeen"/>) only when the one given has a higher count, or the same count and a later last
    /// seen; otherwise it is left as it is. A suppressed alert grows this way, and detection replayed after a crash
    /// stores nothing twice and never shrinks an alert. The other fields are kept from the first time the alert was
    /// stored. Returns how many were new.
    /// </summary>
    Task<int> AddAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken = default);

    /// <summary>
    /// Alerts of the scope, newest <see cref="Alert.LastSeen"/> first, at most <paramref name="limit"/>.
    /// <paramref name="from"/> is inclusive and <paramref name="until"/> exclusive, both on <see cref="Alert.LastSeen"/>;
    /// <paramref name="minSeverity"/> keeps alerts of that severity or higher.
    /// </summary>
    Task<IReadOnlyList<Alert>> ListAsync(
        TenantScope scope, DateTimeOffset? from, DateTimeOffset? until, int limit, Severity? minSeverity, CancellationToken cancellationToken = default);
}

using Yagura.Core.Tenancy;

namespace Yagura.Core.Alerts;

/// <summary>Where alerts are kept (the case store). Implementations: SQLite (embedded default), PostgreSQL (later).</summary>
public interface IAlertStore : IAsyncDisposable
{
    /// <summary>
    /// Stores alerts. Idempotent by <see cref="Alert.Id"/>: an alert already stored is left as it is, so detection
    /// replayed after a crash adds nothing twice. Returns how many were new.
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

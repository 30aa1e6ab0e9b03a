using Yagura.Assessment.Evidence;
using Yagura.Core.Alerts;
using Yagura.Core.Tenancy;
using Yagura.Detection.Sigma;
using Yagura.Storage.Sqlite;
using Yagura.Storage.Sqlite.Cases;
using Yagura.Storage.Sqlite.Tenancy;

namespace Yagura.Cli.Commands;

/// <summary>
/// Reads the figures of <c>yagura assess report --data</c> from a data directory: tenants and their retention
/// (<c>yagura.db</c>), stored events and their sources (<c>events/</c>), alerts (<c>cases.db</c>), each scoped to the
/// assessment's tenant; and the rules serve would load. Only reads: a store that is not there counts as empty and is
/// not created.
/// </summary>
internal static class PlatformFactsReader
{
    public static async Task<PlatformFacts> ReadAsync(string root, string? tenant, RuleFacts? rules, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var scope = tenant is null ? TenantScope.AllTenants : TenantScope.Only(tenant);
        IReadOnlyList<Tenant> tenants = [];
        if (File.Exists(Path.Combine(root, "yagura.db")))
        {
            tenants = [.. (await SqliteTenantDirectory.Open(root, time).ListTenantsAsync(cancellationToken)).Where(t => scope.Includes(t.Id))];
        }

        IReadOnlyList<TenantEventSummary> stored = [];
        IReadOnlyList<EventSourceActivity> month = [], day = [];
        if (Directory.Exists(Path.Combine(root, "events")))
        {
            await using var events = SqliteEventStore.Open(root, SqliteEventStoreOptions.Default, time);
            stored = await events.SummarizeAsync(scope, cancellationToken);
            month = await events.SourcesAsync(scope, now - TimeSpan.FromDays(30), cancellationToken);
            day = await events.SourcesAsync(scope, now - TimeSpan.FromDays(1), cancellationToken);
        }

        long alerts = 0, urgent = 0;
        if (File.Exists(Path.Combine(root, "cases.db")))
        {
            await using var store = SqliteAlertStore.Open(root);
            alerts = await store.CountAsync(scope, now - TimeSpan.FromDays(30), null, null, cancellationToken);
            urgent = await store.CountAsync(scope, now - TimeSpan.FromDays(30), null, Severity.Critical, cancellationToken);
        }

        static SourceFacts Source(EventSourceActivity s) => new(s.TenantId, s.HostName, s.LogFormat, s.Events, s.LastReceived);
        var retention = tenants.ToDictionary(t => t.Id, t => t.RetentionDays, StringComparer.Ordinal);
        var summaries = stored.ToDictionary(s => s.TenantId, StringComparer.Ordinal);
        return new PlatformFacts(now, tenant)
        {
            Rules = rules,
            Alerts30Days = alerts,
            UrgentAlerts30Days = urgent,
            Sources30Days = [.. month.Select(Source)],
            Sources24Hours = [.. day.Select(Source)],
            Storage =
            [
                .. retention.Keys.Union(summaries.Keys).Order(StringComparer.Ordinal).Select(id => summaries.GetValueOrDefault(id) is { } s
                    ? new TenantStorageFacts(id, retention.TryGetValue(id, out var days) ? days : null, s.Events, s.OldestEvent, s.NewestEvent, s.FirstDay)
                    : new TenantStorageFacts(id, retention[id], 0, null, null, null)),
            ],
        };
    }

    /// <summary>Whether the data directory knows the tenant: configured in <c>yagura.db</c>, or holding its events.</summary>
    public static bool Knows(PlatformFacts facts, string tenant) => facts.Storage.Any(s => s.Tenant == tenant);

    /// <summary>
    /// The rules as serve loads them (paths that do not exist are skipped, as serve does), counted for the tenant
    /// (or every tenant): rules the tuning file disables for it, or for every tenant, are not active.
    /// </summary>
    public static RuleFacts Rules(IReadOnlyList<string> rulePaths, IReadOnlyList<string> pipelinePaths, string? tuningPath, string? tenant)
    {
        static IEnumerable<string> Existing(IEnumerable<string> paths) => paths.Where(p => File.Exists(p) || Directory.Exists(p));
        var tuning = tuningPath is not null && File.Exists(tuningPath) ? SigmaTuning.Load(tuningPath) : null;
        var set = SigmaRuleSet.Load(Existing(rulePaths), SigmaPipeline.Load(Existing(pipelinePaths)), tuning);
        var disabled = (tuning?.Disabled ?? new Dictionary<string, IReadOnlyList<string>>())
            .Where(d => d.Key == SigmaTuning.AllTenants || d.Key == tenant)
            .SelectMany(d => d.Value)
            .ToHashSet(StringComparer.Ordinal);
        var active = set.Rules.Count(r => !disabled.Contains(r.Id) && (r.Name is null || !disabled.Contains(r.Name)));
        return new RuleFacts(set.Compiled, active, set.Inactive.Count, set.Errors.Count + set.Pipeline.Errors.Count + (tuning?.Errors.Count ?? 0));
    }
}

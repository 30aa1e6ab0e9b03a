using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Yagura.Core.Alerts;
using Yagura.Core.Storage;
using Yagura.Core.Tenancy;
using Yagura.Ingest.Pipeline;
using Yagura.Ingest.Spool;
using Yagura.Storage.Sqlite;
using Yagura.Storage.Sqlite.Cases;
using Yagura.Storage.Sqlite.Tenancy;

namespace Yagura.Cli.Server;

/// <summary>
/// The spool, the stores and the pipeline between them, on one data directory: the part shared by
/// <c>yagura serve</c> and the offline <c>yagura ingest</c>.
/// </summary>
public sealed class IngestEngine : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, TimeZoneInfo?> _zones = new(StringComparer.Ordinal);
    private readonly Task _pipelineTask;

    private IngestEngine(DataDirectory data, SqliteTenantDirectory tenants, SqliteEventStore store, SqliteAlertStore alerts, MessageSpool spool, TimeProvider time, ILogger logger, IStoredBatchObserver? observer)
    {
        Data = data;
        Tenants = tenants;
        Store = store;
        Alerts = alerts;
        Spool = spool;
        Pipeline = new EventPipeline(spool, store, TenantZone, logger, time, observer: observer);
        _pipelineTask = Task.Run(() => Pipeline.RunAsync(_stop.Token));
    }

    public DataDirectory Data { get; }

    public SqliteTenantDirectory Tenants { get; }

    public SqliteEventStore Store { get; }

    /// <summary>The case store's alerts (<c>DATA/cases.db</c>).</summary>
    public SqliteAlertStore Alerts { get; }

    public MessageSpool Spool { get; }

    public EventPipeline Pipeline { get; }

    /// <summary>Opens the stores and the spool and starts the pipeline; <paramref name="observe"/> adds a stage after each stored batch (detection).</summary>
    public static async Task<IngestEngine> StartAsync(DataDirectory data, SqliteEventStoreOptions storeOptions, TimeProvider time, ILogger logger, CancellationToken cancellationToken, Func<IAlertStore, IStoredBatchObserver>? observe = null)
    {
        var tenants = SqliteTenantDirectory.Open(data.Root, time);
        await tenants.EnsureDefaultTenantAsync(cancellationToken);
        var store = SqliteEventStore.Open(data.Root, storeOptions, time);
        var alerts = SqliteAlertStore.Open(data.Root);
        var spool = MessageSpool.Open(new SpoolOptions { Directory = data.SpoolDirectory }, time);
        return new IngestEngine(data, tenants, store, alerts, spool, time, logger, observe?.Invoke(alerts));
    }

    /// <summary>Waits until everything appended to the spool so far is stored.</summary>
    public Task DrainAsync(CancellationToken cancellationToken) => Pipeline.WaitForAsync(Spool.AppendedPosition, cancellationToken);

    private TimeZoneInfo? TenantZone(string tenantId) => _zones.GetOrAdd(tenantId, id =>
    {
        // Called from the pipeline: the tenant list is small and cached; an unknown zone means UTC.
        var tenant = Tenants.GetTenantAsync(id).GetAwaiter().GetResult();
        return tenant is not null && TimeZoneInfo.TryFindSystemTimeZoneById(tenant.TimeZone, out var zone) ? zone : null;
    });

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pipelineTask;
        await Spool.DisposeAsync();
        await Store.DisposeAsync();
        await Alerts.DisposeAsync();
        _stop.Dispose();
    }
}

/// <summary>The event store settings ingest uses unless configured otherwise.</summary>
public static class IngestStoreDefaults
{
    /// <summary>One shard: measured faster end to end on two cores, where parsing needs the other one (docs/benchmarks.md).</summary>
    public static SqliteEventStoreOptions Options { get; } = SqliteEventStoreOptions.Default with { Shards = 1 };
}

using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yagura.Cli.Configuration;
using Yagura.Core.Alerts;
using Yagura.Core.Storage;
using Yagura.Core.Tenancy;
using Yagura.Ingest.Routing;
using Yagura.Ingest.Syslog;
using Yagura.Web;
using Yagura.Web.Api;

namespace Yagura.Cli.Server;

/// <summary><c>yagura serve</c>: the listeners, the API, the pipeline and retention, in one process.</summary>
public sealed class YaguraServer : IAsyncDisposable
{
    private readonly IngestEngine _engine;
    private readonly WebApplication _web;
    private readonly List<IAsyncDisposable> _listeners;
    private readonly ServerState _state;
    private readonly CancellationTokenSource _retentionStop = new();
    private Task _retention = Task.CompletedTask;
    private bool _stopped;

    private YaguraServer(IngestEngine engine, DetectionStage detection, WebApplication web, List<IAsyncDisposable> listeners, ServerState state, IngestCounters counters)
    {
        _engine = engine;
        Detection = detection;
        _web = web;
        _listeners = listeners;
        _state = state;
        Counters = counters;
    }

    public IngestEngine Engine => _engine;

    public IngestCounters Counters { get; }

    /// <summary>The rules in force and the alerts they raise.</summary>
    public DetectionStage Detection { get; }

    public IPEndPoint HttpEndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    public int SyslogUdpPort { get; private set; }

    public int SyslogTcpPort { get; private set; }

    public int SyslogTlsPort { get; private set; }

    public static async Task<YaguraServer> StartAsync(ServeSettings settings, ILoggerFactory loggers, TimeProvider time, CancellationToken cancellationToken)
    {
        settings.Validate();
        var certificate = settings.SyslogTlsPort > 0 || settings.HttpTls ? LoadCertificate(settings) : null;
        var data = DataDirectory.OpenExclusive(settings.DataDirectory, "serve");
        var logger = loggers.CreateLogger("yagura");
        IngestEngine engine;
        DetectionStage? detection = null;
        try
        {
            // Rules load before the pipeline starts, so that a backlog replayed from the spool is detected too.
            engine = await IngestEngine.StartAsync(data, settings.StoreOptions, time, logger, cancellationToken, alerts =>
                detection = DetectionStage.Start(settings.RulePaths, settings.PipelinePaths, alerts, time, loggers.CreateLogger(DetectionLog.Category), settings.Ioc, settings.Tuning));
        }
        catch
        {
            detection?.Dispose();
            data.Dispose();
            throw;
        }

        var limits = new ApiLimits(settings.MaxBodyBytes, settings.MaxMessageBytes);
        // Empty: Yagura has its own settings, and the default builder would load appsettings.json from the working
        // directory and watch that directory tree for changes, which holds ./data: every spool and store write woke
        // the file watcher (~10 % of the CPU during ingest).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(loggers);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(settings.HttpEndPoint, listen =>
            {
                if (settings.HttpTls)
                {
                    listen.UseHttps(certificate!);
                }
            });
            // The ingest endpoint enforces its own limit (also after gzip); this only stops runaway bodies early.
            kestrel.Limits.MaxRequestBodySize = settings.MaxBodyBytes + (1024 * 1024);
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddYaguraApi(limits)
            .AddSingleton(time)
            .AddSingleton<ITenantDirectory>(engine.Tenants)
            .AddSingleton<IEventStore>(engine.Store)
            .AddSingleton<IAlertStore>(engine.Alerts)
            .AddSingleton(engine.Spool);
        var web = builder.Build();
        web.MapYaguraApi();
        var state = web.Services.GetRequiredService<ServerState>();

        var counters = new IngestCounters();
        var listeners = new List<IAsyncDisposable>();
        var router = new TenantRouter(settings.Sources);
        try
        {
            await web.StartAsync(cancellationToken);
            var address = settings.SyslogAddress;
            int udp = 0, tcp = 0, tls = 0;
            if (settings.SyslogUdpPort > 0)
            {
                var listener = new SyslogUdpListener(new IPEndPoint(address, settings.SyslogUdpPort), new SyslogListenerSettings(settings.ListenerTenant("udp"), settings.MaxMessageBytes), engine.Spool, router, counters, time, logger);
                listeners.Add(listener);
                listener.Start();
                udp = listener.LocalEndPoint.Port;
            }

            if (settings.SyslogTcpPort > 0)
            {
                var listener = new SyslogTcpListener(new IPEndPoint(address, settings.SyslogTcpPort), new SyslogListenerSettings(settings.ListenerTenant("tcp"), settings.MaxMessageBytes), engine.Spool, router, counters, time, logger);
                listeners.Add(listener);
                listener.Start();
                tcp = listener.LocalEndPoint.Port;
            }

            if (settings.SyslogTlsPort > 0)
            {
                var listener = new SyslogTcpListener(new IPEndPoint(address, settings.SyslogTlsPort), new SyslogListenerSettings(settings.ListenerTenant("tls"), settings.MaxMessageBytes, certificate), engine.Spool, router, counters, time, logger);
                listeners.Add(listener);
                listener.Start();
                tls = listener.LocalEndPoint.Port;
            }

            var server = new YaguraServer(engine, detection!, web, listeners, state, counters)
            {
                HttpEndPoint = ActualHttpEndPoint(web, settings.HttpEndPoint),
                SyslogUdpPort = udp,
                SyslogTcpPort = tcp,
                SyslogTlsPort = tls,
            };
            server._retention = RetentionLoopAsync(engine, settings.RetentionInterval, time, logger, server._retentionStop.Token);
            state.Problem = () => engine.Spool.Fault?.Message;
            state.Figures = () => new Dictionary<string, long>
            {
                ["received"] = counters.Received,
                ["truncated"] = counters.Truncated,
                ["framing_errors"] = counters.FramingErrors,
                ["stored"] = engine.Pipeline.Processed,
                ["parse_errors"] = engine.Pipeline.ParseErrors,
                ["alerts"] = detection!.AlertsStored,
                ["rule_reloads"] = detection.Reloads,
                ["backlog_bytes"] = Math.Max(0, engine.Spool.DurablePosition - engine.Pipeline.ProcessedPosition),
            };
            state.MarkReady();
            return server;
        }
        catch
        {
            foreach (var listener in listeners)
            {
                await listener.DisposeAsync();
            }

            await web.DisposeAsync();
            await engine.DisposeAsync();
            detection?.Dispose();
            data.Dispose();
            throw;
        }
    }

    private static IPEndPoint ActualHttpEndPoint(WebApplication web, IPEndPoint configured)
    {
        var address = web.Urls.FirstOrDefault();
        if (address is not null && Uri.TryCreate(address.Replace("[::]", "[::1]", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return new IPEndPoint(configured.Address, uri.Port);
        }

        return configured;
    }

    private static X509Certificate2 LoadCertificate(ServeSettings settings)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(settings.TlsCertFile!, settings.TlsKeyFile);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
        {
            throw new SettingsException($"cannot load the TLS certificate {settings.TlsCertFile} with key {settings.TlsKeyFile}: {ex.Message}");
        }
    }

    /// <summary>Drops partitions past each tenant's retention, now and then every interval.</summary>
    private static async Task RetentionLoopAsync(IngestEngine engine, TimeSpan interval, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                foreach (var tenant in await engine.Tenants.ListTenantsAsync(cancellationToken))
                {
                    var cutoff = time.GetUtcNow() - TimeSpan.FromDays(tenant.RetentionDays);
                    var dropped = await engine.Store.DropBeforeAsync(tenant.Id, cutoff, cancellationToken);
                    if (dropped.PartitionsDropped > 0)
                    {
                        ServerLog.RetentionDropped(logger, tenant.Id, dropped.PartitionsDropped, dropped.EventsDropped, tenant.RetentionDays);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or System.Data.Common.DbException)
            {
                ServerLog.RetentionFailed(logger, ex);
            }
        }
        while (await WaitAsync(timer, cancellationToken));

        static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
        {
            try
            {
                return await timer.WaitForNextTickAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Stops accepting (listeners, then the API), waits until every accepted message is stored, then closes the stores.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        _state.MarkStopping();
        foreach (var listener in _listeners)
        {
            await listener.DisposeAsync();
        }

        await _web.StopAsync(cancellationToken);
        await _retentionStop.CancelAsync();
        await _retention;
        await _engine.DrainAsync(cancellationToken);
        await _web.DisposeAsync();
        await _engine.DisposeAsync();
        Detection.Dispose();
        _engine.Data.Dispose();
        _retentionStop.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}

internal static partial class ServerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "retention: tenant {Tenant} dropped {Partitions} partitions ({Events} events) older than {Days} days")]
    public static partial void RetentionDropped(ILogger logger, string tenant, int partitions, long events, int days);

    [LoggerMessage(Level = LogLevel.Error, Message = "retention run failed")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);
}

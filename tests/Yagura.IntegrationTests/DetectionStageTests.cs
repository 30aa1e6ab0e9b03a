using Microsoft.Extensions.Logging.Abstractions;
using Yagura.Cli.Server;
using Yagura.Core.Alerts;
using Yagura.Core.Events;
using Yagura.Core.Tenancy;
using Yagura.Testing;

namespace Yagura.IntegrationTests;

/// <summary>The serve-side detection stage in process: reloads that succeed, and reloads that must not.</summary>
public sealed class DetectionStageTests
{
    private static string Rule(string marker, string title = "Marker") => $"""
        title: {title}
        id: stage-rule
        level: medium
        logsource: {"{"} product: linux {"}"}
        detection:
            selection:
                message|contains: {marker}
            condition: selection
        """;

    private static EventRecord Event(long id, string message) => new()
    {
        Id = id,
        TenantId = Tenant.DefaultId,
        Timestamp = DateTimeOffset.UnixEpoch.AddDays(id),
        Received = DateTimeOffset.UnixEpoch.AddDays(id),
        Original = message,
        Message = message,
        Fields = new Dictionary<string, object?> { ["log.syslog.appname"] = "sshd", ["log.format"] = "rfc3164" },
    };

    private sealed class ListStore : IAlertStore
    {
        public List<Alert> Alerts { get; } = [];

        public Task<int> AddAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken = default)
        {
            var added = 0;
            foreach (var alert in alerts)
            {
                var stored = Alerts.FindIndex(a => a.Id == alert.Id);
                if (stored < 0)
                {
                    Alerts.Add(alert);
                    added++;
                }
                else if (alert.Count > Alerts[stored].Count)
                {
                    Alerts[stored] = alert;
                }
            }

            return Task.FromResult(added);
        }

        public Task<IReadOnlyList<Alert>> ListAsync(TenantScope scope, DateTimeOffset? from, DateTimeOffset? until, int limit, Severity? minSeverity, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<Alert>>(Alerts);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public void Reload_BrokenRuleFile_KeepsThePreviousRules_ThenAFixedFileTakesEffect()
    {
        using var dir = new TempDirectory("yagura-stage");
        var file = dir.File("rule.yml");
        File.WriteAllText(file, Rule("alpha"));
        var store = new ListStore();
        using var stage = DetectionStage.Start([dir.Path], [RepositoryPaths.Content("pipelines")], store, TimeProvider.System, NullLogger.Instance);

        stage.OnStored([Event(1, "alpha one"), Event(2, "beta one")], CancellationToken.None);
        Assert.Equal([1L], store.Alerts.Select(a => a.EventIds[0]));

        File.WriteAllText(file, "title: broken\ndetection: [unclosed\n");
        stage.Reload();
        stage.OnStored([Event(3, "alpha two")], CancellationToken.None);
        Assert.Equal([1L, 3L], store.Alerts.Select(a => a.EventIds[0]));
        Assert.Equal(0, stage.Reloads);

        File.WriteAllText(file, Rule("beta", "Beta"));
        stage.Reload();
        stage.OnStored([Event(4, "alpha three"), Event(5, "beta two")], CancellationToken.None);
        Assert.Equal([1L, 3L, 5L], store.Alerts.Select(a => a.EventIds[0]));
        Assert.Equal("Beta", store.Alerts[^1].Title);
        Assert.Equal(Severity.Warning, store.Alerts[^1].Severity);
        Assert.Equal(1, stage.Reloads);
        Assert.Equal(3, stage.AlertsStored);
    }

    [Fact]
    public async Task TuningFile_IsAppliedAndWatched_AndABrokenEditIsRefused()
    {
        using var dir = new TempDirectory("yagura-stage");
        Directory.CreateDirectory(dir.File("rules"));
        File.WriteAllText(dir.File("rules/rule.yml"), Rule("alpha"));
        var tuning = dir.File("tuning.yml");
        File.WriteAllText(tuning, "tenants:\n  default: { severity: { stage-rule: emergency } }\n");
        var store = new ListStore();
        using var stage = DetectionStage.Start([dir.File("rules")], [RepositoryPaths.Content("pipelines")], store, TimeProvider.System, NullLogger.Instance, tuningPath: tuning);

        stage.OnStored([Event(1, "alpha one")], CancellationToken.None);
        Assert.Equal(Severity.Emergency, store.Alerts[^1].Severity);
        Assert.EndsWith("; tuning from " + tuning, stage.Summary, StringComparison.Ordinal);

        // Saved while serving: the watcher reloads it.
        File.WriteAllText(tuning, "tenants:\n  default: { severity: { stage-rule: information } }\n");
        await Eventually.UntilAsync(() => stage.Reloads > 0, "the tuning file to be reloaded");
        stage.OnStored([Event(2, "alpha two")], CancellationToken.None);
        Assert.Equal(Severity.Information, store.Alerts[^1].Severity);

        // A bad severity, or an IOC list that is not loaded, is an error: the tuning in force stays.
        foreach (var broken in (string[])["{ stage-rule: severe }", "{ stage-rule: warning, \"ioc:nope\": critical }"])
        {
            File.WriteAllText(tuning, $"tenants:\n  default: {{ severity: {broken} }}\n");
            stage.Reload();
            stage.OnStored([Event(store.Alerts.Count + 1, "alpha again")], CancellationToken.None);
            Assert.Equal(Severity.Information, store.Alerts[^1].Severity);
        }

        Assert.Equal([1L, 2L, 3L, 4L], store.Alerts.Select(a => a.EventIds[0]));
    }

    [Fact]
    public void Start_MissingRuleDirectory_RunsWithoutRules()
    {
        var store = new ListStore();
        using var stage = DetectionStage.Start(["/nonexistent/yagura-rules"], [RepositoryPaths.Content("pipelines")], store, TimeProvider.System, NullLogger.Instance);

        stage.OnStored([Event(1, "anything")], CancellationToken.None);

        Assert.Empty(store.Alerts);
        Assert.StartsWith("0 rules", stage.Summary, StringComparison.Ordinal);
    }
}

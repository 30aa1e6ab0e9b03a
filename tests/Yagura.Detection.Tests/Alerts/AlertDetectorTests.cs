using Yagura.Core.Alerts;
using Yagura.Core.Events;
using Yagura.Detection.Alerts;
using Yagura.Detection.Sigma;
using Yagura.Testing;

namespace Yagura.Detection.Tests.Alerts;

/// <summary>From stored events to alerts: rule alerts, correlation alerts, suppression, severity and ids.</summary>
public sealed class AlertDetectorTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    internal const string FailedLogin = """
        title: SSH password failure
        id: 11111111-1111-4111-8111-111111111111
        name: ssh_failed
        level: low
        logsource: { product: linux }
        detection:
            selection:
                message|contains: 'Failed password'
            condition: selection
        """;

    internal const string Sudo = """
        title: Sudo to root
        id: 22222222-2222-4222-8222-222222222222
        level: low
        tags: [attack.privilege_escalation, attack.t1548.003]
        logsource: { product: linux }
        detection:
            selection:
                message|contains: 'sudo'
            condition: selection
        """;

    internal const string ManyFailures = """
        title: Many SSH password failures for one user
        id: 33333333-3333-4333-8333-333333333333
        level: high
        correlation:
            type: event_count
            rules: [ssh_failed]
            group-by: [user.name]
            timespan: 10m
            condition: { gte: 3 }
        """;

    private AlertDetector Load(params string[] rules)
    {
        for (var i = 0; i < rules.Length; i++)
        {
            File.WriteAllText(_dir.File($"rule{i}.yml"), rules[i]);
        }

        var set = SigmaRuleSet.Load([_dir.Path], SigmaPipeline.Load([RepositoryPaths.Content("pipelines")]));
        Assert.Empty(set.Errors);
        return new AlertDetector(set);
    }

    private static EventRecord Syslog(long id, int minute, string user, string message, string tenant = "acme") => new()
    {
        Id = id,
        TenantId = tenant,
        Timestamp = T0.AddMinutes(minute),
        Received = T0.AddMinutes(minute),
        Original = message,
        Message = message,
        Fields = new Dictionary<string, object?>
        {
            ["log.syslog.appname"] = "sshd",
            ["log.format"] = "rfc5424",
            ["user.name"] = user,
        },
    };

    [Fact]
    public void Detect_RuleMatch_GivesOneRuleAlertWithSeverityTagsAndDeterministicId()
    {
        var detector = Load(Sudo);
        var alerts = new List<Alert>();

        detector.Detect([Syslog(7, 0, "alice", "alice : sudo -i"), Syslog(8, 1, "bob", "session opened")], alerts);

        var alert = Assert.Single(alerts);
        Assert.Equal(Alert.DeriveId("acme", "22222222-2222-4222-8222-222222222222", 7), alert.Id);
        Assert.Equal(AlertKind.Rule, alert.Kind);
        Assert.Equal("Sudo to root", alert.Title);
        Assert.Equal("low", alert.Level);
        Assert.Equal(Severity.Information, alert.Severity);
        Assert.Equal(["attack.privilege_escalation", "attack.t1548.003"], alert.Tags);
        Assert.Equal([7L], alert.EventIds);
        Assert.Equal(T0, alert.FirstSeen);
        Assert.Equal(T0, alert.LastSeen);
        Assert.Equal(1, alert.Count);
        Assert.Null(alert.GroupKey);
    }

    [Fact]
    public void Detect_CorrelationWithGenerateFalse_GivesTheCorrelationAlertOnly()
    {
        var detector = Load(FailedLogin, ManyFailures);
        var alerts = new List<Alert>();

        detector.Detect(
        [
            Syslog(1, 0, "alice", "Failed password for alice"),
            Syslog(2, 1, "bob", "Failed password for bob"),
            Syslog(3, 2, "alice", "Failed password for alice"),
        ], alerts);
        Assert.Empty(alerts);
        detector.Detect([Syslog(4, 3, "alice", "Failed password for alice")], alerts);

        var alert = Assert.Single(alerts);
        Assert.Equal(AlertKind.Correlation, alert.Kind);
        Assert.Equal("33333333-3333-4333-8333-333333333333", alert.RuleId);
        Assert.Equal(Alert.DeriveId("acme", alert.RuleId, 1), alert.Id);
        Assert.Equal(Severity.Critical, alert.Severity);
        Assert.Equal([1L, 3L, 4L], alert.EventIds);
        Assert.Equal("user.name=alice", alert.GroupKey);
        Assert.Equal(T0, alert.FirstSeen);
        Assert.Equal(T0.AddMinutes(3), alert.LastSeen);
        Assert.Equal(3, alert.Count);
    }

    [Fact]
    public void Detect_SameEventsTwice_GivesTheSameIds()
    {
        var events = new[] { Syslog(5, 0, "alice", "sudo -i"), Syslog(6, 1, "alice", "sudo -s") };
        var first = new List<Alert>();
        var second = new List<Alert>();

        var rules = Load(Sudo).Rules;

        // A replay after a crash: a fresh detector over the same stored events.
        new AlertDetector(rules).Detect(events, first);
        new AlertDetector(rules).Detect(events, second);

        Assert.Equal(first.Select(a => a.Id), second.Select(a => a.Id));
        Assert.Equal(2, first.Select(a => a.Id).Distinct().Count());
    }
}

using Yagura.Core.Alerts;
using Yagura.Core.Events;
using Yagura.Detection.Alerts;
using Yagura.Detection.Ioc;
using Yagura.Detection.Sigma;
using Yagura.Detection.Tests.Sigma;
using Yagura.Testing;

namespace Yagura.Detection.Tests.Alerts;

/// <summary>Repeated alerts of one rule and group key within the window become one alert with a count.</summary>
public sealed class SuppressionTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private const string SudoId = "22222222-2222-4222-8222-222222222222";

    private const string Sudo = AlertDetectorTests.Sudo;

    private const string FailedLogins = AlertDetectorTests.FailedLogin + "\n---\n" + AlertDetectorTests.ManyFailures;

    private const string RarOnWindows = FilterTests.RarRule;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private AlertDetector Detector(string rules, string? tuning = null, SuppressionOptions? options = null, IocMatcher? iocs = null)
    {
        Directory.CreateDirectory(_dir.File("rules"));
        File.WriteAllText(_dir.File("rules/rules.yml"), rules);
        SigmaTuning? loaded = null;
        if (tuning is not null)
        {
            File.WriteAllText(_dir.File("tuning.yml"), tuning);
            loaded = SigmaTuning.Load(_dir.File("tuning.yml"));
        }

        var set = SigmaRuleSet.Load([_dir.File("rules")], SigmaPipeline.Load([RepositoryPaths.Content("pipelines")]), loaded);
        Assert.Empty(set.Errors);
        return new AlertDetector(set, iocs, options);
    }

    private static EventRecord Syslog(long id, TimeSpan at, string? host = "web1", string message = "alice : sudo -i", string tenant = "acme", string user = "alice", TimeSpan? receivedAt = null)
    {
        var fields = new Dictionary<string, object?> { ["log.syslog.appname"] = "sshd", ["log.format"] = "rfc5424", ["user.name"] = user };
        if (host is not null)
        {
            fields["host.name"] = host;
        }

        return new EventRecord
        {
            Id = id,
            TenantId = tenant,
            Timestamp = T0 + at,
            Received = T0 + (receivedAt ?? at),
            Original = message,
            Message = message,
            Fields = fields,
        };
    }

    /// <summary>A Sysmon process creation in the evtx JSON form: the host is only in <c>Event.System.Computer</c>.</summary>
    private static EventRecord Rar(long id, int minute, string user, string computer = "WS1") => new()
    {
        Id = id,
        TenantId = "acme",
        Timestamp = T0.AddMinutes(minute),
        Received = T0.AddMinutes(minute),
        Original = "",
        Fields = new Dictionary<string, object?>
        {
            ["Event.System.Channel"] = "Microsoft-Windows-Sysmon/Operational",
            ["Event.System.EventID"] = 1L,
            ["Event.System.Computer"] = computer,
            ["Event.EventData.Image"] = @"C:\Program Files\WinRAR\rar.exe",
            ["Event.EventData.User"] = user,
        },
    };

    private static List<Alert> Detect(AlertDetector detector, params EventRecord[] events)
    {
        var alerts = new List<Alert>();
        detector.Detect(events, alerts);
        return alerts;
    }

    private static TimeSpan Min(double minutes) => TimeSpan.FromMinutes(minutes);

    [Fact]
    public void Repeats_OnOneHostWithinTheDefaultWindow_AreOneAlertWithTheirCount_AndThenANewOne()
    {
        var detector = Detector(Sudo);

        var alerts = Detect(
            detector,
            Syslog(1, Min(0)),
            Syslog(2, Min(4)),
            Syslog(3, Min(10)),
            Syslog(4, Min(10) + TimeSpan.FromSeconds(1)));

        Assert.Collection(
            alerts,
            a =>
            {
                Assert.Equal(Alert.DeriveId("acme", SudoId, 1), a.Id);
                Assert.Equal(3, a.Count);
                Assert.Equal([1L, 2, 3], a.EventIds);
                Assert.Equal((T0, T0 + Min(10)), (a.FirstSeen, a.LastSeen));
                Assert.Equal("host.name=web1", a.GroupKey);
            },
            a =>
            {
                Assert.Equal(Alert.DeriveId("acme", SudoId, 4), a.Id);
                Assert.Equal((1, "host.name=web1"), (a.Count, a.GroupKey));
            });
    }

    [Fact]
    public void DistinctHostsAndTenants_StayApart_AndEventsWithoutAHost_StandAlone()
    {
        var detector = Detector(Sudo);

        var alerts = Detect(
            detector,
            Syslog(1, Min(0), "web1"),
            Syslog(2, Min(1), "web2"),
            Syslog(3, Min(2), "web1", tenant: "beta"),
            Syslog(4, Min(3), host: null),
            Syslog(5, Min(4), host: null),
            Syslog(6, Min(5), "web2"));

        Assert.Equal(
            [("acme", "host.name=web1", 1), ("acme", "host.name=web2", 2), ("beta", "host.name=web1", 1), ("acme", null, 1), ("acme", null, 1)],
            alerts.Select(a => (a.TenantId, a.GroupKey, a.Count)));
        Assert.Equal([2L, 6], alerts[1].EventIds);
    }

    [Fact]
    public void GroupBy_SigmaFieldNames_AreReadThroughTheRulesPipeline()
    {
        var detector = Detector(RarOnWindows, """
            tenants:
              "*": { suppress: { window: 1h, by: [User] } }
            """);
        var alerts = Detect(detector, Rar(1, 0, @"CORP\alice"), Rar(2, 20, @"CORP\bob", "WS2"), Rar(3, 40, @"CORP\alice", "WS3"));

        Assert.Equal([(@"User=CORP\alice", 2), (@"User=CORP\bob", 1)], alerts.Select(a => (a.GroupKey, a.Count)));
    }

    [Fact]
    public void DefaultGroupBy_FindsTheHostOfWindowsEventsInTheirOwnField()
    {
        var detector = Detector(RarOnWindows);

        var alerts = Detect(detector, Rar(1, 0, "alice", "WS1"), Rar(2, 1, "bob", "WS2"), Rar(3, 2, "carol", "WS1"));

        Assert.Equal([("host.name=WS1", 2), ("host.name=WS2", 1)], alerts.Select(a => (a.GroupKey, a.Count)));
    }

    [Fact]
    public void GrowingAlert_IsGivenOncePerBatchInItsLatestState_UntilItStopsGrowing()
    {
        var detector = Detector(Sudo);

        var first = Detect(detector, Syslog(1, Min(0)), Syslog(2, Min(1)), Syslog(3, Min(2), "web2"));
        var second = Detect(detector, Syslog(4, Min(3)));
        var third = Detect(detector, Syslog(5, Min(4), "web2"));

        Assert.Equal([(1L, 2), (3L, 1)], first.Select(a => (a.EventIds[0], a.Count)));
        var grown = Assert.Single(second);
        Assert.Equal((first[0].Id, 3), (grown.Id, grown.Count));
        Assert.Equal([1L, 2, 4], grown.EventIds);
        Assert.Equal((first[1].Id, 2), (Assert.Single(third).Id, third[0].Count));
    }

    [Fact]
    public void EventIds_StopAtTheCap_AndTheCountStaysExact()
    {
        var detector = Detector(Sudo, options: new SuppressionOptions { MaxEventIdsPerAlert = 3 });

        var alert = Assert.Single(Detect(detector, [.. Enumerable.Range(1, 5).Select(i => Syslog(i, Min(i)))]));

        Assert.Equal(5, alert.Count);
        Assert.Equal([1L, 2, 3], alert.EventIds);
        Assert.Equal(T0 + Min(5), alert.LastSeen);
    }

    [Fact]
    public void WindowOff_MakesEveryMatchAnAlertOfItsOwn_WithoutAGroupKey()
    {
        var detector = Detector(Sudo, """
            tenants:
              "*": { suppress: { window: 1h } }
              acme: { suppress: { rules: { 22222222-2222-4222-8222-222222222222: { window: off } } } }
            """);

        var alerts = Detect(detector, Syslog(1, Min(0)), Syslog(2, Min(1)), Syslog(3, Min(0), tenant: "beta"), Syslog(4, Min(50), tenant: "beta"));

        Assert.Equal([("acme", 1, (string?)null), ("acme", 1, null), ("beta", 2, "host.name=web1")], alerts.Select(a => (a.TenantId, a.Count, a.GroupKey)));
    }

    [Fact]
    public void SeverityOverride_FromTheTuningFile_IsTheAlertsSeverity()
    {
        var detector = Detector(Sudo, """
            tenants:
              "*": { severity: { 22222222-2222-4222-8222-222222222222: warning } }
              acme: { severity: { 22222222-2222-4222-8222-222222222222: emergency } }
            """);

        var alerts = Detect(detector, Syslog(1, Min(0)), Syslog(2, Min(0), tenant: "beta"));

        Assert.Equal([Severity.Emergency, Severity.Warning], alerts.Select(a => a.Severity));
    }

    [Fact]
    public void IocHits_OfOneFieldAndValue_AreOneAlert_OtherValuesStayApart()
    {
        File.WriteAllText(_dir.File("bad_hosts.txt"), "203.0.113.77\n203.0.113.78\n");
        var detector = Detector(Sudo, iocs: new IocMatcher([IocList.Load(_dir.File("bad_hosts.txt"))]));
        static EventRecord Connection(long id, int minute, string ip) => new()
        {
            Id = id,
            TenantId = "acme",
            Timestamp = T0.AddMinutes(minute),
            Received = T0.AddMinutes(minute),
            Original = "",
            Fields = new Dictionary<string, object?> { ["source.ip"] = ip },
        };

        var alerts = Detect(detector, Connection(1, 0, "203.0.113.77"), Connection(2, 1, "203.0.113.78"), Connection(3, 2, "203.0.113.77"));

        Assert.Equal([("source.ip=203.0.113.77", 2), ("source.ip=203.0.113.78", 1)], alerts.Select(a => (a.GroupKey, a.Count)));
        Assert.Equal([1L, 3], alerts[0].EventIds);
        Assert.Equal("ioc:bad_hosts", alerts[0].RuleId);
    }

    [Fact]
    public void CorrelationAlerts_OfOneGroupWithinTheWindow_AreOneAlert_WhoseCountAddsUp()
    {
        var failures = Enumerable.Range(1, 6).Select(i => Syslog(i, Min(i), message: "Failed password for alice")).ToArray();

        var suppressed = Detect(Detector(FailedLogins), failures);
        var apart = Detect(Detector(FailedLogins, "tenants:\n  \"*\": { suppress: { window: off } }\n"), failures);

        // The correlation fires at the third failure and again at the sixth.
        Assert.Equal([3, 3], apart.Select(a => a.Count));
        var alert = Assert.Single(suppressed);
        Assert.Equal((AlertKind.Correlation, "user.name=alice", 6), (alert.Kind, alert.GroupKey, alert.Count));
        Assert.Equal([1L, 2, 3, 4, 5, 6], alert.EventIds);
        Assert.Equal(apart[0].Id, alert.Id);
    }

    [Fact]
    public void Replay_OfTheSameEventsInOtherBatches_EndsWithTheSameAlerts()
    {
        var events = Enumerable.Range(1, 40).Select(i => Syslog(i, Min(i * 1.5), host: $"web{i % 3}")).ToArray();

        static Dictionary<string, Alert> Store(IEnumerable<Alert> alerts)
        {
            // As the alert store keeps them: the largest count wins.
            var stored = new Dictionary<string, Alert>();
            foreach (var alert in alerts)
            {
                if (!stored.TryGetValue(alert.Id, out var kept) || alert.Count > kept.Count)
                {
                    stored[alert.Id] = alert;
                }
            }

            return stored;
        }

        var whole = Store(Detect(Detector(Sudo), events));
        var replayDetector = Detector(Sudo);
        var inBatches = Store(events.Chunk(7).SelectMany(batch => Detect(replayDetector, batch)));

        Assert.Equal(whole.Keys.Order(), inBatches.Keys.Order());
        Assert.All(whole, p => Assert.Equal((p.Value.Count, p.Value.LastSeen), (inBatches[p.Key].Count, inBatches[p.Key].LastSeen)));
        Assert.Equal(40, whole.Values.Sum(a => a.Count));
        Assert.True(whole.Count < 40);
    }

    [Fact]
    public void OpenWindows_AreDropped_OnceNothingJoinedThemForLongerThanTheWindow_ByReceiveTime()
    {
        var detector = Detector(Sudo);

        Detect(detector, Syslog(1, Min(0), "web1"));
        Detect(detector, Syslog(2, Min(5), "web2"));
        Assert.Equal(2, detector.OpenSuppressionWindows);

        // web3's clock is an hour behind; what counts for dropping windows is when Yagura received the events.
        Detect(detector, Syslog(3, Min(-49), "web3", receivedAt: Min(11)));

        Assert.Equal(2, detector.OpenSuppressionWindows);
        var alerts = Detect(detector, Syslog(4, Min(-48), "web3", receivedAt: Min(12)), Syslog(5, Min(12), "web2"));
        Assert.Equal([(3L, 2), (2L, 2)], alerts.Select(a => (a.EventIds[0], a.Count)));
    }

    [Fact]
    public void AtTheCap_TheLeastRecentlyJoinedWindowIsClosed_AndCounted()
    {
        var detector = Detector(Sudo, options: new SuppressionOptions { MaxOpenWindows = 2 });

        Detect(detector, Syslog(1, Min(0), "web1"), Syslog(2, Min(1), "web2"), Syslog(3, Min(2), "web1"));
        Detect(detector, Syslog(4, Min(3), "web3"));
        Assert.Equal(1, detector.SuppressionEvictions);

        // web2's window was closed (least recently joined); web1's was kept.
        var alerts = Detect(detector, Syslog(5, Min(4), "web1"), Syslog(6, Min(5), "web2"));

        Assert.Equal([(1L, 3), (6L, 1)], alerts.Select(a => (a.EventIds[0], a.Count)));
        Assert.Equal(2, detector.SuppressionEvictions);
        Assert.Equal(2, detector.OpenSuppressionWindows);
    }
}

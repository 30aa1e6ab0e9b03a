using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Yagura.Testing;

namespace Yagura.IntegrationTests;

/// <summary><c>yagura serve --rules DIR</c> as a real process: syslog in over TCP, alerts out of the API, rules reloaded on change.</summary>
public sealed class DetectionServeTests
{
    private const string RuleId = "0b8a7c3e-1111-4222-8333-444455556666";

    private static string Rule(string title, string marker) => $"""
        title: {title}
        id: {RuleId}
        status: test
        level: high
        tags:
          - attack.initial_access
          - attack.t1078
        logsource:
          product: linux
        detection:
          selection:
            message|contains: {marker}
          condition: selection
        """;

    private static Task SendAsync(int port, string text) => SendInOrderAsync(port, [("host1", DateTimeOffset.UtcNow, text)]);

    /// <summary>Sends lines over one connection, so they are stored in the order given; each says its host and time.</summary>
    private static async Task SendInOrderAsync(int port, IEnumerable<(string Host, DateTimeOffset At, string Text)> lines)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var text = string.Concat(lines.Select(l => $"<38>1 {l.At.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ} {l.Host} sshd 4242 - - {l.Text}\n"));
        await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(text));
    }

    private static async Task<JsonElement> GetAsync(HttpClient http, string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }

    /// <summary>A data directory with an admin token of tenant default, and an empty rules directory.</summary>
    private static async Task<(string Data, string Rules, string Admin)> PrepareAsync(TempDirectory dir)
    {
        var data = dir.File("data");
        var rules = dir.File("rules");
        Directory.CreateDirectory(rules);
        var admin = (await YaguraBinary.RunAsync(["token", "create", "--data", data, "--tenant", "default", "--role", "admin"])).Stdout.Trim();
        return (data, rules, admin);
    }

    private static async Task<List<JsonElement>> AlertsAsync(HttpClient http, string token) =>
        [.. (await GetAsync(http, token, "/api/v1/alerts?limit=1000")).GetProperty("alerts").EnumerateArray()];

    [Fact]
    public async Task Serve_RuleMatchesSyslogMessage_StoresAlert_AndReloadsChangedRule()
    {
        using var dir = new TempDirectory("yagura-detect");
        var (data, rules, admin) = await PrepareAsync(dir);
        var markerA = $"yaguraalerta{Guid.NewGuid():N}";
        var markerB = $"yaguraalertb{Guid.NewGuid():N}";
        var ruleFile = Path.Combine(rules, "test_rule.yml");
        await File.WriteAllTextAsync(ruleFile, Rule("Test marker seen", markerA));
        var tenant = await YaguraBinary.RunAsync(["tenant", "create", "--data", data, "--id", "acme", "--name", "ACME", "--lang", "en", "--tz", "UTC"]);
        Assert.True(tenant.ExitCode == 0, ProcessRunner.Describe(tenant));
        var acme = (await YaguraBinary.RunAsync(["token", "create", "--data", data, "--tenant", "acme", "--role", "analyst"])).Stdout.Trim();
        var tcpPort = FreePorts.Next();

        using var serve = await YaguraBinary.ServeAsync(data, FreePorts.Next(), tcpPort, "--rules", rules);
        await SendAsync(tcpPort, $"Accepted password for alice {markerA}");
        await SendAsync(tcpPort, "Accepted password for bob, nothing to see");
        await Eventually.UntilAsync(async () => (await AlertsAsync(serve.Http, admin)).Count > 0, "the alert");
        await serve.WaitIdleAsync(admin);

        var alert = Assert.Single(await AlertsAsync(serve.Http, admin));
        var events = (await GetAsync(serve.Http, admin, $"/api/v1/events/search?q={markerA}")).GetProperty("events").EnumerateArray().ToList();
        var stored = Assert.Single(events);
        Assert.Equal(RuleId, alert.GetProperty("rule_id").GetString());
        Assert.Equal("Test marker seen", alert.GetProperty("title").GetString());
        Assert.Equal("high", alert.GetProperty("level").GetString());
        Assert.Equal("critical", alert.GetProperty("severity").GetString());
        Assert.Equal("rule", alert.GetProperty("kind").GetString());
        Assert.Equal("default", alert.GetProperty("tenant_id").GetString());
        Assert.Equal(["attack.initial_access", "attack.t1078"], alert.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal([stored.GetProperty("event.id").GetInt64()], alert.GetProperty("event_ids").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(1, alert.GetProperty("count").GetInt32());
        Assert.Equal(stored.GetProperty("@timestamp").GetString(), alert.GetProperty("first_seen").GetString());
        Assert.Empty(await AlertsAsync(serve.Http, acme));

        // Change the rule on disk: the running server picks it up without a restart.
        await File.WriteAllTextAsync(ruleFile, Rule("Changed marker seen", markerB));
        await Eventually.UntilAsync(async () =>
        {
            await SendAsync(tcpPort, $"Accepted password for carol {markerB} {Guid.NewGuid():N}");
            await Task.Delay(200);
            return (await AlertsAsync(serve.Http, admin)).Any(a => a.GetProperty("title").GetString() == "Changed marker seen");
        }, "the changed rule to fire");
        await SendAsync(tcpPort, $"Accepted password for alice again {markerA}");
        await serve.WaitIdleAsync(admin);

        var after = await AlertsAsync(serve.Http, admin);
        Assert.Single(after, a => a.GetProperty("title").GetString() == "Test marker seen");
        Assert.All(after, a => Assert.Equal(RuleId, a.GetProperty("rule_id").GetString()));
        string output;
        lock (serve.Output)
        {
            output = serve.Output.ToString();
        }

        Assert.Contains("1 rules and 0 correlations in force", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_IocListHit_IsAnAlertLikeAnyOther()
    {
        using var dir = new TempDirectory("yagura-ioc");
        var (data, rules, admin) = await PrepareAsync(dir);
        var list = dir.File("bad_hosts.txt");
        await File.WriteAllTextAsync(list, "# from a partner CERT\n203.0.113.77 ; C2 server\nevil[.]example.com\n");
        var tcpPort = FreePorts.Next();

        using var serve = await YaguraBinary.ServeAsync(data, FreePorts.Next(), tcpPort, "--rules", rules, "--ioc", list);
        await SendAsync(tcpPort, "action=allow src=198.51.100.4 dst=10.0.0.1 dport=443");
        await SendAsync(tcpPort, "action=allow src=203.0.113.77 dst=10.0.0.1 dport=443");
        await Eventually.UntilAsync(async () => (await AlertsAsync(serve.Http, admin)).Count > 0, "the IOC alert");
        await serve.WaitIdleAsync(admin);

        var alert = Assert.Single(await AlertsAsync(serve.Http, admin));
        var stored = Assert.Single((await GetAsync(serve.Http, admin, "/api/v1/events/search?q=source.ip:203.0.113.77")).GetProperty("events").EnumerateArray());
        Assert.Equal("ioc", alert.GetProperty("kind").GetString());
        Assert.Equal("ioc:bad_hosts", alert.GetProperty("rule_id").GetString());
        Assert.Equal("critical", alert.GetProperty("severity").GetString());
        Assert.Contains("203.0.113.77", alert.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal("source.ip=203.0.113.77", alert.GetProperty("group_key").GetString());
        Assert.Equal([stored.GetProperty("event.id").GetInt64()], alert.GetProperty("event_ids").EnumerateArray().Select(e => e.GetInt64()));
    }

    [Fact]
    public async Task Serve_RepeatsWithinTheWindow_AreOneAlertWithTheirCount_WithTheTuningFilesSeverity()
    {
        using var dir = new TempDirectory("yagura-suppress");
        var (data, rules, admin) = await PrepareAsync(dir);
        var marker = $"yaguraflood{Guid.NewGuid():N}";
        await File.WriteAllTextAsync(Path.Combine(rules, "flood.yml"), Rule("Flood marker seen", marker));
        var tuning = dir.File("tuning.yml");
        await File.WriteAllTextAsync(tuning, $$"""
            tenants:
              "*":
                severity: { {{RuleId}}: warning }
                suppress: { window: 10m }
              default:
                severity: { {{RuleId}}: emergency }
            """);
        var tcpPort = FreePorts.Next();
        var t0 = new DateTimeOffset(DateTimeOffset.UtcNow.AddHours(-2).Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);

        using var serve = await YaguraBinary.ServeAsync(data, FreePorts.Next(), tcpPort, "--rules", rules, "--tuning", tuning);
        await SendInOrderAsync(tcpPort,
        [
            .. Enumerable.Range(0, 5).Select(i => ("host1", t0.AddMinutes(i * 2.5), $"sudo attempt {i} {marker}")),
            ("host2", t0.AddMinutes(1), $"sudo attempt on another host {marker}"),
            ("host1", t0.AddMinutes(10).AddSeconds(1), $"sudo attempt after the window {marker}"),
        ]);
        await Eventually.UntilAsync(async () => (await AlertsAsync(serve.Http, admin)).Sum(a => a.GetProperty("count").GetInt32()) == 7, "alerts counting all seven events");
        await serve.WaitIdleAsync(admin);

        var alerts = (await AlertsAsync(serve.Http, admin)).OrderBy(a => a.GetProperty("first_seen").GetString(), StringComparer.Ordinal).ToList();
        var events = (await GetAsync(serve.Http, admin, $"/api/v1/events/search?q={marker}&limit=100")).GetProperty("events").EnumerateArray()
            .Select(e => (Id: e.GetProperty("event.id").GetInt64(), Host: e.GetProperty("host.name").GetString(), At: DateTimeOffset.Parse(e.GetProperty("@timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        Assert.Equal(7, events.Count);
        Assert.Equal(
            [("host.name=host1", 5), ("host.name=host2", 1), ("host.name=host1", 1)],
            alerts.Select(a => (a.GetProperty("group_key").GetString(), a.GetProperty("count").GetInt32())));
        var flood = alerts[0];
        Assert.Equal(
            events.Where(e => e.Host == "host1" && e.At <= t0.AddMinutes(10)).Select(e => e.Id).Order(),
            flood.GetProperty("event_ids").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(t0, DateTimeOffset.Parse(flood.GetProperty("first_seen").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(t0.AddMinutes(10), DateTimeOffset.Parse(flood.GetProperty("last_seen").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(alerts, a => Assert.Equal(("high", "emergency"), (a.GetProperty("level").GetString(), a.GetProperty("severity").GetString())));
    }
}

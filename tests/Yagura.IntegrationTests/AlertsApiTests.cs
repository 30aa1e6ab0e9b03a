using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Yagura.Core.Alerts;
using Yagura.Core.Tenancy;
using Yagura.Storage.Sqlite.Cases;
using Yagura.Testing;

namespace Yagura.IntegrationTests;

/// <summary><c>GET /api/v1/alerts</c> over a real socket and <c>yagura alerts</c> as a child process.</summary>
[Collection(ServerGroup.Name)]
public sealed class AlertsApiTests(ServerFixture fixture)
{
    private static Alert Make(string tenant, string rule, long firstEvent, DateTimeOffset lastSeen, Severity severity) =>
        new(Alert.DeriveId(tenant, rule, firstEvent), tenant, AlertKind.Rule, rule, $"{rule} fired", "high", severity,
            ["attack.t1110"], [firstEvent], null, lastSeen, lastSeen, 1);

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string token, string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/alerts" + query);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await fixture.Http.SendAsync(request);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, doc.RootElement.Clone());
    }

    [Fact]
    public async Task Alerts_EachTenantsTokenSeesOnlyItsOwnAlerts()
    {
        var rule = $"isolation-{Guid.NewGuid():N}";
        var at = new DateTimeOffset(2026, 11, 3, 4, 5, 6, TimeSpan.Zero);
        await fixture.Server.Engine.Alerts.AddAsync(
        [
            Make("acme", rule, 1, at, Severity.Critical),
            Make(Tenant.DefaultId, rule, 1, at.AddMinutes(1), Severity.Warning),
        ]);

        var (acmeStatus, acme) = await GetAsync(fixture.AcmeAnalystToken, "?limit=10000");
        var (defaultStatus, @default) = await GetAsync(fixture.DefaultAnalystToken, "?limit=10000");
        var (otherStatus, other) = await GetAsync(fixture.AcmeAnalystToken, "?tenant=default");

        Assert.Equal(HttpStatusCode.OK, acmeStatus);
        Assert.Equal(HttpStatusCode.OK, defaultStatus);
        Assert.All(acme.GetProperty("alerts").EnumerateArray(), a => Assert.Equal("acme", a.GetProperty("tenant_id").GetString()));
        Assert.All(@default.GetProperty("alerts").EnumerateArray(), a => Assert.Equal("default", a.GetProperty("tenant_id").GetString()));
        var mine = Assert.Single(acme.GetProperty("alerts").EnumerateArray(), a => a.GetProperty("rule_id").GetString() == rule);
        Assert.Single(@default.GetProperty("alerts").EnumerateArray(), a => a.GetProperty("rule_id").GetString() == rule);
        Assert.Equal(Alert.DeriveId("acme", rule, 1), mine.GetProperty("id").GetString());
        Assert.Equal("critical", mine.GetProperty("severity").GetString());
        Assert.Equal("high", mine.GetProperty("level").GetString());
        Assert.Equal("rule", mine.GetProperty("kind").GetString());
        Assert.Equal([1L], mine.GetProperty("event_ids").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(["attack.t1110"], mine.GetProperty("tags").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("2026-11-03T04:05:06Z", mine.GetProperty("last_seen").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, otherStatus);
        Assert.Contains("cannot read tenant 'default'", other.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alerts_FiltersBySeverityAndTime()
    {
        var rule = $"filters-{Guid.NewGuid():N}";
        var at = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
        await fixture.Server.Engine.Alerts.AddAsync(
        [
            Make("acme", rule, 1, at, Severity.Information),
            Make("acme", rule, 2, at.AddHours(1), Severity.Emergency),
        ]);

        var (status, body) = await GetAsync(fixture.AcmeAnalystToken, "?from=2026-10-01T00:00:00Z&to=2026-10-02T00:00:00Z&severity=critical");

        Assert.Equal(HttpStatusCode.OK, status);
        var alert = Assert.Single(body.GetProperty("alerts").EnumerateArray());
        Assert.Equal("emergency", alert.GetProperty("severity").GetString());
        Assert.Equal(1, body.GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("?from=yesterday", "'from' is not a time")]
    [InlineData("?to=2026-13-01", "'to' is not a time")]
    [InlineData("?limit=0", "'limit' must be")]
    [InlineData("?limit=many", "'limit' must be")]
    [InlineData("?severity=urgent", "'severity' must be")]
    public async Task Alerts_BadParameters_Get400WithAMessage(string query, string expected)
    {
        var (status, body) = await GetAsync(fixture.AcmeAnalystToken, query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alerts_IngestTokenOrNoToken_IsRefused()
    {
        var (ingest, _) = await GetAsync(fixture.AcmeIngestToken, "");
        using var anonymous = await fixture.Http.GetAsync(new Uri("/api/v1/alerts", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, ingest);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task AlertsCommand_JsonAndTable_ListTheStoredAlertsNewestFirst()
    {
        using var dir = new TempDirectory("yagura-cli");
        var data = dir.File("data");
        var at = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
        await using (var store = SqliteAlertStore.Open(data))
        {
            await store.AddAsync([Make("acme", "r1", 5, at, Severity.Warning), Make("beta", "r2", 9, at.AddMinutes(5), Severity.Critical)]);
        }

        var json = await YaguraBinary.RunAsync(["alerts", "--data", data, "--json"]);
        var acme = await YaguraBinary.RunAsync(["alerts", "--data", data, "--json", "--tenant", "acme"]);
        var table = await YaguraBinary.RunAsync(["alerts", "--data", data]);
        var bad = await YaguraBinary.RunAsync(["alerts", "--data", data, "--limit", "0"]);

        Assert.True(json.ExitCode == 0, ProcessRunner.Describe(json));
        var lines = json.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["r2", "r1"], lines.Select(l => l.GetProperty("rule_id").GetString()));
        Assert.Equal(["r1"], acme.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("rule_id").GetString()));
        Assert.True(table.ExitCode == 0, ProcessRunner.Describe(table));
        Assert.Contains("r2 fired", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 alerts", table.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--limit", bad.Stderr, StringComparison.Ordinal);
    }
}

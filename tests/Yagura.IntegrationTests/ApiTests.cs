using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Yagura.IntegrationTests;

/// <summary>The HTTP API over a real socket: ingest formats, limits, errors, tokens and tenant isolation.</summary>
[Collection(ServerGroup.Name)]
public sealed class ApiTests(ServerFixture fixture)
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string token, HttpContent content, string path = "/api/v1/ingest")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // As curl does for large bodies: a body the server refuses by its declared length is then never sent. Without
        // it the server's early 413 can close the connection while the client is still writing (a broken pipe).
        request.Headers.ExpectContinue = content.Headers.ContentLength > 64 * 1024;
        using var response = await fixture.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return (response.StatusCode, doc.RootElement.Clone());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/x-ndjson");

    [Fact]
    public async Task Healthz_AllListenersUp_Answers200()
    {
        using var response = await fixture.Http.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Healthz_FiguresOnlyForAdministrators()
    {
        var admin = await fixture.Server.Engine.Tenants.CreateTokenAsync("default", Core.Tenancy.TokenRole.Admin, "health");
        using var anonymous = await fixture.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var privileged = await fixture.Http.SendAsync(request);

        using var anonymousBody = JsonDocument.Parse(await anonymous.Content.ReadAsStringAsync());
        using var privilegedBody = JsonDocument.Parse(await privileged.Content.ReadAsStringAsync());
        Assert.False(anonymousBody.RootElement.TryGetProperty("stored", out _));
        Assert.True(privilegedBody.RootElement.GetProperty("stored").GetInt64() >= 0);
        Assert.Equal("ok", privilegedBody.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ingest_NdjsonWithABadLine_AcceptsTheRestAndNamesTheBadLine()
    {
        var marker = $"yaguraapi{Guid.NewGuid():N}";
        var body = $$$"""
            {"@timestamp":"2026-11-01T01:02:03Z","message":"first {{{marker}}}","user":{"name":"alice"},"source":{"ip":"192.0.2.10"}}
            {"message": broken

            {"message":"third {{{marker}}}","event":{"code":"4625"}}
            [1,2]
            """;

        var (status, result) = await PostAsync(fixture.DefaultIngestToken, Json(body));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, result.GetProperty("accepted").GetInt32());
        var rejected = result.GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal([2, 5], rejected.Select(r => r.GetProperty("line").GetInt32()));
        Assert.All(rejected, r => Assert.False(string.IsNullOrEmpty(r.GetProperty("error").GetString())));

        await fixture.Server.Engine.DrainAsync(CancellationToken.None);
        var events = await fixture.SearchAsync(fixture.DefaultAnalystToken, marker);
        Assert.Equal(2, events.Count);
        var first = events.Single(e => e.GetProperty("message").GetString()!.StartsWith("first", StringComparison.Ordinal));
        Assert.Equal("alice", first.GetProperty("user.name").GetString());
        Assert.Equal("2026-11-01T01:02:03Z", first.GetProperty("@timestamp").GetString());
        Assert.Equal("default", first.GetProperty("tenant.id").GetString());
    }

    [Fact]
    public async Task Ingest_GzipJsonArray_IsAccepted()
    {
        var marker = $"yaguragzip{Guid.NewGuid():N}";
        var array = "[" + string.Join(",", Enumerable.Range(0, 100).Select(i => $$"""{"message":"event {{i}} {{marker}}","n":{{i}}}""")) + "]";
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(array));
        }

        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");

        var (status, result) = await PostAsync(fixture.DefaultIngestToken, content);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(100, result.GetProperty("accepted").GetInt32());
        await fixture.Server.Engine.DrainAsync(CancellationToken.None);
        Assert.Equal(100, (await fixture.SearchAsync(fixture.DefaultAnalystToken, marker)).Count);
        Assert.Single(await fixture.SearchAsync(fixture.DefaultAnalystToken, $"{marker} n:42"));
    }

    [Fact]
    public async Task Ingest_BodyOverTheLimit_Gets413WithAMessage()
    {
        var big = new string('a', 2 * 1024 * 1024);

        var (status, result) = await PostAsync(fixture.DefaultIngestToken, Json($$"""{"message":"{{big}}"}"""));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("limit", result.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_GzipBombOverTheLimitAfterDecompression_Gets413()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes("{\"message\":\"" + new string('z', 4 * 1024 * 1024) + "\"}"));
        }

        Assert.True(compressed.Length < 1024 * 1024);
        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentEncoding.Add("gzip");

        var (status, _) = await PostAsync(fixture.DefaultIngestToken, content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
    }

    [Fact]
    public async Task Ingest_WithoutToken_Gets401()
    {
        using var response = await fixture.Http.PostAsync(new Uri("/api/v1/ingest", UriKind.Relative), Json("""{"message":"x"}"""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Ingest_WithWrongSecret_Gets401()
    {
        var forged = fixture.DefaultIngestToken[..^4] + "AAAA";

        var (status, _) = await PostAsync(forged, Json("""{"message":"x"}"""));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Search_WithIngestOnlyToken_Gets403()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events/search?q=x");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.DefaultIngestToken);
        using var response = await fixture.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Ingest_TokenOfTenantA_CannotWriteToTenantB()
    {
        var (status, result) = await PostAsync(fixture.AcmeIngestToken, Json("""{"message":"x"}"""), "/api/v1/ingest?tenant=default");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("acme", result.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_TokenOfTenantA_NeverSeesTenantB()
    {
        var marker = $"yaguratenant{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fixture.AcmeIngestToken, Json($$"""{"message":"acme secret {{marker}}"}"""))).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fixture.DefaultIngestToken, Json($$"""{"message":"default data {{marker}}"}"""))).Status);
        await fixture.Server.Engine.DrainAsync(CancellationToken.None);

        var acme = await fixture.SearchAsync(fixture.AcmeAnalystToken, marker);
        var @default = await fixture.SearchAsync(fixture.DefaultAnalystToken, marker);
        var acmeByTenantField = await fixture.SearchAsync(fixture.AcmeAnalystToken, $"tenant.id:default {marker}");

        Assert.Equal("acme", Assert.Single(acme).GetProperty("tenant.id").GetString());
        Assert.Equal("default", Assert.Single(@default).GetProperty("tenant.id").GetString());
        Assert.Empty(acmeByTenantField);
    }

    [Fact]
    public async Task Search_SyntaxError_Gets400WithThePosition()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events/search?q=" + Uri.EscapeDataString("user.name:alice AND (source.ip:1.2.3.4"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.DefaultAnalystToken);
        using var response = await fixture.Http.SendAsync(request);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(doc.RootElement.GetProperty("position").GetInt32() >= 20);
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("error").GetString()));
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=abc")]
    [InlineData("from=yesterday-ish")]
    public async Task Search_InvalidParameter_Gets400(string parameter)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events/search?q=x&" + parameter);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.DefaultAnalystToken);
        using var response = await fixture.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Search_StatsPipe_CountsBySourceIp()
    {
        var marker = $"yagurastats{Guid.NewGuid():N}";
        var lines = string.Join('\n', Enumerable.Range(0, 30).Select(i => $$$"""{"message":"login failed {{{marker}}}","source":{"ip":"192.0.2.{{{i % 3}}}"},"event":{"code":"4625"}}"""));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fixture.DefaultIngestToken, Json(lines))).Status);
        await fixture.Server.Engine.DrainAsync(CancellationToken.None);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events/search?q=" + Uri.EscapeDataString($"{marker} event.code:4625 | stats count() by source.ip | sort source.ip"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.DefaultAnalystToken);
        using var response = await fixture.Http.SendAsync(request);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var rows = doc.RootElement.GetProperty("rows").EnumerateArray().Select(r => (r[0].GetString(), r[1].GetInt64())).ToList();
        Assert.Equal([("192.0.2.0", 10L), ("192.0.2.1", 10L), ("192.0.2.2", 10L)], rows);
    }
}

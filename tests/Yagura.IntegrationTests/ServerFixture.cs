using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Yagura.Cli.Configuration;
using Yagura.Cli.Server;
using Yagura.Core.Tenancy;
using Yagura.Testing;

namespace Yagura.IntegrationTests;

/// <summary>
/// A real <c>yagura serve</c> (in-process, real sockets on loopback) with a TLS listener, two tenants
/// (<c>default</c> and <c>acme</c>) and tokens for each.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new("yagura-it");

    public YaguraServer Server { get; private set; } = null!;

    public string CertFile => _dir.File("cert.pem");

    public string KeyFile => _dir.File("key.pem");

    public string DataDirectory => _dir.File("data");

    public HttpClient Http { get; private set; } = null!;

    public string DefaultAnalystToken { get; private set; } = "";

    public string DefaultIngestToken { get; private set; } = "";

    public string AcmeAnalystToken { get; private set; } = "";

    public string AcmeIngestToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        WriteSelfSignedCertificate(CertFile, KeyFile);
        var settings = new ServeSettings
        {
            DataDirectory = DataDirectory,
            Http = $"127.0.0.1:{FreePorts.Next()}",
            SyslogBind = "127.0.0.1",
            SyslogUdpPort = FreePorts.Next(),
            SyslogTcpPort = FreePorts.Next(),
            SyslogTlsPort = FreePorts.Next(),
            TlsCertFile = CertFile,
            TlsKeyFile = KeyFile,
            MaxBodyBytes = 1024 * 1024,
            MaxMessageBytes = 4096,
        };
        Server = await YaguraServer.StartAsync(settings, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None);
        var tenants = Server.Engine.Tenants;
        await tenants.CreateTenantAsync(new Tenant("acme", "ACME 株式会社", "ja", "Asia/Tokyo", 30, DateTimeOffset.UtcNow));
        DefaultAnalystToken = await tenants.CreateTokenAsync(Tenant.DefaultId, TokenRole.Analyst, "tests");
        DefaultIngestToken = await tenants.CreateTokenAsync(Tenant.DefaultId, TokenRole.Ingest, "tests");
        AcmeAnalystToken = await tenants.CreateTokenAsync("acme", TokenRole.Analyst, "tests");
        AcmeIngestToken = await tenants.CreateTokenAsync("acme", TokenRole.Ingest, "tests");
        Http = new HttpClient { BaseAddress = new Uri($"http://{Server.HttpEndPoint}") };
    }

    public void Dispose() => _dir.Dispose();

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.StopAsync();
        _dir.Dispose();
    }

    /// <summary>Waits until the listeners have received <paramref name="count"/> more messages than before and all are stored.</summary>
    public async Task WaitStoredAsync(long receivedBefore, int count)
    {
        await Eventually.UntilAsync(() => Server.Counters.Received >= receivedBefore + count, $"{count} messages to arrive");
        await Server.Engine.DrainAsync(CancellationToken.None);
    }

    /// <summary>Searches through the HTTP API as <paramref name="token"/>; returns the events array.</summary>
    public async Task<List<JsonElement>> SearchAsync(string token, string query, int limit = 1000)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/events/search?q={Uri.EscapeDataString(query)}&limit={limit}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"search '{query}' failed: {(int)response.StatusCode} {body}");
        using var doc = JsonDocument.Parse(body);
        return [.. doc.RootElement.GetProperty("events").EnumerateArray().Select(e => e.Clone())];
    }

    public static void WriteSelfSignedCertificate(string certFile, string keyFile)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(certFile, cert.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
    }
}

[CollectionDefinition(Name)]
public sealed class ServerGroup : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}

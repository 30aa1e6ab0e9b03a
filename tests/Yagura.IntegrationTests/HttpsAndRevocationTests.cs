using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Yagura.Cli.Configuration;
using Yagura.Cli.Server;
using Yagura.Core.Tenancy;
using Yagura.Storage.Sqlite.Tenancy;
using Yagura.Testing;

namespace Yagura.IntegrationTests;

public sealed class HttpsAndRevocationTests
{
    [Fact]
    public async Task Serve_WithHttpTls_AnswersOverHttpsWithTheConfiguredCertificate()
    {
        using var dir = new TempDirectory("yagura-https");
        ServerFixture.WriteSelfSignedCertificate(dir.File("c.pem"), dir.File("k.pem"));
        var settings = new ServeSettings
        {
            DataDirectory = dir.File("data"),
            Http = $"127.0.0.1:{FreePorts.Next()}",
            SyslogUdpPort = 0,
            SyslogTcpPort = 0,
            HttpTls = true,
            TlsCertFile = dir.File("c.pem"),
            TlsKeyFile = dir.File("k.pem"),
        };
        await using var server = await YaguraServer.StartAsync(settings, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None);
        using var expected = X509Certificate2.CreateFromPem(File.ReadAllText(dir.File("c.pem")));
        string? seen = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                seen = cert?.Thumbprint;
                return cert?.Thumbprint == expected.Thumbprint;
            },
        };
        using var https = new HttpClient(handler) { BaseAddress = new Uri($"https://{server.HttpEndPoint}") };
        using var plain = new HttpClient { BaseAddress = new Uri($"http://{server.HttpEndPoint}") };

        using var response = await https.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected.Thumbprint, seen);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync(new Uri("/healthz", UriKind.Relative)));
    }

    [Fact]
    public async Task TokenRevoke_RevokedTokenNoLongerValidates()
    {
        using var dir = new TempDirectory("yagura-revoke");
        var data = dir.File("data");
        var token = (await YaguraBinary.RunAsync(["token", "create", "--data", data, "--tenant", "default", "--role", "analyst"])).Stdout.Trim();
        var tokenId = token.Split('_')[1];
        var directory = SqliteTenantDirectory.Open(data, TimeProvider.System);
        Assert.NotNull(await directory.ValidateTokenAsync(token));

        var revoke = await YaguraBinary.RunAsync(["token", "revoke", "--data", data, "--id", tokenId]);
        var unknown = await YaguraBinary.RunAsync(["token", "revoke", "--data", data, "--id", "0000000000000000"]);

        Assert.True(revoke.ExitCode == 0, ProcessRunner.Describe(revoke));
        Assert.Null(await SqliteTenantDirectory.Open(data, TimeProvider.System).ValidateTokenAsync(token));
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("no token with id", unknown.Stderr, StringComparison.Ordinal);
    }
}

using Yagura.Testing;

namespace Yagura.IntegrationTests;

/// <summary>Real syslog clients (util-linux logger, rsyslog) deliver messages that come out of search intact.</summary>
[Collection(ServerGroup.Name)]
public sealed class SyslogClientTests(ServerFixture fixture)
{
    private static string Logger => ProcessRunner.Which("logger") ?? throw new InvalidOperationException("util-linux logger is not installed (scripts/test.sh installs it)");

    public static TheoryData<string, string[]> LoggerModes => new()
    {
        { "udp-5424", ["--udp", "--rfc5424"] },
        { "udp-3164", ["--udp", "--rfc3164"] },
        { "tcp-5424", ["--tcp", "--rfc5424"] },
        { "tcp-3164", ["--tcp", "--rfc3164"] },
        { "tcp-octet-5424", ["--tcp", "--octet-count", "--rfc5424"] },
        { "tcp-octet-3164", ["--tcp", "--octet-count", "--rfc3164"] },
    };

    [Theory]
    [MemberData(nameof(LoggerModes))]
    public async Task Logger_SendsMessage_ItIsSearchableIntact(string mode, string[] flags)
    {
        var marker = $"yagura{mode.Replace("-", "", StringComparison.Ordinal)}{Guid.NewGuid():N}";
        var text = $"Failed password for invalid user admin from 192.0.2.7 port 4242 ssh2 {marker} 日本語";
        var port = mode.StartsWith("udp", StringComparison.Ordinal) ? fixture.Server.SyslogUdpPort : fixture.Server.SyslogTcpPort;
        var before = fixture.Server.Counters.Received;

        var result = await ProcessRunner.RunAsync(Logger, [.. flags, "--server", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--tag", "sshd", "--id=4242", "-p", "auth.warning", "--", text]);
        Assert.True(result.ExitCode == 0, ProcessRunner.Describe(result));
        await fixture.WaitStoredAsync(before, 1);

        var e = Assert.Single(await fixture.SearchAsync(fixture.DefaultAnalystToken, marker));
        Assert.Equal(text, e.GetProperty("message").GetString());
        Assert.Contains(text, e.GetProperty("event.original").GetString(), StringComparison.Ordinal);
        Assert.Equal("default", e.GetProperty("tenant.id").GetString());
        Assert.Equal("sshd", e.GetProperty("log.syslog.appname").GetString());
        Assert.Equal(4L, e.GetProperty("log.syslog.facility.code").GetInt64()); // auth
        Assert.Equal(4L, e.GetProperty("log.syslog.severity.code").GetInt64()); // warning
        Assert.False(e.TryGetProperty("error.message", out _), e.ToString());
    }

    [Fact]
    public async Task Logger_OversizedMessage_IsStoredTruncatedWithFlag()
    {
        var marker = $"yaguratoolong{Guid.NewGuid():N}";
        var text = marker + " " + new string('x', 6000);
        var before = fixture.Server.Counters.Received;

        var result = await ProcessRunner.RunAsync(Logger, ["--tcp", "--octet-count", "--rfc5424", "--size", "10000", "--server", "127.0.0.1", "--port", fixture.Server.SyslogTcpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--", text]);
        Assert.True(result.ExitCode == 0, ProcessRunner.Describe(result));
        await fixture.WaitStoredAsync(before, 1);

        var e = Assert.Single(await fixture.SearchAsync(fixture.DefaultAnalystToken, marker));
        Assert.True(e.GetProperty("event.truncated").GetBoolean());
        Assert.Contains("truncat", e.GetProperty("error.message").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(4096, System.Text.Encoding.UTF8.GetByteCount(e.GetProperty("event.original").GetString()!));
    }

    [Fact]
    public async Task Rsyslog_ForwardsOverTlsOctetCounted_MessagesArriveIntact()
    {
        var rsyslogd = ProcessRunner.Which("rsyslogd") ?? throw new InvalidOperationException("rsyslog is not installed (scripts/test.sh installs it)");
        using var work = new TempDirectory("rsyslog");
        var inputPort = FreePorts.Next();
        var config = $$"""
            global(workDirectory="{{work.Path}}" maxMessageSize="64k"
                   parser.escapeControlCharactersOnReceive="off"
                   defaultNetstreamDriverCAFile="{{fixture.CertFile}}")
            module(load="imtcp")
            input(type="imtcp" port="{{inputPort}}" address="127.0.0.1")
            action(type="omfwd" target="127.0.0.1" port="{{fixture.Server.SyslogTlsPort}}" protocol="tcp"
                   StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name"
                   StreamDriverPermittedPeers="localhost" TCP_Framing="octet-counted"
                   template="RSYSLOG_SyslogProtocol23Format")
            """;
        File.WriteAllText(work.File("rsyslog.conf"), config);
        var check = await ProcessRunner.RunAsync(rsyslogd, ["-N1", "-f", work.File("rsyslog.conf")]);
        Assert.True(check.ExitCode == 0, "rsyslog rejects the config: " + ProcessRunner.Describe(check));

        using var rsyslog = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(rsyslogd)
        {
            ArgumentList = { "-n", "-f", work.File("rsyslog.conf"), "-i", work.File("rsyslog.pid") },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        try
        {
            await Eventually.UntilAsync(() => CanConnect(inputPort), "rsyslog to listen");
            var marker = $"yagurarsyslogtls{Guid.NewGuid():N}";
            var before = fixture.Server.Counters.Received;
            var lines = Enumerable.Range(0, 50).Select(i => $"line {i} of {marker} with multi\tbyte ✓ text").ToList();
            foreach (var line in lines)
            {
                var sent = await ProcessRunner.RunAsync(Logger, ["--tcp", "--octet-count", "--rfc5424", "--server", "127.0.0.1", "--port", inputPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--tag", "app", "--", line]);
                Assert.True(sent.ExitCode == 0, ProcessRunner.Describe(sent));
            }

            await fixture.WaitStoredAsync(before, lines.Count);
            var found = await fixture.SearchAsync(fixture.DefaultAnalystToken, marker);
            Assert.Equal(lines.Order(StringComparer.Ordinal), found.Select(e => e.GetProperty("message").GetString()!).Order(StringComparer.Ordinal));
            Assert.All(found, e => Assert.Equal("app", e.GetProperty("log.syslog.appname").GetString()));
        }
        finally
        {
            rsyslog.Kill();
            await rsyslog.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task SyslogListeners_MessagesFromMappedSourceGoToThatTenantOnly()
    {
        // The listener's tenant is 'default'; tenant isolation of searches is checked on events we know exist.
        var marker = $"yaguraisolation{Guid.NewGuid():N}";
        var before = fixture.Server.Counters.Received;
        var result = await ProcessRunner.RunAsync(Logger, ["--udp", "--rfc5424", "--server", "127.0.0.1", "--port", fixture.Server.SyslogUdpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--", marker]);
        Assert.True(result.ExitCode == 0, ProcessRunner.Describe(result));
        await fixture.WaitStoredAsync(before, 1);

        Assert.Single(await fixture.SearchAsync(fixture.DefaultAnalystToken, marker));
        Assert.Empty(await fixture.SearchAsync(fixture.AcmeAnalystToken, marker));
    }

    private static bool CanConnect(int port)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}

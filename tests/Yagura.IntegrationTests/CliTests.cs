using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Yagura.Cli.Configuration;
using Yagura.Testing;

namespace Yagura.IntegrationTests;

/// <summary>The <c>yagura</c> program's offline commands, run as a real child process.</summary>
public sealed class CliTests
{
    [Fact]
    public async Task IngestGzipFileThenSearchJson_ReturnsTheEventsWithTheirFields()
    {
        using var dir = new TempDirectory("yagura-cli");
        var data = dir.File("data");
        var file = dir.File("fw.log.gz");
        await using (var gzip = new GZipStream(File.Create(file), CompressionLevel.Fastest))
        {
            var lines = new StringBuilder();
            for (var i = 0; i < 500; i++)
            {
                lines.Append(CultureInfo($"<134>1 2026-11-20T10:00:{i % 60:00}Z fw01 firewall - - - action=deny src=192.0.2.{i % 5} dst=198.51.100.1 dport={1000 + i}\n"));
            }

            lines.Append("\u0000\u0001 not a syslog line \u00ff\n");
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(lines.ToString()));
        }

        var tenant = await YaguraBinary.RunAsync(["tenant", "create", "--data", data, "--id", "acme", "--name", "ACME", "--lang", "en", "--tz", "UTC"]);
        Assert.True(tenant.ExitCode == 0, ProcessRunner.Describe(tenant));
        var ingest = await YaguraBinary.RunAsync(["ingest", "--data", data, "--tenant", "acme", file]);
        Assert.True(ingest.ExitCode == 0, ProcessRunner.Describe(ingest));
        Assert.Contains("ingested 501 messages", ingest.Stdout, StringComparison.Ordinal);

        var search = await YaguraBinary.RunAsync(["search", "--data", data, "--json", "--limit", "1000", "host.name:fw01 AND source.ip:192.0.2.3"]);
        Assert.True(search.ExitCode == 0, ProcessRunner.Describe(search));
        var events = search.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(100, events.Count);
        Assert.All(events, e =>
        {
            Assert.Equal("acme", e.GetProperty("tenant.id").GetString());
            Assert.Equal("192.0.2.3", e.GetProperty("source.ip").GetString());
        });

        var stats = await YaguraBinary.RunAsync(["search", "--data", data, "--json", "* | stats count() by source.ip | sort source.ip | head 2"]);
        Assert.True(stats.ExitCode == 0, ProcessRunner.Describe(stats));
        Assert.Equal(2, stats.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Search_SyntaxError_PointsAtThePositionAndFails()
    {
        using var dir = new TempDirectory("yagura-cli");
        Directory.CreateDirectory(dir.File("data"));

        var result = await YaguraBinary.RunAsync(["search", "--data", dir.File("data"), "user.name:(alice OR"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("position", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("^", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal); // no stack trace
    }

    [Fact]
    public async Task TenantCreate_InvalidId_IsRefusedWithAReason()
    {
        using var dir = new TempDirectory("yagura-cli");

        var result = await YaguraBinary.RunAsync(["tenant", "create", "--data", dir.File("data"), "--id", "../evil", "--name", "x"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("not a valid tenant id", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_WhileServeHoldsTheDataDirectory_IsRefusedClearly()
    {
        using var dir = new TempDirectory("yagura-cli");
        var data = dir.File("data");
        using var serve = await YaguraBinary.ServeAsync(data, FreePorts.Next(), FreePorts.Next());
        File.WriteAllText(dir.File("x.log"), "hello\n");

        var result = await YaguraBinary.RunAsync(["ingest", "--data", data, dir.File("x.log")]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("in use by another Yagura process", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_FlagsOverrideFile_EnvironmentOverridesBoth()
    {
        using var dir = new TempDirectory("yagura-cli");
        File.WriteAllText(dir.File("yagura.yaml"), """
            data: /from/file
            http: 127.0.0.1:9000
            syslog_tcp: 1514
            max_message_bytes: 8192
            full_text_index: fts5
            column_indexes: true
            listener_tenants: { udp: acme }
            sources:
              - cidr: 192.0.2.0/24
                tenant: branch
            """);
        var settings = new ServeSettings();

        SettingsLoader.ApplyFile(settings, dir.File("yagura.yaml"));
        settings.Http = "127.0.0.1:9100"; // a flag
        settings.SyslogTcpPort = 2514;    // a flag
        SettingsLoader.ApplyEnvironment(settings, name => name == "YAGURA_SYSLOG_TCP" ? "3514" : null);

        Assert.Equal("/from/file", settings.DataDirectory);
        Assert.Equal("127.0.0.1:9100", settings.Http);
        Assert.Equal(3514, settings.SyslogTcpPort);
        Assert.Equal(8192, settings.MaxMessageBytes);
        Assert.Equal(Yagura.Storage.Sqlite.FullTextIndex.Fts5, settings.StoreOptions.FullText);
        Assert.True(settings.StoreOptions.ColumnIndexes);
        Assert.Equal("acme", settings.ListenerTenant("udp"));
        Assert.Equal("branch", Assert.Single(settings.Sources).TenantId);
    }

    [Fact]
    public void Settings_RulesAndPipelines_FromFileListOrEnvironment_DefaultToShippedContent()
    {
        using var dir = new TempDirectory("yagura-cli");
        File.WriteAllText(dir.File("yagura.yaml"), "rules: [/etc/yagura/rules, /srv/sigma/rules]\npipelines: /etc/yagura/pipelines\n");
        var defaults = new ServeSettings();
        var fromFile = new ServeSettings();
        var fromEnvironment = new ServeSettings();

        SettingsLoader.ApplyFile(fromFile, dir.File("yagura.yaml"));
        SettingsLoader.ApplyFile(fromEnvironment, dir.File("yagura.yaml"));
        SettingsLoader.ApplyEnvironment(fromEnvironment, name => name == "YAGURA_RULES" ? $"/a{Path.PathSeparator}/b" : null);

        Assert.Equal([Path.Combine(AppContext.BaseDirectory, "content", "rules")], defaults.RulePaths);
        Assert.Equal([Path.Combine(AppContext.BaseDirectory, "content", "pipelines")], defaults.PipelinePaths);
        Assert.Equal(["/etc/yagura/rules", "/srv/sigma/rules"], fromFile.RulePaths);
        Assert.Equal(["/etc/yagura/pipelines"], fromFile.PipelinePaths);
        Assert.Equal(["/a", "/b"], fromEnvironment.RulePaths);
    }

    [Fact]
    public void Settings_Tuning_FromFileFlagOrEnvironment_NoneByDefault()
    {
        using var dir = new TempDirectory("yagura-cli");
        File.WriteAllText(dir.File("yagura.yaml"), "tuning: /etc/yagura/tuning.yml\n");
        var fromFile = new ServeSettings();
        var fromEnvironment = new ServeSettings();

        SettingsLoader.ApplyFile(fromFile, dir.File("yagura.yaml"));
        SettingsLoader.ApplyFile(fromEnvironment, dir.File("yagura.yaml"));
        SettingsLoader.ApplyEnvironment(fromEnvironment, name => name == "YAGURA_TUNING" ? "/srv/tuning.yml" : null);

        Assert.Null(new ServeSettings().Tuning);
        Assert.Equal("/etc/yagura/tuning.yml", fromFile.Tuning);
        Assert.Equal("/srv/tuning.yml", fromEnvironment.Tuning);
    }

    [Fact]
    public void Settings_MisspeltKey_IsAnErrorWithItsLine()
    {
        using var dir = new TempDirectory("yagura-cli");
        File.WriteAllText(dir.File("yagura.yaml"), "data: ./d\nsyslog_tpc: 1514\n");

        var error = Assert.Throws<SettingsException>(() => SettingsLoader.ApplyFile(new ServeSettings(), dir.File("yagura.yaml")));

        Assert.Contains(":2:", error.Message, StringComparison.Ordinal);
        Assert.Contains("syslog_tpc", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_TlsWithoutCertificate_ExitsWithAMessage()
    {
        using var dir = new TempDirectory("yagura-cli");

        var result = await YaguraBinary.RunAsync(["serve", "--data", dir.File("data"), "--syslog-tls", "6514"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--tls-cert", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertCreate_WritesAPairTheTlsListenerAccepts()
    {
        using var dir = new TempDirectory("yagura-cli");

        var result = await YaguraBinary.RunAsync(["cert", "create", "--cert", dir.File("c.pem"), "--key", dir.File("k.pem")]);

        Assert.True(result.ExitCode == 0, ProcessRunner.Describe(result));
        using var cert = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(dir.File("c.pem"), dir.File("k.pem"));
        Assert.True(cert.HasPrivateKey);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.File("k.pem")));
    }

    private static string CultureInfo(FormattableString text) => FormattableString.Invariant(text);
}

using System.CommandLine;
using Microsoft.Extensions.Logging;
using Yagura.Cli.Configuration;
using Yagura.Cli.Server;

namespace Yagura.Cli.Commands;

internal static class ServeCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "YAML config file (default ./yagura.yaml when present); see docs/configuration.md" };
        var data = new Option<string?>("--data") { Description = "Data directory (default ./data)" };
        var http = new Option<string?>("--http") { Description = "HTTP API address ADDR:PORT (default 127.0.0.1:8080)" };
        var udp = new Option<int?>("--syslog-udp") { Description = "Syslog UDP port, 0 = off (default 5514)" };
        var tcp = new Option<int?>("--syslog-tcp") { Description = "Syslog TCP port, 0 = off (default 5514)" };
        var tls = new Option<int?>("--syslog-tls") { Description = "Syslog TLS port (RFC 5425), 0 = off (default off)" };
        var httpTls = new Option<bool?>("--http-tls") { Description = "Serve the HTTP API over TLS (HTTPS) with --tls-cert and --tls-key" };
        var cert = new Option<string?>("--tls-cert") { Description = "PEM certificate for --syslog-tls and --http-tls" };
        var key = new Option<string?>("--tls-key") { Description = "PEM private key for --syslog-tls and --http-tls" };
        var rules = new Option<string[]>("--rules")
        {
            Description = "Sigma rule file or directory, repeatable; reloaded when they change (default: the rules shipped in content/rules)",
            AllowMultipleArgumentsPerToken = true,
        };
        var pipelines = new Option<string[]>("--pipeline")
        {
            Description = "Field-mapping and log-source pipeline file or directory, repeatable (default: the ones shipped in content/pipelines)",
        };
        var ioc = new Option<string[]>("--ioc")
        {
            Description = "IOC list file (.txt or .csv) or directory of them, repeatable; a hit is an alert; reloaded when they change",
        };
        var tuning = new Option<string?>("--tuning")
        {
            Description = "Tuning file: rules disabled, severity overrides and suppression of repeats per tenant; reloaded when it changes",
        };
        var verbose = new Option<bool>("--verbose") { Description = "Log connection-level details" };
        var command = new Command("serve", "Run the collector, the pipeline and the HTTP API") { config, data, http, udp, tcp, tls, httpTls, cert, key, rules, pipelines, ioc, tuning, verbose };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new ServeSettings();
            try
            {
                var file = SettingsLoader.ConfigFile(parse.GetValue(config));
                if (file is not null)
                {
                    SettingsLoader.ApplyFile(settings, file);
                }

                if (parse.GetValue(data) is { } d) settings.DataDirectory = d;
                if (parse.GetValue(http) is { } h) settings.Http = h;
                if (parse.GetValue(udp) is { } u) settings.SyslogUdpPort = u;
                if (parse.GetValue(tcp) is { } t) settings.SyslogTcpPort = t;
                if (parse.GetValue(tls) is { } s) settings.SyslogTlsPort = s;
                if (parse.GetValue(httpTls) is { } ht) settings.HttpTls = ht;
                if (parse.GetValue(cert) is { } c) settings.TlsCertFile = c;
                if (parse.GetValue(key) is { } k) settings.TlsKeyFile = k;
                if (parse.GetValue(tuning) is { } tu) settings.Tuning = tu;
                if (parse.GetValue(rules) is { Length: > 0 } r)
                {
                    settings.Rules.Clear();
                    settings.Rules.AddRange(r);
                }

                if (parse.GetValue(pipelines) is { Length: > 0 } p)
                {
                    settings.Pipelines.Clear();
                    settings.Pipelines.AddRange(p);
                }

                if (parse.GetValue(ioc) is { Length: > 0 } i)
                {
                    settings.Ioc.Clear();
                    settings.Ioc.AddRange(i);
                }

                SettingsLoader.ApplyEnvironment(settings, Environment.GetEnvironmentVariable);
                settings.Validate();
            }
            catch (SettingsException ex)
            {
                return CommonOptions.Fail(ex.Message);
            }

            using var loggers = LoggerFactory.Create(b => b
                .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; o.UseUtcTimestamp = true; })
                .SetMinimumLevel(parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Warning)
                .AddFilter(DetectionLog.Category, parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Information));
            YaguraServer server;
            try
            {
                server = await YaguraServer.StartAsync(settings, loggers, TimeProvider.System, cancellationToken);
            }
            catch (Exception ex) when (ex is SettingsException or InvalidOperationException or IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
            {
                return CommonOptions.Fail(ex.Message);
            }

            Console.WriteLine($"yagura: serving data in {server.Engine.Data.Root}");
            Console.WriteLine($"yagura: {(settings.HttpTls ? "https" : "http")}://{server.HttpEndPoint}  syslog udp:{Port(server.SyslogUdpPort)} tcp:{Port(server.SyslogTcpPort)} tls:{Port(server.SyslogTlsPort)}");
            Console.WriteLine($"yagura: rules: {server.Detection.Summary}");
            Console.WriteLine("yagura: ready (Ctrl-C to stop)");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            Console.WriteLine("yagura: stopping; storing everything accepted …");
            await server.StopAsync(CancellationToken.None);
            Console.WriteLine($"yagura: stopped cleanly ({server.Engine.Pipeline.Processed} events stored this run)");
            return 0;
        });
        return command;
    }

    private static string Port(int port) => port == 0 ? "off" : port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

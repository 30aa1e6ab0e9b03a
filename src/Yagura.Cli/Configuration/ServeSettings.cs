using System.Globalization;
using System.Net;
using Yagura.Core.Tenancy;
using Yagura.Ingest.Routing;
using Yagura.Storage.Sqlite;
using Yagura.Cli.Server;

namespace Yagura.Cli.Configuration;

/// <summary>
/// Everything <c>yagura serve</c> needs, after merging (lowest first) built-in defaults, the config file,
/// command-line flags and <c>YAGURA_*</c> environment variables. See docs/configuration.md.
/// </summary>
public sealed class ServeSettings
{
    public string DataDirectory { get; set; } = "./data";

    public string Http { get; set; } = "127.0.0.1:8080";

    /// <summary>0 turns a listener off.</summary>
    public int SyslogUdpPort { get; set; } = 5514;

    public int SyslogTcpPort { get; set; } = 5514;

    public int SyslogTlsPort { get; set; }

    /// <summary>The address the syslog listeners bind to.</summary>
    public string SyslogBind { get; set; } = "0.0.0.0";

    /// <summary>Serve the HTTP API over TLS with <see cref="TlsCertFile"/> and <see cref="TlsKeyFile"/>.</summary>
    public bool HttpTls { get; set; }

    public string? TlsCertFile { get; set; }

    public string? TlsKeyFile { get; set; }

    public int MaxMessageBytes { get; set; } = 64 * 1024;

    public long MaxBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Tenant of each syslog listener's messages when no source rule matches.</summary>
    public Dictionary<string, string> ListenerTenants { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<SourceRule> Sources { get; } = [];

    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Sigma rule files or directories; empty means the rules shipped next to the executable.</summary>
    public List<string> Rules { get; } = [];

    /// <summary>Field-mapping and log-source pipelines; empty means the ones shipped next to the executable.</summary>
    public List<string> Pipelines { get; } = [];

    /// <summary>IOC list files or directories (<c>*.txt</c>, <c>*.csv</c>); none by default.</summary>
    public List<string> Ioc { get; } = [];

    /// <summary>The tuning file: rules disabled, severity overrides and suppression per tenant; none by default.</summary>
    public string? Tuning { get; set; }

    /// <summary>The shipped rules: <c>content/rules</c> next to the executable.</summary>
    public static string DefaultRules => Path.Combine(AppContext.BaseDirectory, "content", "rules");

    /// <summary>The shipped pipelines: <c>content/pipelines</c> next to the executable.</summary>
    public static string DefaultPipelines => Path.Combine(AppContext.BaseDirectory, "content", "pipelines");

    public IReadOnlyList<string> RulePaths => Rules.Count > 0 ? Rules : [DefaultRules];

    public IReadOnlyList<string> PipelinePaths => Pipelines.Count > 0 ? Pipelines : [DefaultPipelines];

    /// <summary>
    /// The free-text index of new partitions: per-block Bloom filters (default: keeps up with 100k+ events/s on two
    /// cores), SQLite FTS5 (per-event precision and prefix search, about 40k events/s here) or none.
    /// </summary>
    public FullTextIndex FullText { get; set; } = FullTextIndex.BlockBloom;

    /// <summary>B-tree indexes on the common ECS columns of new partitions (faster equality look-ups, about half the write rate).</summary>
    public bool ColumnIndexes { get; set; }

    /// <summary>The event store settings these choose.</summary>
    public SqliteEventStoreOptions StoreOptions => IngestStoreDefaults.Options with { FullText = FullText, ColumnIndexes = ColumnIndexes };

    public string ListenerTenant(string listener) =>
        ListenerTenants.TryGetValue(listener, out var tenant) ? tenant : Tenant.DefaultId;

    public IPEndPoint HttpEndPoint => ParseEndPoint(Http, "--http");

    public IPAddress SyslogAddress => IPAddress.TryParse(SyslogBind, out var address)
        ? address
        : throw new SettingsException($"syslog bind address '{SyslogBind}' is not an IP address");

    /// <summary>Checks everything that can be checked before binding anything, with messages that say what to fix.</summary>
    public void Validate()
    {
        _ = HttpEndPoint;
        _ = SyslogAddress;
        foreach (var (name, port) in new[] { ("--syslog-udp", SyslogUdpPort), ("--syslog-tcp", SyslogTcpPort), ("--syslog-tls", SyslogTlsPort) })
        {
            if (port is < 0 or > 65535)
            {
                throw new SettingsException($"{name} must be a port from 0 (off) to 65535, not {port}");
            }
        }

        if (SyslogTlsPort > 0 && (string.IsNullOrEmpty(TlsCertFile) || string.IsNullOrEmpty(TlsKeyFile)))
        {
            throw new SettingsException("--syslog-tls needs --tls-cert FILE and --tls-key FILE (try 'yagura cert create')");
        }

        if (HttpTls && (string.IsNullOrEmpty(TlsCertFile) || string.IsNullOrEmpty(TlsKeyFile)))
        {
            throw new SettingsException("--http-tls needs --tls-cert FILE and --tls-key FILE (try 'yagura cert create')");
        }

        if (MaxMessageBytes is < 256 or > 16 * 1024 * 1024)
        {
            throw new SettingsException($"max message size must be between 256 bytes and 16 MiB, not {MaxMessageBytes}");
        }

        if (MaxBodyBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            throw new SettingsException($"max body size must be between 1 KiB and 1 GiB, not {MaxBodyBytes}");
        }

        foreach (var tenant in ListenerTenants.Values.Concat(Sources.Select(s => s.TenantId)))
        {
            if (!Tenant.IsValidId(tenant))
            {
                throw new SettingsException($"'{tenant}' is not a valid tenant id (lower-case letters, digits, '-' and '_')");
            }
        }
    }

    internal static IPEndPoint ParseEndPoint(string text, string what)
    {
        if (IPEndPoint.TryParse(text, out var endpoint) && text.Contains(':', StringComparison.Ordinal))
        {
            return endpoint;
        }

        if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(text.AsSpan("localhost:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        throw new SettingsException($"{what} '{text}' is not ADDR:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)");
    }
}

/// <summary>A setting that cannot work; the message says which and why.</summary>
public sealed class SettingsException(string message) : Exception(message);

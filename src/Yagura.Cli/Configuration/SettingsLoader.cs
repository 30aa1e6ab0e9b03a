using System.Globalization;
using System.Net;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using Yagura.Ingest.Routing;
using Yagura.Storage.Sqlite;

namespace Yagura.Cli.Configuration;

/// <summary>
/// Reads the YAML config file and the <c>YAGURA_*</c> environment into <see cref="ServeSettings"/>.
/// Keys are checked: a misspelt key is an error with its line, not a silently ignored setting.
/// </summary>
public static class SettingsLoader
{
    /// <summary>The config file in force: the one given, else <c>YAGURA_CONFIG</c>, else <c>./yagura.yaml</c> when present; null for none.</summary>
    public static string? ConfigFile(string? given) =>
        given ?? Environment.GetEnvironmentVariable("YAGURA_CONFIG") ?? (File.Exists("yagura.yaml") ? "yagura.yaml" : null);

    public static void ApplyFile(ServeSettings settings, string path)
    {
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            using (var reader = File.OpenText(path))
            {
                stream.Load(reader);
            }

            if (stream.Documents.Count == 0)
            {
                return;
            }

            root = stream.Documents[0].RootNode as YamlMappingNode
                ?? throw new SettingsException($"{path}: the file must be a mapping of settings (key: value)");
        }
        catch (YamlException ex)
        {
            throw new SettingsException($"{path}:{ex.Start.Line}: {ex.Message}");
        }
        catch (IOException ex)
        {
            throw new SettingsException($"{path}: {ex.Message}");
        }

        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            var line = keyNode.Start.Line;
            string Scalar() => valueNode is YamlScalarNode s ? s.Value ?? "" : throw new SettingsException($"{path}:{line}: '{key}' must be a single value");
            try
            {
                switch (key)
                {
                    case "rules" or "pipelines" or "ioc" when valueNode is YamlSequenceNode paths:
                        var target = key switch { "rules" => settings.Rules, "ioc" => settings.Ioc, _ => settings.Pipelines };
                        target.Clear();
                        target.AddRange(paths.Children.Select(n => n is YamlScalarNode p ? p.Value ?? "" : throw new SettingsException($"{path}:{n.Start.Line}: '{key}' must list paths")));
                        break;
                    case "sources":
                        ApplySources(settings, valueNode, path);
                        break;
                    case "listener_tenants":
                        if (valueNode is not YamlMappingNode map)
                        {
                            throw new SettingsException($"{path}:{line}: 'listener_tenants' must map udp/tcp/tls to a tenant id");
                        }

                        foreach (var (k, v) in map.Children)
                        {
                            var listener = ((YamlScalarNode)k).Value ?? "";
                            if (listener is not ("udp" or "tcp" or "tls"))
                            {
                                throw new SettingsException($"{path}:{k.Start.Line}: unknown listener '{listener}' (udp, tcp or tls)");
                            }

                            settings.ListenerTenants[listener] = ((YamlScalarNode)v).Value ?? "";
                        }

                        break;
                    default:
                        if (!TryApply(settings, key, Scalar()))
                        {
                            throw new SettingsException($"{path}:{line}: unknown setting '{key}' (see docs/configuration.md)");
                        }

                        break;
                }
            }
            catch (FormatException ex)
            {
                throw new SettingsException($"{path}:{line}: '{key}': {ex.Message}");
            }
        }
    }

    /// <summary>Applies <c>YAGURA_*</c> variables (they override the file and the flags).</summary>
    public static void ApplyEnvironment(ServeSettings settings, Func<string, string?> getVariable)
    {
        foreach (var key in Keys)
        {
            var value = getVariable("YAGURA_" + key.ToUpperInvariant());
            if (value is not null)
            {
                try
                {
                    TryApply(settings, key, value);
                }
                catch (FormatException ex)
                {
                    throw new SettingsException($"YAGURA_{key.ToUpperInvariant()}: {ex.Message}");
                }
            }
        }
    }

    /// <summary>The scalar settings, by their file key; the environment variable is YAGURA_ + the key upper-cased.</summary>
    public static IReadOnlyList<string> Keys { get; } =
        ["data", "http", "syslog_udp", "syslog_tcp", "syslog_tls", "syslog_bind", "tls_cert", "tls_key", "max_message_bytes", "max_body_bytes", "retention_check_minutes", "full_text_index", "column_indexes", "http_tls", "rules", "pipelines", "ioc", "tuning"];

    private static bool TryApply(ServeSettings settings, string key, string value)
    {
        switch (key)
        {
            case "data": settings.DataDirectory = value; break;
            case "http": settings.Http = value; break;
            case "syslog_udp": settings.SyslogUdpPort = Int(value); break;
            case "syslog_tcp": settings.SyslogTcpPort = Int(value); break;
            case "syslog_tls": settings.SyslogTlsPort = Int(value); break;
            case "syslog_bind": settings.SyslogBind = value; break;
            case "tls_cert": settings.TlsCertFile = value; break;
            case "tls_key": settings.TlsKeyFile = value; break;
            case "tuning": settings.Tuning = value; break;
            case "max_message_bytes": settings.MaxMessageBytes = Int(value); break;
            case "max_body_bytes": settings.MaxBodyBytes = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture); break;
            case "retention_check_minutes": settings.RetentionInterval = TimeSpan.FromMinutes(Int(value)); break;
            case "full_text_index":
                settings.FullText = value switch
                {
                    "bloom" => FullTextIndex.BlockBloom,
                    "fts5" => FullTextIndex.Fts5,
                    "none" => FullTextIndex.None,
                    _ => throw new FormatException($"'{value}' is not bloom, fts5 or none"),
                };
                break;
            case "rules" or "pipelines" or "ioc":
                // One path, or several separated as in PATH (':' on Unix), for the environment.
                var list = key switch { "rules" => settings.Rules, "ioc" => settings.Ioc, _ => settings.Pipelines };
                list.Clear();
                list.AddRange(value.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                break;
            case "http_tls":
                settings.HttpTls = bool.TryParse(value, out var tls) ? tls : throw new FormatException($"'{value}' is not true or false");
                break;
            case "column_indexes":
                settings.ColumnIndexes = bool.TryParse(value, out var on) ? on : throw new FormatException($"'{value}' is not true or false");
                break;
            default: return false;
        }

        return true;
    }

    private static int Int(string value) => int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);

    private static void ApplySources(ServeSettings settings, YamlNode node, string path)
    {
        if (node is not YamlSequenceNode list)
        {
            throw new SettingsException($"{path}:{node.Start.Line}: 'sources' must be a list of {{cidr, tenant}}");
        }

        foreach (var item in list.Children)
        {
            if (item is not YamlMappingNode map
                || !map.Children.TryGetValue(new YamlScalarNode("cidr"), out var cidrNode)
                || !map.Children.TryGetValue(new YamlScalarNode("tenant"), out var tenantNode))
            {
                throw new SettingsException($"{path}:{item.Start.Line}: each source needs 'cidr' and 'tenant'");
            }

            var cidr = ((YamlScalarNode)cidrNode).Value ?? "";
            if (!IPNetwork.TryParse(cidr, out var network))
            {
                if (!IPAddress.TryParse(cidr, out var single))
                {
                    throw new SettingsException($"{path}:{cidrNode.Start.Line}: '{cidr}' is not an address or CIDR (e.g. 192.0.2.0/24)");
                }

                network = new IPNetwork(single, single.GetAddressBytes().Length * 8);
            }

            settings.Sources.Add(new SourceRule(network, ((YamlScalarNode)tenantNode).Value ?? ""));
        }
    }
}

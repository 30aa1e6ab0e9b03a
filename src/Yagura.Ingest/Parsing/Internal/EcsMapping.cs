using Yagura.Core.Events;

namespace Yagura.Ingest.Parsing.Internal;

/// <summary>How a vendor value is converted before it is stored under its ECS name.</summary>
internal enum MapKind : byte
{
    Text,
    Lower,
    Long,
    Message,
    Timestamp,
    TimeString,
    Outcome,
    FileHash,
    Severity,
    Transport,
    Ip,
}

/// <summary>
/// One vendor key's ECS target(s). <see cref="Also"/> is filled only when still empty, unless
/// <see cref="AlsoWins"/> (the source user is the better <c>user.name</c> than the destination user).
/// </summary>
internal readonly record struct FieldMap(string Target, MapKind Kind, string? Also = null, bool AlsoWins = false);

/// <summary>
/// Vendor key → ECS name tables. The vendor's own key is always kept too (<c>cef.extensions.*</c>,
/// <c>leef.*</c>, <c>kv.*</c>); these only add the normalised names.
/// </summary>
internal static class EcsMapping
{
    public static readonly Dictionary<string, FieldMap> Cef = new(StringComparer.Ordinal)
    {
        ["src"] = new(FieldNames.SourceIp, MapKind.Ip),
        ["sourceAddress"] = new(FieldNames.SourceIp, MapKind.Ip),
        ["dst"] = new(FieldNames.DestinationIp, MapKind.Ip),
        ["destinationAddress"] = new(FieldNames.DestinationIp, MapKind.Ip),
        ["spt"] = new(FieldNames.SourcePort, MapKind.Long),
        ["sourcePort"] = new(FieldNames.SourcePort, MapKind.Long),
        ["dpt"] = new(FieldNames.DestinationPort, MapKind.Long),
        ["destinationPort"] = new(FieldNames.DestinationPort, MapKind.Long),
        ["smac"] = new("source.mac", MapKind.Text),
        ["dmac"] = new("destination.mac", MapKind.Text),
        ["shost"] = new("source.domain", MapKind.Text),
        ["sourceHostName"] = new("source.domain", MapKind.Text),
        ["dhost"] = new("destination.domain", MapKind.Text),
        ["destinationHostName"] = new("destination.domain", MapKind.Text),
        ["suser"] = new("source.user.name", MapKind.Text, FieldNames.UserName, AlsoWins: true),
        ["sourceUserName"] = new("source.user.name", MapKind.Text, FieldNames.UserName, AlsoWins: true),
        ["duser"] = new("destination.user.name", MapKind.Text, FieldNames.UserName),
        ["destinationUserName"] = new("destination.user.name", MapKind.Text, FieldNames.UserName),
        ["suid"] = new("source.user.id", MapKind.Text),
        ["duid"] = new("destination.user.id", MapKind.Text),
        ["sntdom"] = new("source.user.domain", MapKind.Text),
        ["dntdom"] = new("destination.user.domain", MapKind.Text),
        ["act"] = new(FieldNames.EventAction, MapKind.Text),
        ["deviceAction"] = new(FieldNames.EventAction, MapKind.Text),
        ["outcome"] = new(FieldNames.EventOutcome, MapKind.Outcome),
        ["eventOutcome"] = new(FieldNames.EventOutcome, MapKind.Outcome),
        ["rt"] = new(FieldNames.Timestamp, MapKind.Timestamp),
        ["deviceReceiptTime"] = new(FieldNames.Timestamp, MapKind.Timestamp),
        ["start"] = new("event.start", MapKind.TimeString),
        ["startTime"] = new("event.start", MapKind.TimeString),
        ["end"] = new("event.end", MapKind.TimeString),
        ["endTime"] = new("event.end", MapKind.TimeString),
        ["msg"] = new(FieldNames.Message, MapKind.Message),
        ["message"] = new(FieldNames.Message, MapKind.Message),
        ["request"] = new("url.original", MapKind.Text),
        ["requestUrl"] = new("url.original", MapKind.Text),
        ["requestMethod"] = new("http.request.method", MapKind.Text),
        ["requestClientApplication"] = new("user_agent.original", MapKind.Text),
        ["fname"] = new("file.name", MapKind.Text),
        ["fileName"] = new("file.name", MapKind.Text),
        ["filePath"] = new("file.path", MapKind.Text),
        ["fsize"] = new("file.size", MapKind.Long),
        ["fileSize"] = new("file.size", MapKind.Long),
        ["fileHash"] = new("file.hash", MapKind.FileHash),
        ["proto"] = new(FieldNames.NetworkTransport, MapKind.Transport),
        ["transportProtocol"] = new(FieldNames.NetworkTransport, MapKind.Transport),
        ["app"] = new("network.protocol", MapKind.Lower),
        ["applicationProtocol"] = new("network.protocol", MapKind.Lower),
        ["in"] = new("source.bytes", MapKind.Long),
        ["bytesIn"] = new("source.bytes", MapKind.Long),
        ["out"] = new("destination.bytes", MapKind.Long),
        ["bytesOut"] = new("destination.bytes", MapKind.Long),
        ["dvc"] = new(FieldNames.ObserverIp, MapKind.Ip),
        ["deviceAddress"] = new(FieldNames.ObserverIp, MapKind.Ip),
        ["dvchost"] = new(FieldNames.ObserverHostname, MapKind.Text, FieldNames.HostName),
        ["deviceHostName"] = new(FieldNames.ObserverHostname, MapKind.Text, FieldNames.HostName),
        ["deviceExternalId"] = new("observer.serial_number", MapKind.Text),
        ["sproc"] = new(FieldNames.ProcessName, MapKind.Text),
        ["sourceProcessName"] = new(FieldNames.ProcessName, MapKind.Text),
        ["spid"] = new(FieldNames.ProcessPid, MapKind.Long),
        ["sourceProcessId"] = new(FieldNames.ProcessPid, MapKind.Long),
        ["reason"] = new("event.reason", MapKind.Text),
        ["cat"] = new("rule.category", MapKind.Text),
        ["sourceTranslatedAddress"] = new("source.nat.ip", MapKind.Ip),
        ["destinationTranslatedAddress"] = new("destination.nat.ip", MapKind.Ip),
        ["sourceTranslatedPort"] = new("source.nat.port", MapKind.Long),
        ["destinationTranslatedPort"] = new("destination.nat.port", MapKind.Long),
    };

    public static readonly Dictionary<string, FieldMap> Leef = new(StringComparer.Ordinal)
    {
        ["src"] = new(FieldNames.SourceIp, MapKind.Ip),
        ["dst"] = new(FieldNames.DestinationIp, MapKind.Ip),
        ["srcPort"] = new(FieldNames.SourcePort, MapKind.Long),
        ["dstPort"] = new(FieldNames.DestinationPort, MapKind.Long),
        ["srcPreNAT"] = new(FieldNames.SourceIp, MapKind.Ip),
        ["dstPreNAT"] = new(FieldNames.DestinationIp, MapKind.Ip),
        ["srcPostNAT"] = new("source.nat.ip", MapKind.Ip),
        ["dstPostNAT"] = new("destination.nat.ip", MapKind.Ip),
        ["srcPostNATPort"] = new("source.nat.port", MapKind.Long),
        ["dstPostNATPort"] = new("destination.nat.port", MapKind.Long),
        ["srcMAC"] = new("source.mac", MapKind.Text),
        ["dstMAC"] = new("destination.mac", MapKind.Text),
        ["srcBytes"] = new("source.bytes", MapKind.Long),
        ["dstBytes"] = new("destination.bytes", MapKind.Long),
        ["srcPackets"] = new("source.packets", MapKind.Long),
        ["dstPackets"] = new("destination.packets", MapKind.Long),
        ["usrName"] = new(FieldNames.UserName, MapKind.Text, "source.user.name"),
        ["accountName"] = new(FieldNames.UserName, MapKind.Text),
        ["domain"] = new("user.domain", MapKind.Text),
        ["sev"] = new(FieldNames.EventSeverity, MapKind.Severity),
        ["cat"] = new("rule.category", MapKind.Text),
        ["proto"] = new(FieldNames.NetworkTransport, MapKind.Transport),
        ["identHostName"] = new(FieldNames.HostName, MapKind.Text),
        ["identSrc"] = new("host.ip", MapKind.Ip),
        ["url"] = new("url.original", MapKind.Text),
        ["action"] = new(FieldNames.EventAction, MapKind.Text),
        ["policy"] = new("rule.name", MapKind.Text),
        ["msg"] = new(FieldNames.Message, MapKind.Message),
        ["fileHash"] = new("file.hash", MapKind.FileHash),
        ["fileName"] = new("file.name", MapKind.Text),
        ["userAgent"] = new("user_agent.original", MapKind.Text),
    };

    public static readonly Dictionary<string, FieldMap> Kv = new(StringComparer.OrdinalIgnoreCase)
    {
        ["srcip"] = new(FieldNames.SourceIp, MapKind.Ip),
        ["src"] = new(FieldNames.SourceIp, MapKind.Ip),
        ["src_ip"] = new(FieldNames.SourceIp, MapKind.Ip),
        ["source_ip"] = new(FieldNames.SourceIp, MapKind.Ip),
        ["addr"] = new(FieldNames.SourceIp, MapKind.Ip),
        ["dstip"] = new(FieldNames.DestinationIp, MapKind.Ip),
        ["dst"] = new(FieldNames.DestinationIp, MapKind.Ip),
        ["dst_ip"] = new(FieldNames.DestinationIp, MapKind.Ip),
        ["destination_ip"] = new(FieldNames.DestinationIp, MapKind.Ip),
        ["srcport"] = new(FieldNames.SourcePort, MapKind.Long),
        ["src_port"] = new(FieldNames.SourcePort, MapKind.Long),
        ["sport"] = new(FieldNames.SourcePort, MapKind.Long),
        ["spt"] = new(FieldNames.SourcePort, MapKind.Long),
        ["dstport"] = new(FieldNames.DestinationPort, MapKind.Long),
        ["dst_port"] = new(FieldNames.DestinationPort, MapKind.Long),
        ["dport"] = new(FieldNames.DestinationPort, MapKind.Long),
        ["dpt"] = new(FieldNames.DestinationPort, MapKind.Long),
        ["user"] = new(FieldNames.UserName, MapKind.Text),
        ["usr"] = new(FieldNames.UserName, MapKind.Text),
        ["suser"] = new(FieldNames.UserName, MapKind.Text, "source.user.name"),
        ["srcuser"] = new(FieldNames.UserName, MapKind.Text, "source.user.name"),
        ["username"] = new(FieldNames.UserName, MapKind.Text),
        ["user_name"] = new(FieldNames.UserName, MapKind.Text),
        ["acct"] = new(FieldNames.UserName, MapKind.Text),
        ["duser"] = new("destination.user.name", MapKind.Text),
        ["dstuser"] = new("destination.user.name", MapKind.Text),
        ["action"] = new(FieldNames.EventAction, MapKind.Text),
        ["act"] = new(FieldNames.EventAction, MapKind.Text),
        ["msg"] = new(FieldNames.Message, MapKind.Message),
        ["message"] = new(FieldNames.Message, MapKind.Message),
        ["logdesc"] = new("event.reason", MapKind.Text),
        ["devname"] = new(FieldNames.ObserverHostname, MapKind.Text, FieldNames.HostName),
        ["device_name"] = new(FieldNames.ObserverHostname, MapKind.Text, FieldNames.HostName),
        ["hostname"] = new(FieldNames.HostName, MapKind.Text),
        ["node"] = new(FieldNames.HostName, MapKind.Text),
        ["devid"] = new("observer.serial_number", MapKind.Text),
        ["proto"] = new(FieldNames.NetworkTransport, MapKind.Transport),
        ["protocol"] = new(FieldNames.NetworkTransport, MapKind.Transport),
        ["service"] = new("network.protocol", MapKind.Lower),
        ["policyid"] = new("rule.id", MapKind.Text),
        ["policyname"] = new("rule.name", MapKind.Text),
        ["level"] = new(FieldNames.LogLevel, MapKind.Lower),
        ["logid"] = new(FieldNames.EventCode, MapKind.Text),
        ["sentbyte"] = new("source.bytes", MapKind.Long),
        ["rcvdbyte"] = new("destination.bytes", MapKind.Long),
        ["url"] = new("url.original", MapKind.Text),
        ["exe"] = new("process.executable", MapKind.Text),
        ["comm"] = new(FieldNames.ProcessName, MapKind.Text),
        ["pid"] = new(FieldNames.ProcessPid, MapKind.Long),
        ["ppid"] = new("process.parent.pid", MapKind.Long),
        ["uid"] = new("user.id", MapKind.Text),
        ["auid"] = new("user.audit.id", MapKind.Text),
        ["res"] = new(FieldNames.EventOutcome, MapKind.Outcome),
        ["result"] = new(FieldNames.EventOutcome, MapKind.Outcome),
        ["outcome"] = new(FieldNames.EventOutcome, MapKind.Outcome),
    };


    /// <summary>Stores <paramref name="value"/> under the mapped ECS name(s).</summary>
    public static void Apply(EventBuilder b, in FieldMap map, string value, ReadOnlySpan<byte> raw)
    {
        switch (map.Kind)
        {
            case MapKind.Long:
                if (Text.TryParseLong(value, out long n))
                {
                    b.Set(map.Target, Text.Box(n));
                }

                break;
            case MapKind.Ip:
                if (value.Length > 0 && value != "-")
                {
                    b.Set(map.Target, value);
                }

                break;
            case MapKind.Lower:
                b.Set(map.Target, LowerAscii(value));
                break;
            case MapKind.Message:
                b.Message = value;
                break;
            case MapKind.Timestamp:
                if (Timestamps.TryParseAny(raw, b.Received, b.LocalTimeZone, out DateTimeOffset ts))
                {
                    b.Timestamp = ts;
                }
                else
                {
                    b.AddError($"timestamp '{Shorten(value)}' is not understood; received time used");
                }

                break;
            case MapKind.TimeString:
                if (Timestamps.TryParseAny(raw, b.Received, b.LocalTimeZone, out DateTimeOffset t))
                {
                    b.Set(map.Target, Timestamps.Format(t));
                }

                break;
            case MapKind.Outcome:
                if (NormaliseOutcome(value) is { } outcome)
                {
                    b.Set(map.Target, outcome);
                }

                break;
            case MapKind.FileHash:
                string? algorithm = value.Length switch
                {
                    32 => "file.hash.md5",
                    40 => "file.hash.sha1",
                    64 => "file.hash.sha256",
                    128 => "file.hash.sha512",
                    _ => null,
                };
                if (algorithm is not null)
                {
                    b.Set(algorithm, LowerAscii(value));
                }

                break;
            case MapKind.Severity:
                if (Text.TryParseLong(value, out long sev))
                {
                    b.Set(map.Target, Text.Box(sev));
                }

                break;
            case MapKind.Transport:
                b.Set(map.Target, value switch
                {
                    "6" => "tcp",
                    "17" => "udp",
                    "1" => "icmp",
                    "58" => "ipv6-icmp",
                    _ => LowerAscii(value),
                });
                break;
            default:
                b.Set(map.Target, value);
                break;
        }

        if (map.Also is null)
        {
            return;
        }

        if (map.AlsoWins)
        {
            b.Set(map.Also, value);
        }
        else
        {
            b.SetIfAbsent(map.Also, value);
        }
    }

    public static string? NormaliseOutcome(string value)
    {
        if (value.Equals("success", StringComparison.OrdinalIgnoreCase) || value.Equals("succeeded", StringComparison.OrdinalIgnoreCase)
            || value.Equals("yes", StringComparison.OrdinalIgnoreCase) || value.Equals("successful", StringComparison.OrdinalIgnoreCase)
            || value.Equals("allow", StringComparison.OrdinalIgnoreCase) || value == "/Success")
        {
            return "success";
        }

        if (value.Equals("failure", StringComparison.OrdinalIgnoreCase) || value.Equals("failed", StringComparison.OrdinalIgnoreCase)
            || value.Equals("fail", StringComparison.OrdinalIgnoreCase) || value.Equals("no", StringComparison.OrdinalIgnoreCase)
            || value == "/Failure")
        {
            return "failure";
        }

        return value.Equals("unknown", StringComparison.OrdinalIgnoreCase) ? "unknown" : null;
    }

    public static string LowerAscii(string value)
    {
        foreach (char c in value)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                return value.ToLowerInvariant();
            }
        }

        return value;
    }

    public static string Shorten(string value) => value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 64), "…");
}

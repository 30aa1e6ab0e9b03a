namespace Yagura.Core.Events;

/// <summary>ECS field names that the platform itself relies on.</summary>
public static class FieldNames
{
    public const string Timestamp = "@timestamp";
    public const string TenantId = "tenant.id";
    public const string EventOriginal = "event.original";
    public const string EventCreated = "event.created";
    public const string EventId = "event.id";
    public const string Message = "message";
    public const string ErrorMessage = "error.message";

    public const string EventCode = "event.code";
    public const string EventAction = "event.action";
    public const string EventOutcome = "event.outcome";
    public const string EventSeverity = "event.severity";
    public const string EventDataset = "event.dataset";
    public const string EventModule = "event.module";
    public const string HostName = "host.name";
    public const string SourceIp = "source.ip";
    public const string SourcePort = "source.port";
    public const string DestinationIp = "destination.ip";
    public const string DestinationPort = "destination.port";
    public const string UserName = "user.name";
    public const string ProcessName = "process.name";
    public const string ProcessPid = "process.pid";
    public const string ObserverVendor = "observer.vendor";
    public const string ObserverProduct = "observer.product";
    public const string ObserverVersion = "observer.version";
    public const string ObserverHostname = "observer.hostname";
    public const string ObserverIp = "observer.ip";
    public const string LogLevel = "log.level";
    public const string LogSourceAddress = "log.source.address";
    public const string LogSyslogFacilityCode = "log.syslog.facility.code";
    public const string LogSyslogSeverityCode = "log.syslog.severity.code";
    public const string LogSyslogAppName = "log.syslog.appname";
    public const string LogSyslogProcId = "log.syslog.procid";
    public const string LogSyslogMsgId = "log.syslog.msgid";
    public const string LogSyslogVersion = "log.syslog.version";
    public const string LogSyslogStructuredData = "log.syslog.structured_data";
    public const string LogFormat = "log.format";
    public const string EventTruncated = "event.truncated";
    public const string NetworkTransport = "network.transport";

    /// <summary>True for fields holding IP addresses (ECS <c>*.ip</c>), on which CIDR matches apply.</summary>
    public static bool IsIpField(string name) =>
        name.EndsWith(".ip", StringComparison.Ordinal) || name == "ip";
}

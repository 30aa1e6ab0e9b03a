using Yagura.Core.Events;
using Yagura.Ingest.Parsing.Internal;

namespace Yagura.Ingest.Parsing.Syslog;

/// <summary>What RFC 3164 and RFC 5424 share: PRI and the fields derived from it.</summary>
internal static class SyslogHeader
{
    private static readonly string[] SeverityNames =
        ["Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug"];

    private static readonly string[] Levels =
        ["emergency", "alert", "critical", "error", "warning", "notice", "informational", "debug"];

    private static readonly string[] FacilityNames =
    [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
        "ntp", "security", "console", "solaris-cron", "local0", "local1", "local2", "local3", "local4", "local5",
        "local6", "local7",
    ];

    /// <summary>Reads <c>&lt;PRI&gt;</c> (1–3 digits). Values above 191 are read but reported by the caller.</summary>
    public static bool TryReadPri(ReadOnlySpan<byte> s, out int pri, out int consumed)
    {
        pri = 0;
        consumed = 0;
        if (s.Length < 3 || s[0] != '<')
        {
            return false;
        }

        int p = 1;
        while (p < s.Length && p <= 4 && Text.IsDigit(s[p]))
        {
            pri = (pri * 10) + (s[p] - '0');
            p++;
        }

        if (p == 1 || p > 4 || p >= s.Length || s[p] != '>')
        {
            return false;
        }

        consumed = p + 1;
        return true;
    }

    public static void SetPri(EventBuilder b, int pri)
    {
        if (pri > 191)
        {
            b.AddError($"syslog PRI {pri} is out of range (0-191); facility and severity not set");
            return;
        }

        int facility = pri >> 3;
        int severity = pri & 7;
        b.Set(FieldNames.LogSyslogFacilityCode, Text.Box(facility));
        b.Set("log.syslog.facility.name", FacilityNames[facility]);
        b.Set(FieldNames.LogSyslogSeverityCode, Text.Box(severity));
        b.Set("log.syslog.severity.name", SeverityNames[severity]);
        b.Set(FieldNames.LogLevel, Levels[severity]);
    }

    public static void SetHostName(EventBuilder b, string host)
    {
        b.Set(FieldNames.HostName, host);
        b.Set(FieldNames.ObserverHostname, host);
    }

    /// <summary>Sets app name and pid; the pid only becomes <c>process.pid</c> when it is a number.</summary>
    public static void SetProcess(EventBuilder b, ReadOnlySpan<byte> appName, ReadOnlySpan<byte> procId)
    {
        if (!appName.IsEmpty)
        {
            string app = Text.Decode(appName);
            b.Set(FieldNames.LogSyslogAppName, app);
            b.Set(FieldNames.ProcessName, app);
            if (app.Length > 1 && app[0] == '%')
            {
                SetCiscoMnemonic(b, app);
            }
        }

        if (!procId.IsEmpty)
        {
            b.Set(FieldNames.LogSyslogProcId, Text.Decode(procId));
            if (Text.TryParseLong(procId, out long pid))
            {
                b.Set(FieldNames.ProcessPid, Text.Box(pid));
            }
        }
    }

    // %ASA-6-302013 / %SYS-5-CONFIG_I: facility, severity and message id of Cisco ASA, FTD and IOS.
    private static void SetCiscoMnemonic(EventBuilder b, string tag)
    {
        ReadOnlySpan<char> t = tag.AsSpan(1);
        int first = t.IndexOf('-');
        if (first <= 0)
        {
            return;
        }

        ReadOnlySpan<char> rest = t[(first + 1)..];
        int second = rest.IndexOf('-');
        if (second != 1 || !char.IsAsciiDigit(rest[0]) || rest.Length < 3)
        {
            return;
        }

        ReadOnlySpan<char> facility = t[..first];
        b.Set(FieldNames.EventCode, rest[2..].ToString());
        b.Set(FieldNames.EventSeverity, Text.Box(rest[0] - '0'));
        b.Set(FieldNames.ObserverVendor, "Cisco");
        if (facility is "ASA" or "FTD" or "PIX" or "FWSM")
        {
            b.Set(FieldNames.ObserverProduct, facility.ToString());
        }
    }
}

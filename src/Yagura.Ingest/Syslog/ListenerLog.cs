using Microsoft.Extensions.Logging;

namespace Yagura.Ingest.Syslog;

internal static partial class ListenerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "syslog {Transport} connection from {Source} ended: {Error}")]
    public static partial void ConnectionEnded(ILogger logger, Transport transport, string? source, string error);

    [LoggerMessage(Level = LogLevel.Critical, Message = "syslog {Transport} connection from {Source} closed: the spool stopped accepting: {Error}")]
    public static partial void SpoolFailed(ILogger logger, Transport transport, string? source, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "syslog udp receive failed: {Error}")]
    public static partial void UdpReceiveFailed(ILogger logger, string error);
}

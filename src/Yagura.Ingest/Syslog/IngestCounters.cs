namespace Yagura.Ingest.Syslog;

/// <summary>What the listeners have seen, for health and the CLI. Updated with interlocked operations.</summary>
public sealed class IngestCounters
{
    private long _received;
    private long _truncated;
    private long _framingErrors;
    private long _connections;

    public long Received => Interlocked.Read(ref _received);

    public long Truncated => Interlocked.Read(ref _truncated);

    public long FramingErrors => Interlocked.Read(ref _framingErrors);

    public long Connections => Interlocked.Read(ref _connections);

    internal void AddReceived(int count, int truncated)
    {
        Interlocked.Add(ref _received, count);
        if (truncated > 0)
        {
            Interlocked.Add(ref _truncated, truncated);
        }
    }

    internal void AddFramingErrors(int count) => Interlocked.Add(ref _framingErrors, count);

    internal void ConnectionOpened() => Interlocked.Increment(ref _connections);
}

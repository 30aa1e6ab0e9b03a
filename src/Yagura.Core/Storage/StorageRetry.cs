using System.Data.Common;

namespace Yagura.Core.Storage;

/// <summary>
/// Retries a store write with back-off (100 ms doubling to 30 s) until it succeeds: what the pipeline writes is never
/// skipped, it stays in the spool until the store takes it. Gives up only when the cancellation token
/// is cancelled.
/// </summary>
public static class StorageRetry
{
    /// <returns>False when stopped by cancellation before a write succeeded.</returns>
    public static bool Run(Action attempt, Action<Exception, TimeSpan> failed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(failed);
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                attempt();
                return true;
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or DbException)
            {
                failed(ex, delay);
                if (cancellationToken.IsCancellationRequested)
                {
                    return false;
                }

                Thread.Sleep(delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }
}

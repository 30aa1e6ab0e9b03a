using System.Runtime.InteropServices;

namespace Yagura.Core.Threading;

/// <summary>
/// Lets background work (parsing, indexing) yield the CPU to the accept path. On a busy machine the listeners must
/// keep taking messages into the spool at full speed while processing catches up behind them; the spool is what
/// makes that safe. .NET's <see cref="Thread.Priority"/> does nothing on Linux, so this sets the thread's nice value.
/// </summary>
public static partial class BackgroundPriority
{
    /// <summary>The nice value given to background threads (0 is normal, 19 the lowest).</summary>
    public const int Nice = 10;

    /// <summary>Lowers the calling thread's scheduling priority. Returns false where that is not possible.</summary>
    public static bool LowerCurrentThread()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return SetPriority(PrioProcess, GetTid(), Nice) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Starts a dedicated background thread with lowered priority.</summary>
    public static Thread Start(string name, Action body)
    {
        var thread = new Thread(() =>
        {
            LowerCurrentThread();
            body();
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return thread;
    }

    private const int PrioProcess = 0;

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();
}

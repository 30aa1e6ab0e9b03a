namespace Yagura.Cli.Server;

/// <summary>
/// The layout of a data directory, and the lock that lets one process at a time own its spool
/// (<c>yagura serve</c> or an offline <c>yagura ingest</c>; searches and admin commands need no lock).
/// </summary>
public sealed class DataDirectory : IDisposable
{
    private readonly FileStream? _lock;

    private DataDirectory(string root, FileStream? lockFile)
    {
        Root = root;
        _lock = lockFile;
    }

    public string Root { get; }

    public string SpoolDirectory => Path.Combine(Root, "spool");

    /// <summary>Opens the directory (creating it) without taking the spool lock.</summary>
    public static DataDirectory Open(string path)
    {
        var root = Path.GetFullPath(path);
        Directory.CreateDirectory(root);
        return new DataDirectory(root, null);
    }

    /// <summary>Opens the directory and takes its spool lock, failing with a clear message when another process has it.</summary>
    public static DataDirectory OpenExclusive(string path, string purpose)
    {
        var root = Path.GetFullPath(path);
        Directory.CreateDirectory(root);
        var lockPath = Path.Combine(root, "yagura.lock");
        try
        {
            var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            using (var writer = new StreamWriter(stream, leaveOpen: true))
            {
                writer.Write($"{Environment.ProcessId} {purpose}\n");
            }

            stream.Flush();
            return new DataDirectory(root, stream);
        }
        catch (IOException)
        {
            var holder = TryRead(lockPath);
            throw new InvalidOperationException(
                $"{root} is in use by another Yagura process ({holder}); stop it first, or send the data to its API (POST /api/v1/ingest)");
        }
    }

    private static string TryRead(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Trim() is { Length: > 0 } text ? "pid " + text : "unknown process";
        }
        catch (IOException)
        {
            return "unknown process";
        }
    }

    public void Dispose() => _lock?.Dispose();
}

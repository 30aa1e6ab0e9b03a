namespace Yagura.Testing;

/// <summary>Where the repository and the shared reference data (../shared: SigmaHQ rules, specifications) are.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root: the nearest directory above the test binaries holding Yagura.slnx.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The shared directory next to the repository (read in tests, never copied in).</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string Content(params string[] parts) => Path.Combine([Root, "content", .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Yagura.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Yagura.slnx not found above " + AppContext.BaseDirectory);
    }
}

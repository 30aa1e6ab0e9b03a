namespace Yagura.Detection.Tests.Correlation;

/// <summary>
/// The Sigma specification checkout shared by the worktrees (<c>shared/sigma-specification</c> in a parent
/// directory of the test binaries). It is read in place, not copied into the repository.
/// </summary>
internal static class SpecificationFiles
{
    public static string CorrelationExamples => Path.Combine(Root, "tests", "schema", "correlation");

    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "sigma-specification");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException($"No shared/sigma-specification above {AppContext.BaseDirectory}.");
        }
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

using Yagura.Assessment.Assessments;

namespace Yagura.Assessment.History;

/// <summary>
/// Dated assessments kept in a data directory: each a copy of the file as written (comments and all) in
/// <c>DATA/assessments/&lt;date&gt;_&lt;organisation key&gt;.yml</c>. The key is the organisation's name folded to
/// ASCII letters, digits and '-', then 8 hex digits of its SHA-256, so two names that fold alike (or a Japanese name,
/// which folds to nothing) still get files of their own. One file per organisation and date: saving the same date again
/// needs <c>replace</c>.
/// </summary>
public static class AssessmentArchive
{
    public const string DirectoryName = "assessments";

    public static string Directory(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), DirectoryName);

    /// <summary>The file name an organisation's assessment of a date is kept under.</summary>
    public static string FileName(string organization, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(organization);
        var slug = new StringBuilder();
        foreach (var c in organization.ToLowerInvariant())
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var folded = slug.ToString().Trim('-');
        folded = folded.Length > 40 ? folded[..40].TrimEnd('-') : folded;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(organization)).AsSpan(0, 4));
        return $"{date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}_{(folded.Length > 0 ? folded + "-" : "")}{hash}.yml";
    }

    /// <summary>
    /// Keeps <paramref name="text"/>, the file <paramref name="file"/> was read from, under its organisation and date.
    /// Returns the path, or null when that organisation already has an assessment of that date and
    /// <paramref name="replace"/> is false (nothing is written then). The copy is written whole or not at all.
    /// </summary>
    public static string? Save(string dataDirectory, string text, AssessmentFile file, bool replace)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(file);
        var directory = System.IO.Directory.CreateDirectory(Directory(dataDirectory)).FullName;
        var path = Path.Combine(directory, FileName(file.Organization, file.Date));
        var temporary = Path.Combine(directory, $".{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temporary, text, new UTF8Encoding(false));
        try
        {
            File.Move(temporary, path, replace);
            return path;
        }
        catch (IOException) when (!replace && File.Exists(path))
        {
            return null;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// The kept assessments, oldest first (then by organisation); a file that no longer reads (edited by hand) is
    /// listed with its errors instead of its contents.
    /// </summary>
    public static IReadOnlyList<ArchivedAssessment> List(string dataDirectory)
    {
        var directory = Directory(dataDirectory);
        if (!System.IO.Directory.Exists(directory))
        {
            return [];
        }

        return
        [
            .. System.IO.Directory.EnumerateFiles(directory, "*.yml")
                .Select(Read)
                .OrderBy(a => a.File?.Date ?? DateOnly.MaxValue)
                .ThenBy(a => a.File?.Organization, StringComparer.Ordinal)
                .ThenBy(a => a.Path, StringComparer.Ordinal),
        ];
    }

    /// <summary>The kept assessments of one date (several when several organisations share the directory).</summary>
    public static IReadOnlyList<ArchivedAssessment> Find(string dataDirectory, DateOnly date) =>
        [.. List(dataDirectory).Where(a => a.File?.Date == date)];

    private static ArchivedAssessment Read(string path)
    {
        var result = AssessmentParser.Parse(File.ReadAllText(path));
        return new ArchivedAssessment(path, result.File, result.Errors);
    }
}

/// <summary>A kept assessment: its path and contents, or the errors that keep it from being read.</summary>
public sealed record ArchivedAssessment(string Path, AssessmentFile? File, IReadOnlyList<Diagnostic> Errors);

using YamlDotNet.RepresentationModel;

namespace Yagura.Detection.Sigma;

/// <summary>
/// A Sigma global filter (sigma-filters-specification 2.1): a condition added to the rules it lists, as pySigma
/// applies it: the rule matches only when its own condition and the filter's condition both hold, so a filter that
/// suppresses is written <c>condition: not selection</c>.
/// </summary>
public sealed class SigmaFilter
{
    internal SigmaFilter(YamlMappingNode detection) => Detection = detection;

    public string? Id { get; init; }

    public required string Title { get; init; }

    public string? Description { get; init; }

    /// <summary>The log source a rule must be of (every part the filter names) for the filter to apply to it.</summary>
    public required SigmaLogSource LogSource { get; init; }

    /// <summary>The rules the filter applies to, by id or name, as written.</summary>
    public required IReadOnlyList<string> Rules { get; init; }

    /// <summary>The tenant the filter applies to (from a <c>tenants/&lt;id&gt;/</c> directory in its path); null for every tenant.</summary>
    public string? Tenant { get; init; }

    public required string Path { get; init; }

    public int Line { get; init; }

    /// <summary>The <c>filter</c> map (search identifiers, <c>rules</c>, <c>condition</c>), compiled per rule product.</summary>
    internal YamlMappingNode Detection { get; }

    /// <summary>The tenant a filter file is for: the directory after the last <c>tenants</c> directory of its path.</summary>
    internal static string? TenantOf(string path)
    {
        var directories = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))?
            .Split([System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries) ?? [];
        var index = Array.LastIndexOf(directories, "tenants");
        return index >= 0 && index + 1 < directories.Length ? directories[index + 1] : null;
    }

    public override string ToString() => Id is null ? Title : $"{Title} ({Id})";
}

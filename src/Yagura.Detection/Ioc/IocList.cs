using Yagura.Detection.Ioc.Internal;

namespace Yagura.Detection.Ioc;

/// <summary>A named list of indicators, as loaded from one file, with the lines that could not be read.</summary>
public sealed class IocList
{
    public IocList(string name, IEnumerable<IocIndicator> indicators, IEnumerable<IocLoadError>? errors = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(indicators);
        Name = name;
        Indicators = [.. indicators];
        Errors = errors is null ? [] : [.. errors];
    }

    /// <summary>The list's source name, reported with every hit.</summary>
    public string Name { get; }

    public IReadOnlyList<IocIndicator> Indicators { get; }

    /// <summary>Lines skipped while loading, with their file, line number and reason.</summary>
    public IReadOnlyList<IocLoadError> Errors { get; }

    /// <summary>
    /// Loads a list file: CSV when the name ends in <c>.csv</c> (a header row naming an <c>indicator</c>, <c>value</c> or
    /// <c>ioc</c> column, and optionally <c>type</c>, <c>source</c>, <c>expires</c>, <c>description</c>), otherwise plain
    /// text (one indicator per line, its type detected, text after it kept as the description). In both, blank lines
    /// and lines starting with <c>#</c> are skipped. Bad lines are skipped and listed in <see cref="Errors"/>.
    /// </summary>
    /// <param name="path">The file; its extension chooses the format.</param>
    /// <param name="name">The source name; by default the file name without its extension.</param>
    /// <exception cref="IOException">The file cannot be read (a missing file is not a bad line).</exception>
    public static IocList Load(string path, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        name ??= Path.GetFileNameWithoutExtension(path);
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        var indicators = new List<IocIndicator>();
        var errors = new List<IocLoadError>();
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            IocFileReader.ReadCsv(reader, path, indicators, errors);
        }
        else
        {
            IocFileReader.ReadText(reader, path, indicators, errors);
        }

        return new IocList(name, indicators, errors);
    }
}

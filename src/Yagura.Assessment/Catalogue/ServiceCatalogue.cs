using System.Reflection;

using YamlDotNet.RepresentationModel;

using Yagura.Assessment.Assessments;
using Yagura.Assessment.Internal;

namespace Yagura.Assessment.Catalogue;

/// <summary>
/// The X.1060 service catalogue (<c>content/x1060/catalogue.yml</c>): categories, services, Figure 17's teams and
/// Table 11's staffing levels; an assessment adds its organisation's custom services with <see cref="WithCustomServices"/>.
/// </summary>
public sealed class ServiceCatalogue
{
    private readonly Dictionary<string, Service> _services;

    private ServiceCatalogue(IReadOnlyList<Category> categories, IReadOnlyList<Team> teams, IReadOnlyList<StaffingLevel> staffingLevels)
    {
        Categories = categories;
        Teams = teams;
        StaffingLevels = staffingLevels;
        _services = Services.ToDictionary(s => s.Id, StringComparer.Ordinal);
    }

    /// <summary>The catalogue shipped in this assembly.</summary>
    public static ServiceCatalogue Default { get; } = LoadDefault();

    public IReadOnlyList<Category> Categories { get; }

    public IReadOnlyList<Team> Teams { get; }

    public IReadOnlyList<StaffingLevel> StaffingLevels { get; }

    /// <summary>Every service in catalogue order (by category, custom services last in theirs).</summary>
    public IEnumerable<Service> Services => Categories.SelectMany(c => c.Services);

    public Service? Find(string id) => _services.GetValueOrDefault(id);

    public Category Category(char id) => Categories.First(c => c.Id == id);

    public Team Team(string id) => Teams.First(t => t.Id == id);

    /// <summary>This catalogue with <paramref name="custom"/> appended to their categories.</summary>
    public ServiceCatalogue WithCustomServices(IReadOnlyCollection<Service> custom) =>
        custom.Count == 0 ? this : new(
            [.. Categories.Select(c => c with { Services = [.. c.Services, .. custom.Where(s => s.Category == c.Id)] })], Teams, StaffingLevels);

    /// <summary>Reads a catalogue; throws <see cref="InvalidDataException"/> naming the line of the first problem.</summary>
    public static ServiceCatalogue Load(string yaml)
    {
        var bag = new DiagnosticBag();
        var catalogue = Read(yaml, bag);
        return bag.Errors.Concat(bag.Warnings).FirstOrDefault() is { } problem
            ? throw new InvalidDataException("X.1060 catalogue: " + problem.Format(Language.En))
            : catalogue!;
    }

    private static ServiceCatalogue LoadDefault()
    {
        using var stream = typeof(ServiceCatalogue).Assembly.GetManifestResourceStream("Yagura.Assessment.catalogue.yml")
            ?? throw new InvalidOperationException("the X.1060 catalogue is not embedded in " + typeof(ServiceCatalogue).Assembly.GetName().Name);
        using var reader = new StreamReader(stream);
        return Load(reader.ReadToEnd());
    }

    private static ServiceCatalogue? Read(string yaml, DiagnosticBag bag)
    {
        if (YamlNodes.LoadMapping(yaml, bag) is not { } root)
        {
            return null;
        }

        List<Team> teams = [];
        List<StaffingLevel> levels = [];
        List<Category> categories = [];
        YamlNode? categoryNodes = null;
        foreach (var (key, value) in root.Entries(bag))
        {
            switch (key)
            {
                case "teams":
                    teams.AddRange(value.Mappings(bag, key).Select(t => new Team(
                        t.Get("id")?.Text(bag, "id") ?? "", ServiceReader.Text(t.Get("name"), bag, "name") ?? new("", ""), Staffing(t.Get("staffing"), bag))));
                    break;
                case "staffing_levels":
                    levels.AddRange(value.Mappings(bag, key).Select(l => new StaffingLevel(
                        l.Get("level")?.Integer(bag, "level") ?? -1,
                        l.Get("headcount")?.Integer(bag, "headcount") ?? -1,
                        ServiceReader.Text(l.Get("summary"), bag, "summary") ?? new("", ""))));
                    break;
                case "categories":
                    categoryNodes = value;
                    break;
                default:
                    bag.Warn(value.Line(), null, "unknown-key", $"不明なキー '{key}'", $"unknown key '{key}'");
                    break;
            }
        }

        // Categories last: their services name teams.
        var teamIds = teams.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var node in categoryNodes?.Mappings(bag, "categories") ?? [])
        {
            var id = node.Get("id")?.Text(bag, "id") is [var letter] ? letter : '?';
            var services = node.Get("services") is { } s ? s.Mappings(bag, "services").Select(n => ServiceReader.Read(n, id, teamIds, bag)).OfType<Service>().ToList() : [];
            categories.Add(new Category(id, ServiceReader.Text(node.Get("name"), bag, "name") ?? new("", ""), node.Get("v2_1")?.Text(bag, "v2_1"), services));
        }

        return new ServiceCatalogue(categories, teams, levels);
    }

    private static List<LocalizedText?> Staffing(YamlNode? node, DiagnosticBag bag)
    {
        if (node is not YamlMappingNode map)
        {
            return [];
        }

        string?[] Column(string language) => map.Get(language) is YamlSequenceNode s ? [.. s.Children.Select(c => c.Text(bag, language))] : [];
        var (ja, en) = (Column("ja"), Column("en"));
        if (ja.Length != 4 || en.Length != 4)
        {
            bag.Error(map.Line(), null, "structure", "staffing には Level 0–3 の 4 つを書きます", "staffing needs four entries, Level 0 to 3");
        }

        return [.. ja.Zip(en, (j, e) => j is null || e is null ? null : new LocalizedText(j, e))];
    }
}

using YamlDotNet.RepresentationModel;

using Yagura.Assessment.Assessments;
using Yagura.Assessment.Internal;

namespace Yagura.Assessment.Catalogue;

/// <summary>Reads a service entry: of the catalogue (its category is the parent's) or of an assessment's <c>custom_services</c>.</summary>
internal static class ServiceReader
{
    /// <summary>
    /// The service, or null once the error is in the bag (no id, category or name). <paramref name="category"/> is the
    /// catalogue category it is listed under; null for a custom service, which names its own.
    /// </summary>
    public static Service? Read(YamlMappingNode map, char? category, IReadOnlySet<string> teams, DiagnosticBag bag)
    {
        var id = map.Get("id")?.Text(bag, "id");
        var letter = category;
        LocalizedText? name = null, summary = null;
        ManagementProcess? process = null;
        List<Area> areas = [];
        List<string> teamIds = [], roles = [];
        foreach (var (key, value) in map.Entries(bag, id))
        {
            switch (key)
            {
                case "id":
                    break;
                case "category" when category is null:
                    if (value.Text(bag, key, id) is [var c and >= 'A' and <= 'I'])
                    {
                        letter = c;
                    }
                    else
                    {
                        bag.Error(value.Line(), id, "invalid-value", "category は A–I のどれかです", "category must be one of A to I");
                    }

                    break;
                case "name":
                    name = Text(value, bag, key, id);
                    break;
                case "summary":
                    summary = Text(value, bag, key, id);
                    break;
                case "process":
                    process = value.Enum<ManagementProcess>(bag, key, id);
                    break;
                case "areas":
                    areas = [.. value.Items(bag, key, id).Select(a => a.Enum<Area>(bag, key, id)).OfType<Area>()];
                    break;
                case "teams":
                    foreach (var team in value.Items(bag, key, id))
                    {
                        if (team.Text(bag, key, id) is not { } t)
                        {
                            continue;
                        }

                        if (teams.Contains(t))
                        {
                            teamIds.Add(t);
                        }
                        else
                        {
                            bag.Warn(team.Line(), id, "invalid-value", $"チーム '{t}' はありません（{string.Join(" | ", teams)}）", $"no team '{t}' ({string.Join(" | ", teams)})");
                        }
                    }

                    break;
                case "v2_1":
                    roles = [.. value.Items(bag, key, id).Select(r => r.Text(bag, key, id)).OfType<string>()];
                    break;
                default:
                    bag.Warn(value.Line(), id, "unknown-key", $"不明なキー '{key}'", $"unknown key '{key}'");
                    break;
            }
        }

        var missing = (id, letter, name) switch
        {
            (null or "", _, _) => "id",
            (_, null, _) => "category",
            (_, _, null) => "name",
            _ => null,
        };
        if (missing is not null)
        {
            bag.Error(map.Line(), id, "missing-key", $"{missing} がありません", $"{missing} is missing");
            return null;
        }

        return new Service(id!, letter!.Value, name!)
        {
            Summary = summary,
            Process = process,
            Areas = areas,
            Teams = teamIds,
            Version21Roles = roles,
            IsCustom = category is null,
        };
    }

    /// <summary>A text in both languages, <c>{ ja: …, en: … }</c>, or one text for both.</summary>
    public static LocalizedText? Text(YamlNode? node, DiagnosticBag bag, string key, string? serviceId = null)
    {
        if (node is not YamlMappingNode map)
        {
            return node?.Text(bag, key, serviceId) is { } text ? new(text, text) : null;
        }

        string? ja = null, en = null;
        foreach (var (language, value) in map.Entries(bag, serviceId))
        {
            switch (language)
            {
                case "ja":
                    ja = value.Text(bag, key, serviceId);
                    break;
                case "en":
                    en = value.Text(bag, key, serviceId);
                    break;
                default:
                    bag.Warn(value.Line(), serviceId, "unknown-key", $"{key} には ja と en を書きます（'{language}' は不明）", $"{key} takes ja and en ('{language}' is unknown)");
                    break;
            }
        }

        return ja is null && en is null ? null : new(ja ?? en!, en ?? ja!);
    }
}

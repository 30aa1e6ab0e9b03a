using System.Globalization;

using YamlDotNet.RepresentationModel;

using Yagura.Assessment.Catalogue;
using Yagura.Assessment.Internal;

namespace Yagura.Assessment.Assessments;

/// <summary>
/// Reads an assessment file. Errors (the file is not evaluated): invalid YAML, a file that is not a mapping, no
/// organization, no or a malformed date, services or custom_services that are not lists, an entry without id, a
/// custom service without id, category or name or with an id already taken. Everything else wrong is a warning and
/// the value (or, for unknown and duplicated ids, the entry) is ignored: see docs/assessment.md.
/// </summary>
public static class AssessmentParser
{
    public static AssessmentParseResult Parse(string text, ServiceCatalogue? catalogue = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        catalogue ??= ServiceCatalogue.Default;
        var bag = new DiagnosticBag();
        var language = text.Any(IsJapanese) ? Language.Ja : Language.En;
        if (YamlNodes.LoadMapping(text, bag) is not { } root)
        {
            return new(null, bag.Errors, language);
        }

        string? organization = null, tenant = null;
        DateOnly? date = null;
        OrganisationPattern? current = null, target = null;
        YamlNode? services = null, custom = null;
        foreach (var (key, value) in root.Entries(bag))
        {
            switch (key)
            {
                case "organization":
                    organization = value.Text(bag, key);
                    break;
                case "date":
                    date = Date(value, bag);
                    break;
                case "language":
                    language = value.Enum<Language>(bag, key) ?? language;
                    break;
                case "tenant":
                    tenant = Tenant(value, bag);
                    break;
                case "pattern":
                    (current, target) = Pattern(value, bag);
                    break;
                case "custom_services":
                    custom = value;
                    break;
                case "services":
                    services = value;
                    break;
                default:
                    bag.Warn(value.Line(), null, "unknown-key", $"不明なキー '{key}'", $"unknown key '{key}'");
                    break;
            }
        }

        if (string.IsNullOrWhiteSpace(organization))
        {
            bag.Error((root.Get("organization") ?? root).Line(), null, "missing-key", "organization に組織名を書きます", "organization must name the organisation");
        }

        if (root.Get("date") is null)
        {
            bag.Error(root.Line(), null, "missing-key", "date（評価日 YYYY-MM-DD）がありません", "date (of the assessment, YYYY-MM-DD) is missing");
        }

        if (services is null)
        {
            bag.Error(root.Line(), null, "missing-key", "services（サービスのリスト）がありません", "services (the list of services) is missing");
        }

        var full = catalogue.WithCustomServices(CustomServices(custom, catalogue, bag));
        var entries = Services(services, full, bag);
        return bag.Errors.Count > 0
            ? new(null, bag.Errors, language)
            : new(new AssessmentFile(organization!, date!.Value, language, full)
            {
                Tenant = tenant,
                TenantLine = root.Get("tenant")?.Line() ?? 0,
                CurrentPattern = current,
                TargetPattern = target,
                Services = entries,
                Warnings = bag.Warnings,
            }, [], language);
    }

    private static bool IsJapanese(char c) => c is >= '\u3040' and <= '\u30ff' or >= '\u4e00' and <= '\u9fff';

    private static DateOnly? Date(YamlNode node, DiagnosticBag bag)
    {
        if (node.Text(bag, "date") is { } text && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        bag.Error(node.Line(), null, "invalid-value", "date は YYYY-MM-DD の日付です（例: 2026-11-01）", "date must be a date as YYYY-MM-DD (e.g. 2026-11-01)");
        return null;
    }

    /// <summary>
    /// An error, not a warning, when malformed: the value dropped would widen the evidence to every tenant.
    /// </summary>
    private static string? Tenant(YamlNode node, DiagnosticBag bag)
    {
        if (node.IsNull())
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { } text } && Core.Tenancy.Tenant.IsValidId(text))
        {
            return text;
        }

        var shown = node is YamlScalarNode { Value: { } value } ? $" '{value}'" : "";
        bag.Error(node.Line(), null, "invalid-value", $"tenant{shown} はテナント ID ではありません（英小文字・数字・'-'・'_'）", $"tenant{shown} is not a tenant id (lower-case letters, digits, '-' and '_')");
        return null;
    }

    private static (OrganisationPattern? Current, OrganisationPattern? Target) Pattern(YamlNode node, DiagnosticBag bag)
    {
        if (node is not YamlMappingNode map)
        {
            if (!node.IsNull())
            {
                bag.Warn(node.Line(), null, "invalid-value", "pattern は { current: …, target: … } と書きます", "pattern must be { current: …, target: … }");
            }

            return (null, null);
        }

        OrganisationPattern? current = null, target = null;
        foreach (var (key, value) in map.Entries(bag))
        {
            switch (key)
            {
                case "current":
                    current = value.Enum<OrganisationPattern>(bag, "pattern.current");
                    break;
                case "target":
                    target = value.Enum<OrganisationPattern>(bag, "pattern.target");
                    break;
                default:
                    bag.Warn(value.Line(), null, "unknown-key", $"pattern の不明なキー '{key}'（current と target）", $"unknown key '{key}' in pattern (current, target)");
                    break;
            }
        }

        return (current, target);
    }

    private static List<Service> CustomServices(YamlNode? node, ServiceCatalogue catalogue, DiagnosticBag bag)
    {
        List<Service> services = [];
        var teams = catalogue.Teams.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var item in node is null || node.IsNull() ? [] : node.Mappings(bag, "custom_services"))
        {
            if (ServiceReader.Read(item, null, teams, bag) is not { } service)
            {
                continue;
            }

            if (catalogue.Find(service.Id) is not null || services.Any(s => s.Id == service.Id))
            {
                bag.Error(item.Line(), service.Id, "duplicate-service", "この ID はすでにあります。独自サービスには別の ID を付けます", "this id is taken; give the custom service another one");
            }
            else
            {
                services.Add(service);
            }
        }

        return services;
    }

    private static Dictionary<string, ServiceAssessment> Services(YamlNode? node, ServiceCatalogue catalogue, DiagnosticBag bag)
    {
        Dictionary<string, ServiceAssessment> entries = new(StringComparer.Ordinal);
        foreach (var item in node?.Mappings(bag, "services") ?? [])
        {
            if (item.Get("id")?.Text(bag, "id") is not { Length: > 0 } id)
            {
                bag.Error(item.Line(), null, "missing-key", "id がありません", "id is missing");
            }
            else if (catalogue.Find(id) is null)
            {
                bag.Warn(item.Line(), id, "unknown-service", "不明なサービス ID です（A-1 … I-7 か custom_services の ID）。この項目は無視します", "unknown service id (A-1 … I-7 or an id of custom_services); the entry is ignored");
            }
            else if (entries.TryGetValue(id, out var first))
            {
                bag.Warn(item.Line(), id, "duplicate-service", $"{first.Line} 行目と同じ ID です。この項目は無視します", $"already listed at line {first.Line}; this entry is ignored");
            }
            else
            {
                entries[id] = Entry(item, id, bag);
            }
        }

        return entries;
    }

    private static ServiceAssessment Entry(YamlMappingNode map, string id, DiagnosticBag bag)
    {
        var entry = new ServiceAssessment(id, map.Line());
        foreach (var (key, value) in map.Entries(bag, id))
        {
            entry = key switch
            {
                "id" => entry,
                "level" => entry with { Level = value.Enum<RecommendationLevel>(bag, key, id) },
                "reason" => entry with { Reason = value.Enum<NotRequiredReason>(bag, key, id) },
                "assignment" => entry with { Assignment = value.Enum<Assignment>(bag, key, id) },
                "owner" => entry with { Owner = value.Text(bag, key, id) },
                "vendor" => entry with { Vendor = value.Text(bag, key, id) },
                "as_is" => entry with { AsIs = Score(value, key, id, bag) },
                "to_be" => entry with { ToBe = Score(value, key, id, bag) },
                "exclusion" => entry with { Exclusion = value.Text(bag, key, id) },
                "note" => entry with { Note = value.Text(bag, key, id) },
                _ => Unknown(entry, key, value),
            };
        }

        Check(entry, map, bag);
        return entry;

        ServiceAssessment Unknown(ServiceAssessment unchanged, string key, YamlNode value)
        {
            bag.Warn(value.Line(), id, "unknown-key", $"不明なキー '{key}'", $"unknown key '{key}'");
            return unchanged;
        }
    }

    private static Score? Score(YamlNode node, string key, string id, DiagnosticBag bag)
    {
        if (node.Text(bag, key, id) is not { } text)
        {
            return null;
        }

        if (text == "excluded")
        {
            return Assessments.Score.Excluded;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var points) && points is >= 1 and <= 5)
        {
            return new Score(points);
        }

        bag.Warn(node.Line(), id, "score-out-of-range", $"{key} '{text}' は 1–5 の整数か excluded です。この値は無視します", $"{key} '{text}' must be a whole number from 1 to 5, or excluded; the value is ignored");
        return null;
    }

    /// <summary>What the values say together (each reported at the line of the key concerned).</summary>
    private static void Check(ServiceAssessment e, YamlMappingNode map, DiagnosticBag bag)
    {
        int Line(string key) => (map.Get(key) ?? map).Line();
        var excluded = e.AsIs?.IsExcluded == true || e.ToBe?.IsExcluded == true;
        if (e.Level == RecommendationLevel.NotRequired && e.Reason is null)
        {
            bag.Warn(Line("level"), e.Id, "missing-reason", $"不要（not-required）にはその理由 reason を書きます: {Vocabulary.Names<NotRequiredReason>()}（5.2.1）", $"not-required needs a reason: {Vocabulary.Names<NotRequiredReason>()} (section 5.2.1)");
        }

        if (e.Reason is not null && e.Level != RecommendationLevel.NotRequired)
        {
            bag.Warn(Line("reason"), e.Id, "reason-ignored", "reason は level が not-required のときに書きます", "reason is for level not-required only");
        }

        if (e.Level == RecommendationLevel.NotRequired && (e.Assignment is not (null or Assignment.Unassigned) || e.AsIs is not null || e.ToBe is not null))
        {
            bag.Warn(Line("level"), e.Id, "not-required-used", "不要としたサービスに割り当てかスコアがあります。評価では無視します", "a not-required service has an assignment or scores; they are ignored");
        }

        if (excluded && string.IsNullOrWhiteSpace(e.Exclusion))
        {
            bag.Warn(Line(e.AsIs?.IsExcluded == true ? "as_is" : "to_be"), e.Id, "missing-exclusion", "excluded（検討の結果実施しないと判断）には根拠 exclusion を書きます（8.3）", "excluded (evaluated, decided not to do) needs its grounds in exclusion (section 8.3)");
        }

        if (e.Exclusion is not null && !excluded)
        {
            bag.Warn(Line("exclusion"), e.Id, "exclusion-ignored", "exclusion は as_is か to_be が excluded のときだけ使います", "exclusion is for an as_is or to_be of excluded only");
        }

        if (excluded && e.Level == RecommendationLevel.Basic)
        {
            bag.Warn(Line("level"), e.Id, "basic-excluded", "ベーシック（必須）のサービスを実施しない（excluded）と判断しています", "a basic (must-do) service is excluded (decided not to do)");
        }
    }
}

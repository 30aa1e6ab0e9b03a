using System.Globalization;
using System.Text.RegularExpressions;

using YamlDotNet.RepresentationModel;

using Yagura.Detection.Correlation;
using Yagura.Detection.Events;
using Yagura.Detection.Sigma;
using Yagura.Testing;

namespace Yagura.Detection.Tests.Content;

/// <summary>
/// Yagura's own rules (content/rules): they load with the shipped pipelines, carry SigmaHQ's metadata with ATT&amp;CK
/// tags, and each rule file's events under content/rules/tests/&lt;file&gt;/ behave: positive.json fires exactly the
/// rules expected below, with the events expected, and negative.json (near misses) fires nothing. Events run through
/// the whole rule directory at once, as <c>yagura rules test --rules content/rules</c> runs them, so a rule that
/// fires on another file's events fails too.
/// </summary>
public sealed partial class StarterContentTests
{
    private static readonly string RulesDirectory = RepositoryPaths.Content("rules");
    private static readonly string TestsDirectory = Path.Combine(RulesDirectory, "tests");

    private static readonly Lazy<SigmaRuleSet> Set = new(() =>
        SigmaRuleSet.Load([RulesDirectory], SigmaPipeline.Load([RepositoryPaths.Content("pipelines")])));

    private static readonly string[] Tactics =
    [
        "reconnaissance", "resource-development", "initial-access", "execution", "persistence", "privilege-escalation",
        "stealth", "defense-impairment", "credential-access", "discovery", "lateral-movement", "collection",
        "command-and-control", "exfiltration", "impact",
    ];

    private static readonly string[] Levels = ["informational", "low", "medium", "high", "critical"];

    /// <summary>
    /// What each rule file's positive events fire, by rule name: a detection rule with its one event, a correlation
    /// with the events behind it. Written out by hand from the scenario in the events file, not from a run.
    /// </summary>
    private static readonly Dictionary<string, string[]> Expected = new(StringComparer.Ordinal)
    {
        // Event 0 is an unrelated logon; 1..12 fail for 12 accounts from 203.0.113.50; the 10th makes the spray;
        // 13 succeeds from that address.
        ["win_security_password_spray_then_logon"] = [Fired("yagura_win_password_spray_then_logon", [.. Events(1, 10), 13])],
        // Event 0 is unrelated; 1..12 fail for Administrator on WEB01; the 10th makes the count; 13 succeeds there.
        ["win_security_brute_force_then_logon"] = [Fired("yagura_win_brute_force_then_logon", [.. Events(1, 10), 13])],
        // Event 0 is an AES ticket; 1 an RC4 ticket for svc_sql; 2 DCSync as svc_sql; 3 svc_sql adds to Domain Admins.
        ["win_security_ad_privilege_path"] =
        [
            Fired("yagura_win_ad_privilege_path_partial", [1, 2]),
            Fired("yagura_win_ad_privilege_path", [1, 2, 3]),
        ],
        // Event 0 is a FileAccessed; 1..55 download 55 files; the 50th distinct file fires.
        ["m365_audit_mass_file_download"] = [Fired("yagura_m365_mass_file_download", Events(1, 50))],
        ["win_security_audit_log_cleared"] = [Fired("yagura_win_security_log_cleared", [0])],
        ["win_system_eventlog_cleared"] = [Fired("yagura_win_eventlog_cleared", [0])],
        // An AppData\Local\Temp path with arguments, then %TEMP%.
        ["win_system_service_install_temp_path"] =
        [
            Fired("yagura_win_service_install_temp_path", [0]),
            Fired("yagura_win_service_install_temp_path", [1]),
        ],
        ["win_security_service_install_temp_path"] = [Fired("yagura_win_security_service_install_temp_path", [0])],
    };

    public static TheoryData<string> RuleFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in RuleFilePaths())
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [Fact]
    public void RuleDirectory_LoadsWithoutErrorsUnsupportedOrInactiveRules()
    {
        var set = Set.Value;

        Assert.Empty(set.Pipeline.Errors);
        Assert.Empty(set.Errors);
        Assert.Empty(set.Unsupported);
        Assert.Empty(set.Inactive);
        Assert.Equal(set.Total, set.Compiled);
        Assert.Equal(set.Total, set.Rules.Count + set.Correlations.Count);
        Assert.True(set.Total >= Expected.Count, $"only {set.Total} rules under {RulesDirectory}");
        Assert.Empty(set.CreateCorrelationEngine().Problems);
    }

    [Fact]
    public void EveryCorrelation_ReferencesRulesOfTheDirectory()
    {
        var set = Set.Value;
        var known = set.Rules.SelectMany(r => new[] { r.Id, r.Name })
            .Concat(set.Correlations.SelectMany(c => new[] { c.Id, c.Name }))
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

        var dangling = set.Correlations.SelectMany(c => c.Rules.Where(r => !known.Contains(r)).Select(r => $"{c.Name ?? c.Title} → {r}"));

        Assert.Empty(dangling);
    }

    [Fact]
    public void EveryRule_HasSigmaHqMetadataAndAttackTags()
    {
        var problems = new List<string>();
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var documents = 0;
        foreach (var file in RuleFilePaths())
        {
            var stream = new YamlStream();
            using (var reader = File.OpenText(file))
            {
                stream.Load(reader);
            }

            foreach (var document in stream.Documents)
            {
                documents++;
                var rule = (YamlMappingNode)document.RootNode;
                var where = $"{Path.GetFileName(file)}:{rule.Start.Line}";
                void Problem(string text) => problems.Add($"{where}: {text}");

                foreach (var key in new[] { "title", "id", "name", "status", "description", "author", "date", "level" })
                {
                    if (Scalar(rule, key) is not { Length: > 0 })
                    {
                        Problem($"no {key}");
                    }
                }

                if (!Guid.TryParseExact(Scalar(rule, "id") ?? "", "D", out var id) || id.Version != 4 || !ids.Add(id.ToString()))
                {
                    Problem($"id '{Scalar(rule, "id")}' is not a fresh UUID v4 (or is used twice)");
                }

                if (Scalar(rule, "name") is { } name && (!name.StartsWith("yagura_", StringComparison.Ordinal) || !names.Add(name)))
                {
                    Problem($"name '{name}' does not start with yagura_ or is used twice");
                }

                if (Scalar(rule, "author") is { } author && author != "Yagura")
                {
                    Problem($"author '{author}' (expected Yagura)");
                }

                if (!DateOnly.TryParseExact(Scalar(rule, "date") ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                {
                    Problem($"date '{Scalar(rule, "date")}' is not yyyy-MM-dd");
                }

                if (!Levels.Contains(Scalar(rule, "level") ?? ""))
                {
                    Problem($"level '{Scalar(rule, "level")}'");
                }

                if (Sequence(rule, "references").Count == 0)
                {
                    Problem("no references");
                }

                if (Sequence(rule, "falsepositives").Count == 0)
                {
                    Problem("no falsepositives");
                }

                var tags = Sequence(rule, "tags");
                var tactics = tags.Where(t => t.StartsWith("attack.", StringComparison.Ordinal) && !TechniqueTag().IsMatch(t)).ToList();
                foreach (var tactic in tactics.Where(t => !Tactics.Contains(t["attack.".Length..])))
                {
                    Problem($"'{tactic}' is neither an ATT&CK tactic nor a technique tag (attack.t1234 or attack.t1234.001)");
                }

                if (tactics.Count == 0 || !tags.Any(t => TechniqueTag().IsMatch(t)))
                {
                    Problem("tags need at least one ATT&CK tactic and one technique");
                }
            }
        }

        Assert.Empty(problems);
        Assert.Equal(Set.Value.Total, documents);
    }

    [Fact]
    public void RuleFileNames_AreUniqueAndEachHasExpectations()
    {
        var stems = RuleFilePaths().Select(Path.GetFileNameWithoutExtension).ToList();

        Assert.Equal(stems.Count, stems.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(stems.Order(StringComparer.Ordinal), Expected.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryTestDirectory_BelongsToARuleFile()
    {
        var stems = RuleFilePaths().Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.Ordinal);

        var orphans = Directory.EnumerateDirectories(TestsDirectory).Select(Path.GetFileName).Where(d => !stems.Contains(d!));

        Assert.Empty(orphans);
    }

    [Theory]
    [MemberData(nameof(RuleFiles))]
    public void TestEvents_HaveTimestampsInTimeOrder(string ruleFile)
    {
        foreach (var kind in new[] { "positive", "negative" })
        {
            var path = Path.Combine(TestsDirectory, ruleFile, kind + ".json");
            Assert.True(File.Exists(path), $"{ruleFile} has no {kind} events at {path}");
            var events = ReadEvents(path);
            Assert.NotEmpty(events);
            Assert.All(events, e => Assert.NotNull(e.Timestamp));
            Assert.Equal(events.Select(e => e.Timestamp), events.Select(e => e.Timestamp).Order());
        }
    }

    [Theory]
    [MemberData(nameof(RuleFiles))]
    public void PositiveEvents_FireExactlyTheFilesRules(string ruleFile)
    {
        Assert.True(Expected.TryGetValue(ruleFile, out var expected), $"no expectations written for {ruleFile}");

        var fired = Run(Path.Combine(TestsDirectory, ruleFile, "positive.json"));

        Assert.Equal(expected, fired);
    }

    [Theory]
    [MemberData(nameof(RuleFiles))]
    public void NegativeEvents_FireNothing(string ruleFile)
    {
        var fired = Run(Path.Combine(TestsDirectory, ruleFile, "negative.json"));

        Assert.Empty(fired);
    }

    [Fact]
    public void EveryAlertingRule_FiresOnSomePositiveEvents()
    {
        var set = Set.Value;
        var engine = set.CreateCorrelationEngine();
        var referenced = set.Correlations.SelectMany(c => c.Rules).ToHashSet(StringComparer.Ordinal);
        var alerting = set.Rules.Where(r => !engine.SuppressesBaseAlerts(r.Id, r.Name)).Select(r => r.Name ?? r.Id)
            .Concat(set.Correlations.Where(c => !referenced.Contains(c.Id ?? "") && !referenced.Contains(c.Name ?? "")).Select(c => c.Name ?? c.Key))
            .ToHashSet(StringComparer.Ordinal);
        var fired = Expected.Values.SelectMany(v => v).Select(f => f[..f.IndexOf(' ', StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(alerting);
        Assert.Subset(fired, alerting);
    }

    /// <summary>Runs the events through every rule as <c>yagura rules test</c> does; one line per alert.</summary>
    private static List<string> Run(string path)
    {
        var set = Set.Value;
        var matcher = set.CreateMatcher();
        var correlation = set.CreateCorrelationEngine();
        var fired = new List<string>();
        var matches = new List<SigmaRule>();
        var latest = DateTimeOffset.MinValue;
        foreach (var e in ReadEvents(path))
        {
            matches.Clear();
            matcher.Match(e, matches);
            latest = e.Timestamp is { } t && t > latest ? t : latest;
            foreach (var rule in matches)
            {
                if (!correlation.SuppressesBaseAlerts(rule.Id, rule.Name))
                {
                    fired.Add(Fired(rule.Name ?? rule.Id, [e.Id]));
                }

                if (correlation.References(rule.Id, rule.Name))
                {
                    Add(correlation.Process(rule.Id, rule.Name, e));
                }
            }
        }

        // The end of the input closes every window, as the command does.
        Add(correlation.AdvanceTime(latest.AddYears(10)));
        return fired;

        void Add(IEnumerable<CorrelationAlert> alerts) => fired.AddRange(alerts.Select(a => a.Kind == CorrelationAlertKind.Match
            ? Fired(a.Name ?? a.RuleId, a.EventIds)
            : $"{a.RuleId} {a.Kind}: {a.Reason}"));
    }

    private static List<DetectionEvent> ReadEvents(string path) =>
        [.. EventFiles.Read(path).Select(item => item.Event ?? throw new InvalidDataException(item.Error))];

    private static string Fired(string rule, IEnumerable<long> events) => $"{rule} [{string.Join(",", events)}]";

    private static long[] Events(long first, long last) => [.. Enumerable.Range((int)first, (int)(last - first + 1)).Select(i => (long)i)];

    private static IEnumerable<string> RuleFilePaths() =>
        Directory.EnumerateFiles(RulesDirectory, "*.yml", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(RulesDirectory, "*.yaml", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal);

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;

    private static List<string> Sequence(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlSequenceNode sequence
            ? [.. sequence.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "")]
            : [];

    [GeneratedRegex(@"^attack\.t\d{4}(\.\d{3})?$")]
    private static partial Regex TechniqueTag();
}

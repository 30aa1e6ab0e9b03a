using System.Text;

using Yagura.Detection.Events;
using Yagura.Detection.Sigma;
using Yagura.Detection.Sigma.Internal;
using Yagura.Testing;

namespace Yagura.Detection.Tests.Sigma;

/// <summary>The prefilters only skip work: with them, every event matches exactly the rules it matches without.</summary>
public sealed class PrefilterTests
{
    [Theory]
    [InlineData(1)] // only the root has a dense row: every other step is sparse
    [InlineData(AhoCorasick.DefaultDenseBudget)] // every node has one
    [InlineData(40)] // some have
    public void AhoCorasick_FindsEveryOccurrenceOfEveryPattern_IgnoringCase(int denseBudget)
    {
        var random = new Random(7);
        const string Alphabet = "abAB\\- .éÉ";
        string Word(int max) => new([.. Enumerable.Range(0, random.Next(1, max)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
        for (var round = 0; round < 300; round++)
        {
            var patterns = Enumerable.Range(0, random.Next(1, 12)).Select(_ => Word(5)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var text = Word(40);
            var automaton = new AhoCorasick(patterns, denseBudget);
            var found = new HashSet<(int, int)>();
            automaton.Scan(text, ref found, static (ref HashSet<(int, int)> f, int pattern, int end) => f.Add((pattern, end)));

            var expected = new HashSet<(int, int)>();
            for (var p = 0; p < patterns.Count; p++)
            {
                for (var i = 0; i + patterns[p].Length <= text.Length; i++)
                {
                    if (string.Compare(text, i, patterns[p], 0, patterns[p].Length, StringComparison.OrdinalIgnoreCase) == 0)
                    {
                        expected.Add((p, i + patterns[p].Length));
                    }
                }
            }

            Assert.True(expected.SetEquals(found), $"patterns [{string.Join(", ", patterns)}] in '{text}'");
        }
    }

    [Fact]
    public void SigmaHqWindowsRules_MatchTheSameWithAndWithoutPrefilters()
    {
        var sigma = Path.Combine(RepositoryPaths.Shared, "sigma");
        var set = SigmaRuleSet.Load([Path.Combine(sigma, "rules", "windows"), Path.Combine(sigma, "rules-emerging-threats")], SigmaPipeline.Load([RepositoryPaths.Content("pipelines")]));
        var events = EventFiles.Read(RegressionEvents(sigma)).Select(i => i.Event!).ToList();
        Assert.True(events.Count > 200, $"{events.Count} regression events");

        // Each regression event, and variants with its values cut, re-cased and spliced together, so that near misses
        // (a literal at the wrong place, a prefix of a literal) are tried too.
        var random = new Random(11);
        var variants = events.Concat(events.SelectMany(e => Enumerable.Range(0, 10).Select(_ => Mutate(e, events[random.Next(events.Count)], random)))).ToList();
        var matcher = set.CreateMatcher();
        var fast = new List<SigmaRule>();
        var slow = new List<SigmaRule>();
        var total = 0;
        foreach (var e in variants)
        {
            fast.Clear();
            slow.Clear();
            matcher.Match(e, fast);
            matcher.MatchExhaustively(e, slow);
            Assert.Equal(slow.Select(r => r.Id).Order(), fast.Select(r => r.Id).Order());
            total += fast.Count;
        }

        Assert.True(total > 300, $"only {total} matches over {variants.Count} events");
    }

    [Theory]
    // Image is the pipeline's first name for the field: its value is the one read, though NewProcessName holds the literal.
    [InlineData("""{"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "Image": "C:\\good.exe", "NewProcessName": "C:\\tools\\evil.exe"}""", false)]
    [InlineData("""{"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "NewProcessName": "C:\\tools\\evil.exe"}""", true)]
    [InlineData("""{"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "Image": ["C:\\a.exe", "C:\\tools\\evil.exe"]}""", true)]
    // A keyword is looked for in every value, also of names no rule reads, and in numbers.
    [InlineData("""{"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "Image": "C:\\good.exe", "Unread": "run mimikatz now"}""", true)]
    [InlineData("""{"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "Image": "C:\\good.exe", "Unread": 31337}""", true)]
    [InlineData("""{"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "Image": "C:\\good.exe", "Unread": "mimi katz"}""", false)]
    public void EachValueIsScannedForTheFieldsThatReadIt(string json, bool matches)
    {
        using var rules = new SigmaTestRules();
        var set = rules.Load(
            EvilImage,
            """
            title: Keywords
            id: keywords
            logsource: { product: windows, category: process_creation }
            detection:
                keywords:
                    - mimikatz
                    - 31337
                condition: keywords
            """);
        Assert.Equal(matches, MatchesAsWithoutPrefilter(set, json));
    }

    [Fact]
    public void ValuesSeenBefore_MatchAsWhenFirstScanned()
    {
        // A matcher remembers what the scan found in each value; a value seen again, in another event or under another
        // name that shares the scan, must still count only for the fields that read it there.
        using var rules = new SigmaTestRules();
        var set = rules.Load(EvilImage);
        var matcher = set.CreateMatcher();
        const string Sysmon = "\"Channel\": \"Microsoft-Windows-Sysmon/Operational\", \"EventID\": 1";
        (string Json, bool Matches)[] events =
        [
            ($"{{{Sysmon}, \"Image\": \"C:\\\\tools\\\\evil.exe\"}}", true),
            ($"{{{Sysmon}, \"Image\": \"C:\\\\good.exe\", \"NewProcessName\": \"C:\\\\tools\\\\evil.exe\"}}", false),
            ($"{{{Sysmon}, \"NewProcessName\": \"C:\\\\tools\\\\evil.exe\"}}", true),
            ($"{{{Sysmon}, \"Image\": \"C:\\\\tools\\\\evil.exe.txt\"}}", false),
            ($"{{{Sysmon}, \"Image\": \"C:\\\\tools\\\\evil.exe\"}}", true),
        ];
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var (json, expected) in events)
            {
                var found = new List<SigmaRule>();
                matcher.Match(Event(json), found);
                Assert.True(expected == (found.Count == 1), $"pass {pass}: {json}");
            }
        }

        // Every value of the second pass, and the repeats of the first, were replayed rather than scanned again.
        Assert.True(matcher.ScansReplayed >= 10, $"{matcher.ScansReplayed} scans replayed");
    }

    [Fact]
    public void AnEventReadOnce_MatchesEachRuleSetByItsOwnFields()
    {
        // Reading links each field name to the fields of the rule set that last matched an event with it: another rule
        // set (a reload, another tenant's) must read the names its own way.
        using var rules = new SigmaTestRules();
        var images = rules.Load(EvilImage);
        var commands = rules.Load(
            """
            title: Evil command
            id: evil-command
            logsource: { product: windows, category: process_creation }
            detection:
                selection:
                    CommandLine|contains: evil
                condition: selection
            """);
        var imageEvent = Event("""{"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "Image": "C:\\tools\\evil.exe", "CommandLine": "good"}""");
        var commandEvent = Event("""{"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "Image": "C:\\good.exe", "CommandLine": "run evil"}""");
        var byImages = images.CreateMatcher();
        var byCommands = commands.CreateMatcher();
        for (var pass = 0; pass < 2; pass++)
        {
            Assert.Equal(["evil-image"], Matches(byImages, imageEvent));
            Assert.Empty(Matches(byCommands, imageEvent));
            Assert.Empty(Matches(byImages, commandEvent));
            Assert.Equal(["evil-command"], Matches(byCommands, commandEvent));
        }

        static IEnumerable<string> Matches(SigmaRuleSet.Matcher matcher, DetectionEvent e)
        {
            var found = new List<SigmaRule>();
            matcher.Match(e, found);
            return found.Select(r => r.Id);
        }
    }

    [Fact]
    public void ValuesOfANameThatSeldomRepeat_AreNoLongerRemembered()
    {
        // Image paths that never come again fill no table once a trial of 1,024 shows they seldom repeat; the channel,
        // which repeats, is still remembered, and the evil image still matches.
        using var rules = new SigmaTestRules();
        var matcher = rules.Load(EvilImage).CreateMatcher();
        for (var i = 0; i < 3000; i++)
        {
            matcher.Match(Event($$"""{"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "Image": "C:\tools\tool{{i}}.exe"}"""), []);
        }

        Assert.InRange(matcher.ValuesRemembered, 1, 1100);
        var found = new List<SigmaRule>();
        matcher.Match(Event("""{"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "Image": "C:\\tools\\evil.exe"}"""), found);
        Assert.Single(found);

        var unique = new RepeatTally();
        var repeating = new RepeatTally();
        for (var i = 0; i < 4096; i++)
        {
            unique.Note(repeated: i % 3 == 0);
            repeating.Note(repeated: i % 3 != 0);
        }

        Assert.False(unique.Keeps);
        Assert.True(repeating.Keeps);
    }

    [Fact]
    public void SigmaHqWindowsRules_AnEventEvaluatesOnlyTheLogSourcesItsValuesPointTo()
    {
        // Every Windows predicate needs the channel to be there: routed by that, each event evaluated ~20 predicates.
        var sigma = Path.Combine(RepositoryPaths.Shared, "sigma");
        var set = SigmaRuleSet.Load([Path.Combine(sigma, "rules", "windows")], SigmaPipeline.Load([RepositoryPaths.Content("pipelines")]));
        var matcher = set.CreateMatcher();
        var e = Event(
            """{"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "Image": "C:\\Windows\\System32\\whoami.exe", "CommandLine": "whoami /all"}""");

        matcher.Match(e, []);

        Assert.InRange(matcher.PredicatesEvaluated, 1, 6);
    }

    [Theory]
    // Keywords are searched for once the log sources are known: those of every matched log source, one or several.
    [InlineData("""{"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "Unread": "gentilkiwi.com"}""", new[] { "windows-keywords" })]
    [InlineData("""{"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "Unread": "perfc.dat"}""", new[] { "process-keywords" })]
    [InlineData("""{"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "A": "gentilkiwi.com", "B": "perfc.dat"}""", new[] { "windows-keywords", "process-keywords" })]
    [InlineData("""{"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 3, "A": "gentilkiwi.com", "B": "perfc.dat"}""", new[] { "windows-keywords" })]
    [InlineData("""{"Channel": "Application", "A": "gentilkiwi.com segfault perfc.dat"}""", new[] { "windows-keywords" })]
    public void Keywords_OfEachMatchedLogSource_AreFound(string json, string[] expected)
    {
        using var rules = new SigmaTestRules();
        var set = rules.Load(
            """
            title: Windows keywords
            id: windows-keywords
            logsource: { product: windows }
            detection:
                keywords: [gentilkiwi.com]
                condition: keywords
            """,
            """
            title: Process keywords
            id: process-keywords
            logsource: { product: windows, category: process_creation }
            detection:
                keywords: [perfc.dat]
                condition: keywords
            """,
            """
            title: Web keywords
            id: web-keywords
            logsource: { category: webserver }
            detection:
                keywords: [segfault]
                condition: keywords
            """);
        Assert.True(MatchesAsWithoutPrefilter(set, json));
        var fast = new List<SigmaRule>();
        set.CreateMatcher().Match(Event(json), fast);
        Assert.Equal(expected.Order(), fast.Select(r => r.Id).Order());
    }

    [Theory]
    // Routed by the presence of a field (category dns: dns.question.name exists, or Zeek's uid, trans_id and rejected).
    [InlineData("""{"dns.question.name": "a.evil.example"}""", true)]
    [InlineData("""{"uid": "C1", "trans_id": 7, "rejected": false, "query": "a.evil.example"}""", true)]
    [InlineData("""{"uid": "C1", "trans_id": 7, "query": "a.evil.example"}""", false)]
    [InlineData("""{"dns.question.name": "a.good.example"}""", false)]
    [InlineData("""{"query": "a.evil.example"}""", false)]
    public void LogSourcesOfFieldPresence_AreRoutedByIt(string json, bool matches)
    {
        using var rules = new SigmaTestRules();
        var set = rules.Load(
            """
            title: Evil domain
            id: evil-domain
            logsource: { category: dns }
            detection:
                selection:
                    query|endswith: '.evil.example'
                condition: selection
            """);
        Assert.Equal(matches, MatchesAsWithoutPrefilter(set, json));
    }

    private const string EvilImage = """
        title: Evil image
        id: evil-image
        logsource: { product: windows, category: process_creation }
        detection:
            selection:
                Image|endswith: '\evil.exe'
            condition: selection
        """;

    private static DetectionEvent Event(string json) => DetectionEvent.FromJson(System.Text.Json.JsonDocument.Parse(json).RootElement);

    /// <summary>Whether the event matches any rule, asserting the prefilter picks the same rules as evaluating them all.</summary>
    private static bool MatchesAsWithoutPrefilter(SigmaRuleSet set, string json)
    {
        var e = Event(json);
        var matcher = set.CreateMatcher();
        var fast = new List<SigmaRule>();
        var slow = new List<SigmaRule>();
        matcher.Match(e, fast);
        matcher.MatchExhaustively(e, slow);
        Assert.Equal(slow.Select(r => r.Id), fast.Select(r => r.Id));
        return fast.Count > 0;
    }

    private static string RegressionEvents(string sigma)
    {
        // One NDJSON file of every regression event, so EventFiles reads them as a stream like any user file.
        var path = Path.Combine(Path.GetTempPath(), $"yagura-regression-{Environment.ProcessId}.json");
        var text = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(sigma, "regression_data"), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            text.AppendLine(File.ReadAllText(file));
        }

        File.WriteAllText(path, text.ToString());
        return path;
    }

    private static DetectionEvent Mutate(DetectionEvent e, DetectionEvent other, Random random)
    {
        var fields = new Dictionary<string, object?>(e.Fields, StringComparer.Ordinal);
        foreach (var name in fields.Keys.ToList())
        {
            if (fields[name] is not string s || s.Length == 0 || random.Next(3) != 0)
            {
                continue;
            }

            fields[name] = random.Next(6) switch
            {
                0 => s[..random.Next(s.Length)],
                1 => s[random.Next(s.Length)..],
                2 => random.Next(2) == 0 ? s.ToUpperInvariant() : s.ToLowerInvariant(),
                3 => "x" + s,
                4 => s + "x",
                _ => other.Fields.TryGetValue(name, out var o) && o is string os ? s[..(s.Length / 2)] + os[(os.Length / 2)..] : " " + s + " ",
            };
        }

        return new DetectionEvent(fields, e.Original, e.Timestamp, e.Id);
    }
}

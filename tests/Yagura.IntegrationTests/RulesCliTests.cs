using System.Text.Json;

using Yagura.Testing;

namespace Yagura.IntegrationTests;

/// <summary>The offline rule commands' output contract (<c>yagura rules check|test</c>), run as a real child process.</summary>
public sealed class RulesCliTests
{
    private static readonly string Sigma = Path.Combine(RepositoryPaths.Shared, "sigma");
    private static readonly string[] Users = ["bob", "alice", "bob", "bob"];

    [Fact]
    public async Task Check_PrintsOneJsonObjectWithCountsUnsupportedAndErrorsWithLines()
    {
        using var dir = new TempDirectory("yagura-rules");
        File.WriteAllText(dir.File("good.yml"), "title: Good\nid: good\nlogsource: {product: windows, service: security}\ndetection:\n  sel: {EventID: 1102}\n  condition: sel\n");
        File.WriteAllText(dir.File("bad.yml"), "title: Bad\nid: bad\nlogsource: {product: windows}\ndetection:\n  sel:\n    Image|endswidth: x\n  condition: sel\n");
        File.WriteAllText(dir.File("placeholder.yml"), "title: P\nid: p\nlogsource: {product: windows}\ndetection:\n  sel:\n    User|expand: '%Admins%'\n  condition: sel\n");

        var result = await YaguraBinary.RunAsync(["rules", "check", dir.Path]);

        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Stdout);
        var root = doc.RootElement;
        Assert.Equal(3, root.GetProperty("total").GetInt32());
        Assert.Equal(1, root.GetProperty("compiled").GetInt32());
        var unsupported = Assert.Single(root.GetProperty("unsupported").EnumerateArray());
        Assert.EndsWith("placeholder.yml", unsupported.GetProperty("path").GetString(), StringComparison.Ordinal);
        Assert.Contains("%Admins%", unsupported.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var error = Assert.Single(root.GetProperty("errors").EnumerateArray());
        Assert.EndsWith("bad.yml", error.GetProperty("path").GetString(), StringComparison.Ordinal);
        Assert.Equal(6, error.GetProperty("line").GetInt32());
        Assert.Contains("unknown modifier 'endswidth'", error.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WithTuning_ReportsBadSeveritiesWindowsAndUnknownRulesWithTheirLines()
    {
        using var dir = new TempDirectory("yagura-rules");
        Directory.CreateDirectory(dir.File("rules"));
        File.WriteAllText(dir.File("rules/good.yml"), "title: Good\nid: good\nlogsource: {product: windows, service: security}\ndetection:\n  sel: {EventID: 1102}\n  condition: sel\n");
        File.WriteAllText(dir.File("tuning.yml"), """
            tenants:
              "*":
                severity: { good: severe, nope: critical }
                suppress: { window: 10 minutes, rules: { good: { window: 1h } } }
            """);

        var result = await YaguraBinary.RunAsync(["rules", "check", dir.File("rules"), "--tuning", dir.File("tuning.yml")]);

        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Stdout);
        var errors = doc.RootElement.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt32(), e.GetProperty("error").GetString()!)).ToList();
        Assert.Collection(
            errors,
            e => Assert.Equal((3, "'severe' is not a severity (information, warning, critical, emergency)"), e),
            e => Assert.Equal(4, e.Item1),
            e => Assert.Equal((3, "tenant '*': no rule with id or name 'nope' for a severity override"), e));
        Assert.StartsWith("window '10 minutes'", errors[1].Item2, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_PrintsOneLinePerMatch_CountingEventsAcrossFilesAndShapes()
    {
        using var dir = new TempDirectory("yagura-rules");
        var rule = Path.Combine(Sigma, "rules", "windows", "process_creation", "proc_creation_win_whoami_all_execution.yml");
        Assert.True(File.Exists(rule), rule);
        const string Whoami = "\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":1,\"Image\":\"C:\\\\Windows\\\\System32\\\\whoami.exe\",\"CommandLine\":\"whoami /all\"";
        const string Other = "\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":1,\"Image\":\"C:\\\\Windows\\\\System32\\\\whoami.exe\",\"CommandLine\":\"whoami\"";
        File.WriteAllText(dir.File("a.json"), $"[{{{Other}}}, {{{Whoami}}}]");              // an array: events 0, 1
        File.WriteAllText(dir.File("b.ndjson"), $"{{{Whoami}}}\n{{{Other}}}\n{{{Whoami}}}\n"); // NDJSON: events 2, 3, 4
        File.WriteAllText(dir.File("c.json"), """
            {"Event":{"System":{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational"},
              "EventData":{"Image":"C:\\Windows\\System32\\whoami.exe","CommandLine":"whoami \u2013all"}}}
            """);                                                                              // the evtx form: event 5

        var result = await YaguraBinary.RunAsync(["rules", "test", "--rules", rule, "--events", dir.File("a.json"), dir.File("b.ndjson"), dir.File("c.json")]);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([1L, 2, 4, 5], lines.Select(l => l.GetProperty("event_index").GetInt64()));
        Assert.All(lines, l =>
        {
            Assert.Equal("c248c896-e412-4279-8c15-1c558067b6fa", l.GetProperty("rule_id").GetString());
            Assert.Equal("Enumerate All Information With Whoami.EXE", l.GetProperty("title").GetString());
            Assert.Equal("medium", l.GetProperty("level").GetString());
        });
    }

    [Fact]
    public async Task Test_ReportsACorrelationWithTheIndicesOfItsEvents()
    {
        using var dir = new TempDirectory("yagura-rules");
        File.WriteAllText(dir.File("brute.yml"), """
            title: Failed logon
            id: failed-logon
            name: failed_logon
            logsource: { product: windows, service: security }
            level: low
            detection:
              sel: { EventID: 4625 }
              condition: sel
            ---
            title: Brute force
            id: brute-force
            correlation:
              type: event_count
              rules: [failed_logon]
              group-by: [TargetUserName]
              timespan: 5m
              condition: { gte: 3 }
            level: high
            """);
        var events = Users.Select((user, i) =>
            $$"""{"Channel":"Security","EventID":4625,"TargetUserName":"{{user}}","@timestamp":"2026-12-03T10:0{{i}}:00Z"}""");
        File.WriteAllLines(dir.File("events.ndjson"), events);

        var result = await YaguraBinary.RunAsync(["rules", "test", "--rules", dir.File("brute.yml"), "--events", dir.File("events.ndjson")]);

        Assert.Equal(0, result.ExitCode);
        var line = JsonDocument.Parse(Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))).RootElement;
        Assert.Equal("brute-force", line.GetProperty("rule_id").GetString());
        Assert.Equal("high", line.GetProperty("level").GetString());
        Assert.Equal([0L, 2, 3], line.GetProperty("event_indices").EnumerateArray().Select(i => i.GetInt64()));
    }

    [Fact]
    public async Task Test_MalformedEventsFile_IsReportedAndTheEventsBeforeItStillRun()
    {
        using var dir = new TempDirectory("yagura-rules");
        File.WriteAllText(dir.File("r.yml"), "title: Any\nid: any\nlogsource: {}\ndetection:\n  sel: {A: x}\n  condition: sel\n");
        File.WriteAllText(dir.File("e.json"), "{\"A\":\"x\"}\n{\"A\":\"x\"\n{\"A\":\"x\"}\n");

        var result = await YaguraBinary.RunAsync(["rules", "test", "--rules", dir.File("r.yml"), "--events", dir.File("e.json")]);

        Assert.Equal(0, result.ExitCode);
        Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("malformed JSON", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("line 3", result.Stderr, StringComparison.Ordinal);
    }
}

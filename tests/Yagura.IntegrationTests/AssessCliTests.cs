using System.Globalization;
using System.Text;
using System.Text.Json;

using Yagura.Core.Alerts;
using Yagura.Storage.Sqlite.Cases;
using Yagura.Testing;

namespace Yagura.IntegrationTests;

/// <summary><c>yagura assess report|template</c> run as a real child process: output, exit codes, messages.</summary>
public sealed class AssessCliTests
{
    [Fact]
    public async Task Report_Json_PrintsTheEvaluation()
    {
        using var dir = new TempDirectory("yagura-assess");
        File.WriteAllText(dir.File("a.yml"), """
            organization: Example Corp
            date: 2026-11-01
            pattern: { current: hybrid, target: minimum-outsource }
            services:
              - { id: A-1, level: basic, assignment: insource, owner: 社内CSIRT, as_is: 3, to_be: 5 }
              - { id: B-1, level: basic, assignment: outsource, vendor: Z-MSSP, as_is: 4, to_be: 5 }
              - { id: D-1, level: basic, assignment: insource, owner: 社内CSIRT, as_is: 2, to_be: 4 }
              - { id: Z-1, level: basic }
            """);

        var result = await YaguraBinary.RunAsync(["assess", "report", "--input", dir.File("a.yml"), "--format", "json"]);

        Assert.True(result.ExitCode == 0, ProcessRunner.Describe(result));
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal(2.0, root.GetProperty("categories").GetProperty("D").GetProperty("as_is_avg").GetDouble());
        Assert.Equal("A-1", root.GetProperty("improvements")[0].GetProperty("id").GetString());
        Assert.True(root.GetProperty("minimum_operating_set").GetProperty("ok").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("staffing_level").ValueKind);
        var warning = Assert.Single(root.GetProperty("warnings").EnumerateArray());
        Assert.Equal(("Z-1", 8, "unknown-service"), (warning.GetProperty("id").GetString(), warning.GetProperty("line").GetInt32(), warning.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Report_MalformedFile_ExitsOneWithLineNumberedErrorsAndNoStackTrace()
    {
        using var dir = new TempDirectory("yagura-assess");
        File.WriteAllText(dir.File("bad.yml"), "organization: X\ndate: 2026-13-01\nservices:\n  - level: basic\n");
        File.WriteAllText(dir.File("broken.yml"), "organization: X\nservices: [A-1\n");

        var bad = await YaguraBinary.RunAsync(["assess", "report", "--input", dir.File("bad.yml"), "--lang", "en"]);
        var broken = await YaguraBinary.RunAsync(["assess", "report", "--input", dir.File("broken.yml")]);
        var missing = await YaguraBinary.RunAsync(["assess", "report", "--input", dir.File("none.yml")]);

        Assert.Equal(1, bad.ExitCode);
        Assert.Equal("", bad.Stdout);
        Assert.Equal(
            [$"yagura: {dir.File("bad.yml")}:2: date must be a date as YYYY-MM-DD (e.g. 2026-11-01)", $"yagura: {dir.File("bad.yml")}:4: id is missing"],
            bad.Stderr.TrimEnd().Split('\n'));
        Assert.Equal(1, broken.ExitCode);
        Assert.StartsWith($"yagura: {dir.File("broken.yml")}:3: invalid YAML: ", broken.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith($"yagura: cannot read {dir.File("none.yml")}", missing.Stderr, StringComparison.Ordinal);
        Assert.All((string[])[bad.Stderr, broken.Stderr, missing.Stderr], e => Assert.DoesNotContain("   at ", e, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Template_WritesAllServices_WhichReportReadsOnceTheOrganizationIsFilledIn()
    {
        using var dir = new TempDirectory("yagura-assess");
        var path = dir.File("assessment.yml");

        var written = await YaguraBinary.RunAsync(["assess", "template", "--lang", "en", "--output", path]);
        var again = await YaguraBinary.RunAsync(["assess", "template", "--output", path]);
        var blank = await YaguraBinary.RunAsync(["assess", "report", "--input", path]);
        File.WriteAllText(path, File.ReadAllText(path).Replace("organization: \"\"", "organization: Example Corp", StringComparison.Ordinal));
        var report = await YaguraBinary.RunAsync(["assess", "report", "--input", path]);

        Assert.Equal((0, ""), (written.ExitCode, written.Stdout));
        Assert.Equal(64, File.ReadAllLines(path).Count(l => l.StartsWith("  - id: ", StringComparison.Ordinal)));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("exists; not overwritten", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, blank.ExitCode);
        Assert.Contains("organization must name the organisation", blank.Stderr, StringComparison.Ordinal);
        Assert.True(report.ExitCode == 0, ProcessRunner.Describe(report));
        Assert.StartsWith("X.1060 assessment: Example Corp (", report.Stdout, StringComparison.Ordinal);
        Assert.Contains("No level decided (64)", report.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Template_ToStandardOutput_IsJapaneseByDefault()
    {
        var result = await YaguraBinary.RunAsync(["assess", "template"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("  - id: A-1   # リスクマネジメント\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("language: ja\n", result.Stdout, StringComparison.Ordinal);
    }

    /// <summary>A data directory with tenants acme (3 hosts, 30-day retention, one alert) and beta (1 host, one alert).</summary>
    private static async Task<string> PlatformAsync(TempDirectory dir)
    {
        var data = dir.File("data");
        async Task Run(params string[] arguments)
        {
            var result = await YaguraBinary.RunAsync(arguments);
            Assert.True(result.ExitCode == 0, ProcessRunner.Describe(result));
        }

        string Log(string name, IEnumerable<string> hosts, int count)
        {
            var lines = new StringBuilder();
            var list = hosts.ToList();
            for (var i = 0; i < count; i++)
            {
                lines.Append(CultureInfo.InvariantCulture, $"<134>1 2026-11-20T10:00:{i % 60:00}Z {list[i % list.Count]} app - - - event {i}\n");
            }

            File.WriteAllText(dir.File(name), lines.ToString());
            return dir.File(name);
        }

        await Run("tenant", "create", "--data", data, "--id", "acme", "--name", "ACME", "--retention-days", "30");
        await Run("tenant", "create", "--data", data, "--id", "beta", "--name", "Beta", "--retention-days", "400");
        await Run("ingest", "--data", data, "--tenant", "acme", Log("acme.log", ["web1", "web2", "db1"], 30));
        await Run("ingest", "--data", data, "--tenant", "beta", Log("beta.log", ["mail"], 5));
        var now = DateTimeOffset.UtcNow;
        await using var alerts = SqliteAlertStore.Open(data);
        await alerts.AddAsync(
        [
            new Alert(Alert.DeriveId("acme", "r1", 1), "acme", AlertKind.Rule, "r1", "R1", "high", Severity.Critical, [], [1], null, now.AddDays(-2), now.AddDays(-1), 1),
            new Alert(Alert.DeriveId("acme", "r1", 2), "acme", AlertKind.Rule, "r1", "R1", "high", Severity.Warning, [], [2], null, now.AddDays(-40), now.AddDays(-40), 1),
            new Alert(Alert.DeriveId("beta", "r1", 3), "beta", AlertKind.Rule, "r1", "R1", "high", Severity.Critical, [], [3], null, now.AddDays(-2), now.AddDays(-1), 1),
        ]);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        Directory.CreateDirectory(dir.File("rules"));
        File.WriteAllText(dir.File("rules/good.yml"), "title: Good\nid: good\nlogsource: {product: windows, service: security}\ndetection:\n  sel: {EventID: 1102}\n  condition: sel\n");
        File.WriteAllText(dir.File("rules/other.yml"), "title: Other\nid: other\nlogsource: {product: nothing-defines-this}\ndetection:\n  sel: {x: 1}\n  condition: sel\n");
        return data;
    }

    private const string Assessed = """
        organization: Example Corp
        date: 2026-11-01
        language: en
        tenant: acme
        services:
          - { id: B-1, level: basic, assignment: insource, owner: SOC, as_is: 4, to_be: 5 }
          - { id: B-2, level: basic, assignment: insource, owner: SOC, as_is: 3, to_be: 4 }
          - { id: D-1, level: basic, assignment: insource, owner: CSIRT, as_is: 3, to_be: 4 }
        """;

    [Fact]
    public async Task Report_WithData_ShowsTheTenantsFiguresAndSuggestions_NextToTheUntouchedSelfAssessment()
    {
        using var dir = new TempDirectory("yagura-assess");
        var data = await PlatformAsync(dir);
        File.WriteAllText(dir.File("acme.yml"), Assessed);
        File.WriteAllText(dir.File("all.yml"), Assessed.Replace("tenant: acme\n", "", StringComparison.Ordinal));

        var acme = await YaguraBinary.RunAsync(["assess", "report", "--input", dir.File("acme.yml"), "--data", data, "--rules", dir.File("rules"), "--format", "json"]);
        var all = await YaguraBinary.RunAsync(["assess", "report", "--input", dir.File("all.yml"), "--data", data, "--rules", dir.File("rules"), "--format", "json"]);
        var text = await YaguraBinary.RunAsync(["assess", "report", "--input", dir.File("acme.yml"), "--data", data, "--rules", dir.File("rules")]);

        Assert.True(acme.ExitCode == 0, ProcessRunner.Describe(acme));
        using var json = JsonDocument.Parse(acme.Stdout);
        var evidence = json.RootElement.GetProperty("evidence");
        Assert.Equal("acme", evidence.GetProperty("tenant").GetString());
        var b1 = evidence.GetProperty("services").GetProperty("B-1");
        var figures = b1.GetProperty("figures");
        Assert.Equal((2, 1, 1), (figures.GetProperty("rules_loaded").GetInt32(), figures.GetProperty("rules_active").GetInt32(), figures.GetProperty("rules_inactive").GetInt32()));
        Assert.Equal((3, 3, 1), (figures.GetProperty("hosts_24h").GetInt32(), figures.GetProperty("hosts_30d").GetInt32(), figures.GetProperty("alerts_30d").GetInt32()));
        Assert.Equal((3, 4), (b1.GetProperty("suggested_score").GetInt32(), b1.GetProperty("as_is").GetInt32()));
        var b2 = evidence.GetProperty("services").GetProperty("B-2");
        Assert.Equal((30, 30, 3), (b2.GetProperty("figures").GetProperty("events_stored").GetInt32(), b2.GetProperty("figures").GetProperty("retention_days").GetInt32(), b2.GetProperty("suggested_score").GetInt32()));
        var d1 = evidence.GetProperty("services").GetProperty("D-1");
        Assert.Equal(JsonValueKind.Null, d1.GetProperty("suggested_score").ValueKind);
        Assert.Equal("no data: incident handling is not in this version of Yagura", d1.GetProperty("reason").GetString());
        Assert.Equal(1, evidence.GetProperty("services").GetProperty("B-3").GetProperty("figures").GetProperty("urgent_alerts_30d").GetInt32());
        Assert.Equal(4, json.RootElement.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "B-1").GetProperty("as_is").GetInt32());

        Assert.True(all.ExitCode == 0, ProcessRunner.Describe(all));
        using var allJson = JsonDocument.Parse(all.Stdout);
        var allFigures = allJson.RootElement.GetProperty("evidence").GetProperty("services");
        Assert.Equal((4, 2), (allFigures.GetProperty("B-1").GetProperty("figures").GetProperty("hosts_24h").GetInt32(), allFigures.GetProperty("B-1").GetProperty("figures").GetProperty("alerts_30d").GetInt32()));
        Assert.Equal((35, 30), (allFigures.GetProperty("B-2").GetProperty("figures").GetProperty("events_stored").GetInt32(), allFigures.GetProperty("B-2").GetProperty("figures").GetProperty("retention_days").GetInt32()));
        Assert.Equal(JsonValueKind.Null, allJson.RootElement.GetProperty("evidence").GetProperty("tenant").ValueKind);

        Assert.True(text.ExitCode == 0, ProcessRunner.Describe(text));
        Assert.Contains("  B-1   Real time asset monitoring: self-assessed 4, suggested 3\n", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_WithData_UnknownTenantIsALineNumberedError_AndNothingIsWritten()
    {
        using var dir = new TempDirectory("yagura-assess");
        var data = dir.File("data");
        Assert.Equal(0, (await YaguraBinary.RunAsync(["tenant", "create", "--data", data, "--id", "acme", "--name", "ACME"])).ExitCode);

        // SQLite's -wal and -shm files of a reader (yagura search leaves them too) aside, nothing is added.
        List<string> Entries() => [.. Directory.GetFileSystemEntries(data, "*", SearchOption.AllDirectories).Where(e => !e.EndsWith("-wal", StringComparison.Ordinal) && !e.EndsWith("-shm", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        var before = Entries();
        File.WriteAllText(dir.File("a.yml"), Assessed.Replace("tenant: acme", "tenant: nobody", StringComparison.Ordinal));
        File.WriteAllText(dir.File("b.yml"), Assessed);

        var unknown = await YaguraBinary.RunAsync(["assess", "report", "--input", dir.File("a.yml"), "--data", data]);
        var known = await YaguraBinary.RunAsync(["assess", "report", "--input", dir.File("b.yml"), "--data", data, "--format", "json"]);
        var missing = await YaguraBinary.RunAsync(["assess", "report", "--input", dir.File("b.yml"), "--data", dir.File("none")]);
        var rulesAlone = await YaguraBinary.RunAsync(["assess", "report", "--input", dir.File("b.yml"), "--rules", dir.Path]);

        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal($"yagura: {dir.File("a.yml")}:4: tenant 'nobody' is not in the data directory {data}\n", unknown.Stderr);
        Assert.True(known.ExitCode == 0, ProcessRunner.Describe(known));

        // A configured tenant without events: nothing stored, nothing monitored.
        var services = JsonDocument.Parse(known.Stdout).RootElement.GetProperty("evidence").GetProperty("services");
        Assert.Equal((1, 90, 0), (services.GetProperty("B-2").GetProperty("suggested_score").GetInt32(), services.GetProperty("B-2").GetProperty("figures").GetProperty("retention_days").GetInt32(), services.GetProperty("B-2").GetProperty("figures").GetProperty("events_stored").GetInt32()));
        Assert.Equal((1, true), (services.GetProperty("B-1").GetProperty("suggested_score").GetInt32(), services.GetProperty("B-1").GetProperty("as_is_above_evidence").GetBoolean()));
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal((2, "yagura: --config and --rules count the rules for --data; give --data DIR too\n"), (rulesAlone.ExitCode, rulesAlone.Stderr));
        Assert.Equal(before, Entries());
        Assert.False(Directory.Exists(Path.Combine(data, "events")));
        Assert.False(File.Exists(Path.Combine(data, "cases.db")));
    }

    [Fact]
    public async Task SaveHistoryCompare_KeepDatedCopies_RefuseTheSameDate_AndSayWhatMoved()
    {
        using var dir = new TempDirectory("yagura-assess");
        var data = dir.File("data");
        Directory.CreateDirectory(data);
        File.WriteAllText(dir.File("spring.yml"), """
            organization: Example Corp
            date: 2026-05-01
            language: en
            services:
              - { id: A-1, level: basic, assignment: insource, owner: CSIRT, as_is: 3, to_be: 5 }
              - { id: B-1, level: basic, assignment: outsource, vendor: Z-MSSP, as_is: 4, to_be: 5 }
            """);
        File.WriteAllText(dir.File("autumn.yml"), """
            organization: Example Corp
            date: 2026-11-01
            language: en
            services:
              - { id: A-1, level: basic, assignment: insource, owner: CSIRT, as_is: 4, to_be: 5 }
              - { id: B-1, level: standard, assignment: unassigned, as_is: 2, to_be: 5 }
            """);

        var spring = await YaguraBinary.RunAsync(["assess", "save", "--input", dir.File("spring.yml"), "--data", data]);
        var autumn = await YaguraBinary.RunAsync(["assess", "save", "--input", dir.File("autumn.yml"), "--data", data]);
        var twice = await YaguraBinary.RunAsync(["assess", "save", "--input", dir.File("spring.yml"), "--data", data]);
        var replaced = await YaguraBinary.RunAsync(["assess", "save", "--input", dir.File("spring.yml"), "--data", data, "--replace"]);
        var history = await YaguraBinary.RunAsync(["assess", "history", "--data", data, "--format", "json"]);
        var compare = await YaguraBinary.RunAsync(["assess", "compare", "--from", data + ":2026-05-01", "--to", dir.File("autumn.yml"), "--format", "json"]);
        var text = await YaguraBinary.RunAsync(["assess", "compare", "--from", data + ":2026-05-01", "--to", data + ":2026-11-01"]);
        var none = await YaguraBinary.RunAsync(["assess", "compare", "--from", data + ":2020-01-01", "--to", dir.File("autumn.yml")]);
        var neither = await YaguraBinary.RunAsync(["assess", "compare", "--from", "nowhere", "--to", dir.File("autumn.yml")]);

        Assert.True(spring.ExitCode == 0, ProcessRunner.Describe(spring));
        Assert.StartsWith($"yagura: kept {data}/assessments/2026-05-01_example-corp-", spring.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, autumn.ExitCode);
        Assert.Equal(2, twice.ExitCode);
        Assert.Contains("an assessment of Example Corp on 2026-05-01 is already kept", twice.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, replaced.ExitCode);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(data, "assessments")).Length);

        Assert.True(history.ExitCode == 0, ProcessRunner.Describe(history));
        using var kept = JsonDocument.Parse(history.Stdout);
        Assert.Equal(["2026-05-01", "2026-11-01"], kept.RootElement.EnumerateArray().Select(k => k.GetProperty("date").GetString()));
        Assert.Equal(3.5, kept.RootElement[0].GetProperty("as_is_avg").GetDouble());

        Assert.True(compare.ExitCode == 0, ProcessRunner.Describe(compare));
        using var json = JsonDocument.Parse(compare.Stdout);
        Assert.Equal(
            [("B-1", "as-is-down"), ("B-1", "level-lowered"), ("B-1", "unassigned")],
            json.RootElement.GetProperty("regressions").EnumerateArray().Select(r => (r.GetProperty("id").GetString(), r.GetProperty("kind").GetString())));
        Assert.Equal(1.0, json.RootElement.GetProperty("categories").GetProperty("A").GetProperty("as_is_avg").GetProperty("delta").GetDouble());
        Assert.True(text.ExitCode == 0, ProcessRunner.Describe(text));
        Assert.Contains("  A-1   Risk management: As-Is 3 → 4\n", text.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("no assessment of 2020-01-01 is kept in", none.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, neither.ExitCode);
        Assert.Equal("yagura: 'nowhere' is neither an assessment file nor DATA:YYYY-MM-DD\n", neither.Stderr);
    }

    [Fact]
    public async Task Report_HtmlAndCsv_AndExport_WriteThePortfolioForPrintAndExchange()
    {
        using var dir = new TempDirectory("yagura-assess");
        File.WriteAllText(dir.File("a.yml"), Assessed);

        var html = await YaguraBinary.RunAsync(["assess", "report", "--input", dir.File("a.yml"), "--format", "html", "--lang", "ja"]);
        var csv = await YaguraBinary.RunAsync(["assess", "report", "--input", dir.File("a.yml"), "--format", "csv"]);
        var export = await YaguraBinary.RunAsync(["assess", "export", "--input", dir.File("a.yml"), "--xlsx", dir.File("a.xlsx")]);
        var again = await YaguraBinary.RunAsync(["assess", "export", "--input", dir.File("a.yml"), "--xlsx", dir.File("a.xlsx")]);

        Assert.True(html.ExitCode == 0, ProcessRunner.Describe(html));
        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"ja\">", html.Stdout, StringComparison.Ordinal);
        Assert.Contains("<tr class=\"service\" data-id=\"B-1\"><td>B-1 リアルタイム監視</td>", html.Stdout, StringComparison.Ordinal);
        Assert.Contains("<polygon class=\"as-is\"", html.Stdout, StringComparison.Ordinal);
        Assert.True(csv.ExitCode == 0, ProcessRunner.Describe(csv));
        var lines = csv.Stdout.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(65, lines.Length);
        Assert.Equal("B-1,B,Real time asset monitoring,basic,,insource,SOC,,4,5,1,", lines.Single(l => l.StartsWith("B-1,", StringComparison.Ordinal)));
        Assert.True(export.ExitCode == 0, ProcessRunner.Describe(export));
        using (var workbook = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(dir.File("a.xlsx"), false))
        {
            Assert.Equal(["portfolio", "categories"], workbook.WorkbookPart!.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().Select(s => s.Name!.Value));
        }

        Assert.Equal(2, again.ExitCode);
        Assert.Contains("exists; not overwritten", again.Stderr, StringComparison.Ordinal);
    }
}

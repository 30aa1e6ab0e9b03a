using System.Text.Json;

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
}

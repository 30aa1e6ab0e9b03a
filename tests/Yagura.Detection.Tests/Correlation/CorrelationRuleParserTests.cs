using Yagura.Detection.Correlation;

namespace Yagura.Detection.Tests.Correlation;

public sealed class CorrelationRuleParserTests
{
    private const string Valid = """
        title: t
        correlation:
            type: event_count
            rules:
                - a
            group-by:
                - User
            timespan: 1h
            condition:
                gte: 10
        """;

    [Theory]
    [InlineData("event_count.yml", CorrelationType.EventCount)]
    [InlineData("event_count_ecs.yml", CorrelationType.EventCount)]
    [InlineData("value_count.yml", CorrelationType.ValueCount)]
    [InlineData("temporal.yml", CorrelationType.Temporal)]
    [InlineData("temporal_ordered.yml", CorrelationType.TemporalOrdered)]
    [InlineData("value_sum.yml", CorrelationType.ValueSum)]
    [InlineData("value_avg.yml", CorrelationType.ValueAvg)]
    [InlineData("value_percentile.yml", CorrelationType.ValuePercentile)]
    public void ParseText_SpecificationExample_ParsesWithoutErrors(string file, CorrelationType type)
    {
        var path = Path.Combine(SpecificationFiles.CorrelationExamples, file);

        var results = CorrelationRuleParser.ParseText(File.ReadAllText(path), path);

        var result = Assert.Single(results);
        Assert.Empty(result.Errors);
        Assert.Equal(type, result.Rule!.Type);
        Assert.Equal(path, result.Rule.Source!.Value.Path);
    }

    [Fact]
    public void ParseText_SpecificationExamples_AreAllCovered()
    {
        // The theory above names the files; a new example in the specification must be added to it.
        var files = Directory.GetFiles(SpecificationFiles.CorrelationExamples, "*.yml").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(
            ["event_count.yml", "event_count_ecs.yml", "temporal.yml", "temporal_ordered.yml", "value_avg.yml", "value_count.yml", "value_percentile.yml", "value_sum.yml"],
            files);
    }

    [Fact]
    public void ParseText_SpecificationEventCountExample_ReadsEveryAttribute()
    {
        var path = Path.Combine(SpecificationFiles.CorrelationExamples, "event_count.yml");

        var rule = CorrelationRuleParser.ParseText(File.ReadAllText(path), path).Single().Rule!;

        Assert.Equal("Many failed logins", rule.Title);
        Assert.Equal("0e95725d-7320-415d-80f7-004da920fc11", rule.Id);
        Assert.Equal(["5638f7c0-ac70-491d-8465-2a65075e0d86"], rule.Rules);
        Assert.Equal(["ComputerName"], rule.GroupBy);
        Assert.Equal(TimeSpan.FromHours(1), rule.Timespan);
        Assert.Equal([new CorrelationBound(CorrelationOperator.Gte, 100)], rule.Condition.Bounds);
        Assert.Empty(rule.Condition.Fields);
        Assert.False(rule.Generate);
        Assert.Equal(rule.Id, rule.Key);
    }

    [Fact]
    public void ParseText_SpecificationValueExamples_ReadTheConditionField()
    {
        var dir = SpecificationFiles.CorrelationExamples;

        var count = CorrelationRuleParser.ParseText(File.ReadAllText(Path.Combine(dir, "value_count.yml")), "c").Single().Rule!;
        var sum = CorrelationRuleParser.ParseText(File.ReadAllText(Path.Combine(dir, "value_sum.yml")), "s").Single().Rule!;
        var percentile = CorrelationRuleParser.ParseText(File.ReadAllText(Path.Combine(dir, "value_percentile.yml")), "p").Single().Rule!;

        Assert.Equal(["User"], count.Condition.Fields);
        Assert.Equal(["ComputerName", "WorkstationName"], count.GroupBy);
        Assert.Equal(TimeSpan.FromDays(1), count.Timespan);
        Assert.Equal(["bytes_sent"], sum.Condition.Fields);
        Assert.Equal([new CorrelationBound(CorrelationOperator.Gt, 1_000_000)], sum.Condition.Bounds);
        Assert.Equal(["Image"], percentile.Condition.Fields);
        Assert.Equal(CorrelationCondition.DefaultPercentile, percentile.Condition.Percentile);
        Assert.Null(percentile.Id);
        Assert.Equal(percentile.Title, percentile.Key);
    }

    [Fact]
    public void ParseText_MultiDocumentFile_ReturnsTheCorrelationsAndSkipsTheBaseRules()
    {
        // The specification's "failed logins followed by a successful login" example, abridged.
        var yaml = """
            title: Correlation - Multiple Failed Logins Followed by Successful Login
            id: b180ead8-d58f-40b2-ae54-c8940995b9b6
            correlation:
                type: temporal_ordered
                rules:
                    - multiple_failed_login
                    - successful_login
                group-by:
                    - User
                timespan: 10m
            level: high
            ---
            title: Multiple failed logons
            id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
            name: multiple_failed_login
            correlation:
                type: event_count
                rules:
                    - failed_login
                group-by:
                    - User
                timespan: 10m
                condition:
                    gte: 10
            ---
            title: Single failed login
            id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
            name: failed_login
            logsource:
                product: windows
                service: security
            detection:
                selection:
                    EventID:
                        - 529
                        - 4625
                condition: selection
            """;

        var results = CorrelationRuleParser.ParseText(yaml, "mr_login.yml");

        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Empty(r.Errors));
        var outer = results[0].Rule!;
        var inner = results[1].Rule!;
        Assert.Equal(CorrelationType.TemporalOrdered, outer.Type);
        Assert.Equal("high", outer.Level);
        Assert.Equal([new CorrelationBound(CorrelationOperator.Gte, 2)], outer.Condition.Bounds);
        Assert.Equal(1, outer.Source!.Value.Line);
        Assert.Equal("multiple_failed_login", inner.Name);
        Assert.Equal(13, inner.Source!.Value.Line);
    }

    [Theory]
    [InlineData("10s", 10)]
    [InlineData("5m", 300)]
    [InlineData("90m", 5400)]
    [InlineData("1h", 3600)]
    [InlineData("2d", 172800)]
    public void TryParseTimespan_SpecificationUnits_GiveTheirLength(string text, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), CorrelationRuleParser.TryParseTimespan(text));
    }

    [Theory]
    [InlineData("1w")]
    [InlineData("1M")]
    [InlineData("1y")]
    [InlineData("1H")]
    [InlineData("0m")]
    [InlineData("m")]
    [InlineData("10")]
    [InlineData("1.5h")]
    [InlineData("-1h")]
    [InlineData(" 1h")]
    [InlineData("999999999d")]
    public void TryParseTimespan_AnythingElse_IsRefused(string text)
    {
        Assert.Null(CorrelationRuleParser.TryParseTimespan(text));
    }

    [Fact]
    public void Parse_RangeCondition_KeepsBothBoundsJoinedByAnd()
    {
        var rule = ParseValid(Valid.Replace("gte: 10", "gt: 100\n        lte: 200"));

        Assert.Equal([new CorrelationBound(CorrelationOperator.Gt, 100), new CorrelationBound(CorrelationOperator.Lte, 200)], rule.Condition.Bounds);
        Assert.False(rule.Condition.IsSatisfiedBy(100));
        Assert.True(rule.Condition.IsSatisfiedBy(101));
        Assert.True(rule.Condition.IsSatisfiedBy(200));
        Assert.False(rule.Condition.IsSatisfiedBy(201));
    }

    [Theory]
    [InlineData(CorrelationOperator.Gt, 5, false, true)]
    [InlineData(CorrelationOperator.Gte, 5, true, true)]
    [InlineData(CorrelationOperator.Lt, 5, false, false)]
    [InlineData(CorrelationOperator.Lte, 5, true, false)]
    [InlineData(CorrelationOperator.Eq, 5, true, false)]
    [InlineData(CorrelationOperator.Neq, 5, false, true)]
    public void CorrelationBound_EachOperator_ComparesAsNamed(CorrelationOperator op, double threshold, bool atThreshold, bool above)
    {
        var bound = new CorrelationBound(op, threshold);

        Assert.Equal(atThreshold, bound.IsSatisfiedBy(threshold));
        Assert.Equal(above, bound.IsSatisfiedBy(threshold + 1));
        Assert.Equal(op is CorrelationOperator.Lt or CorrelationOperator.Lte or CorrelationOperator.Neq, bound.IsSatisfiedBy(threshold - 1));
    }

    [Fact]
    public void Parse_EveryOperatorName_IsRead()
    {
        var names = new[] { ("gt", CorrelationOperator.Gt), ("gte", CorrelationOperator.Gte), ("lt", CorrelationOperator.Lt), ("lte", CorrelationOperator.Lte), ("eq", CorrelationOperator.Eq), ("neq", CorrelationOperator.Neq) };

        foreach (var (name, op) in names)
        {
            var rule = ParseValid(Valid.Replace("gte: 10", name + ": 10"));
            Assert.Equal([new CorrelationBound(op, 10)], rule.Condition.Bounds);
        }
    }

    [Fact]
    public void Parse_TemporalWithoutCondition_RequiresEveryReferencedRule()
    {
        var rule = ParseValid("""
            title: t
            correlation:
                type: temporal
                rules: [a, b, c]
                group-by: [User]
                timespan: 5m
            """);

        Assert.Equal([new CorrelationBound(CorrelationOperator.Gte, 3)], rule.Condition.Bounds);
    }

    [Fact]
    public void Parse_ValuePercentileWithPercentile_ReadsIt()
    {
        var rule = ParseValid("""
            title: t
            correlation:
                type: value_percentile
                rules: [a]
                group-by: [Host]
                timespan: 1d
                condition:
                    field: duration
                    percentile: 95
                    gt: 2.5
            """);

        Assert.Equal(95, rule.Condition.Percentile);
        Assert.Equal([new CorrelationBound(CorrelationOperator.Gt, 2.5)], rule.Condition.Bounds);
    }

    [Theory]
    [InlineData("generate: true\ncorrelation:", true)]
    [InlineData("correlation:\n    generate: true", true)]
    [InlineData("correlation:", false)]
    public void Parse_Generate_IsReadAtTopLevelOrInTheCorrelationSection(string replacement, bool expected)
    {
        var rule = ParseValid(Valid.Replace("correlation:", replacement));

        Assert.Equal(expected, rule.Generate);
    }

    [Fact]
    public void Parse_Aliases_MapEachAliasToAFieldPerRule()
    {
        var rule = ParseValid("""
            title: t
            correlation:
                type: temporal
                rules:
                    - internal_error
                    - new_network_connection
                group-by:
                    - internal_ip
                timespan: 10s
                aliases:
                    internal_ip:
                        internal_error: destination.ip
                        new_network_connection: source.ip
            """);

        Assert.Equal("destination.ip", rule.ResolveField("internal_ip", "id-1", "internal_error"));
        Assert.Equal("source.ip", rule.ResolveField("internal_ip", "new_network_connection", null));
        Assert.Equal("internal_ip", rule.ResolveField("internal_ip", "other", "other"));
        Assert.Equal("User", rule.ResolveField("User", "id-1", "internal_error"));
    }

    [Theory]
    [InlineData("title: t", "title: ", 1, "title must be a non-empty string")]
    [InlineData("    type: event_count", "    type: event_counts", 3, "unknown correlation type 'event_counts'")]
    [InlineData("    rules:\n        - a", "    rules: []", 4, "correlation.rules is empty")]
    [InlineData("    rules:\n        - a", "    rules:\n        - a\n        - a", 6, "rules lists 'a' twice")]
    [InlineData("    rules:\n        - a", "    rules: {a: b}", 4, "rules must be a list of strings")]
    [InlineData("    rules:\n        - a\n", "", 2, "correlation.rules is missing")]
    [InlineData("    group-by:\n        - User", "    group-by: {User: 1}", 6, "group-by must be a list of strings")]
    [InlineData("    group-by:\n        - User", "    group_by:\n        - User", 6, "unknown key 'group_by'")]
    [InlineData("    timespan: 1h", "    timespan: 1hour", 8, "timespan '1hour'")]
    [InlineData("    timespan: 1h", "    timespan: 1w", 8, "timespan '1w'")]
    [InlineData("    timespan: 1h", "    timespan: 0s", 8, "timespan '0s'")]
    [InlineData("    timespan: 1h\n", "", 2, "timespan is missing")]
    [InlineData("        gte: 10", "        above: 10", 10, "unknown condition operator 'above'")]
    [InlineData("        gte: 10", "        gte: ten", 10, "condition gte needs a number")]
    [InlineData("    condition:\n        gte: 10", "    condition: {}", 9, "condition needs at least one of")]
    [InlineData("        gte: 10", "        lt: 1", 9, "can never be met")]
    [InlineData("    condition:\n        gte: 10", "    condition: 10", 9, "condition must be a mapping")]
    [InlineData("    condition:\n        gte: 10", "", 2, "correlation.condition is missing")]
    [InlineData("        gte: 10", "        gte: 10\n        field: User", 11, "condition.field is only used by value_count")]
    [InlineData("        gte: 10", "        gte: 10\n        percentile: 50", 11, "condition.percentile is only used by value_percentile")]
    [InlineData("title: t", "title: t\nlevel: severe", 2, "level 'severe'")]
    [InlineData("title: t", "title: t\nstatus: done", 2, "status 'done'")]
    [InlineData("title: t", "title: t\ngenerate: maybe", 2, "generate must be true or false")]
    public void Parse_InvalidRule_ReportsTheErrorAtItsLine(string find, string replace, int line, string message)
    {
        var yaml = Valid.Replace(find, replace);
        Assert.NotEqual(Valid, yaml);
        var result = Assert.Single(CorrelationRuleParser.ParseText(yaml, "rule.yml"));

        Assert.Null(result.Rule);
        var error = Assert.Single(result.Errors);
        Assert.Equal("rule.yml", error.Path);
        Assert.Equal(line, error.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_GenerateSayingDifferentThingsInTwoPlaces_IsAnErrorAtTheInnerOne()
    {
        var yaml = Valid.Replace("title: t", "title: t\ngenerate: true") + "\n    generate: false";

        var result = Assert.Single(CorrelationRuleParser.ParseText(yaml, "rule.yml"));

        var error = Assert.Single(result.Errors);
        Assert.Equal(12, error.Line);
        Assert.Contains("generate is given both", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("value_count", "", "value_count needs condition.field")]
    [InlineData("value_sum", "", "value_sum needs condition.field")]
    [InlineData("value_avg", "", "value_avg needs condition.field")]
    [InlineData("value_percentile", "", "value_percentile needs condition.field")]
    [InlineData("value_sum", "\n        field: [a, b]", "value_sum takes one field")]
    [InlineData("value_percentile", "\n        field: a\n        percentile: 101", "percentile must be a whole number from 0 to 100")]
    [InlineData("temporal", "", "can never be met: temporal counts the matched rules, from 1 to 1")]
    public void Parse_ConditionNotFitForTheType_IsAnError(string type, string extra, string message)
    {
        var yaml = Valid.Replace("event_count", type).Replace("gte: 10", "gte: 10" + extra);

        var result = Assert.Single(CorrelationRuleParser.ParseText(yaml, "rule.yml"));

        Assert.Null(result.Rule);
        Assert.Contains(result.Errors, e => e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ValueCountOverSeveralFields_IsAccepted()
    {
        var rule = ParseValid(Valid.Replace("event_count", "value_count").Replace("gte: 10", "gte: 10\n        field: [User, Domain]"));

        Assert.Equal(["User", "Domain"], rule.Condition.Fields);
    }

    [Fact]
    public void Parse_SeveralProblems_AreAllReportedAtOnce()
    {
        var yaml = Valid.Replace("event_count", "bogus").Replace("1h", "1x").Replace("gte: 10", "gte: many");

        var result = Assert.Single(CorrelationRuleParser.ParseText(yaml, "rule.yml"));

        Assert.Equal([3, 8], result.Errors.Select(e => e.Line).Order());
        Assert.Null(result.Rule);
    }

    [Fact]
    public void ParseText_NotYaml_ReportsTheSyntaxErrorWithItsLine()
    {
        var yaml = "title: t\ncorrelation:\n    type: event_count\n    rules: a: b\n";

        var result = Assert.Single(CorrelationRuleParser.ParseText(yaml, "broken.yml"));

        Assert.Null(result.Rule);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("not valid YAML", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void ParseText_InputThatCrashesTheYamlScanner_IsAnErrorNotAnException()
    {
        // YamlDotNet throws InvalidOperationException (not YamlException) on this unterminated flow sequence.
        var yaml = "title: t\ncorrelation:\n    type: [event_count\n    rules: a\n";

        var result = Assert.Single(CorrelationRuleParser.ParseText(yaml, "broken.yml"));

        Assert.StartsWith("not valid YAML", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseText_CorrelationThatIsNotAMapping_IsAnErrorNotAnException()
    {
        var result = Assert.Single(CorrelationRuleParser.ParseText("title: t\ncorrelation: event_count\n", "r.yml"));

        Assert.Equal(2, Assert.Single(result.Errors).Line);
    }

    private static CorrelationRule ParseValid(string yaml)
    {
        var result = Assert.Single(CorrelationRuleParser.ParseText(yaml, "rule.yml"));
        Assert.Empty(result.Errors);
        return result.Rule!;
    }
}

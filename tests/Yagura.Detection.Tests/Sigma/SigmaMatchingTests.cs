namespace Yagura.Detection.Tests.Sigma;

/// <summary>The matching semantics of the Sigma specification 2.1 and its modifier appendix, one case at a time.</summary>
public sealed class SigmaMatchingTests : IDisposable
{
    private readonly SigmaTestRules _rules = new();

    public void Dispose() => _rules.Dispose();

    [Theory]
    [InlineData("Image: 'C:\\Windows\\cmd.exe'", """{"Image":"c:\\windows\\CMD.exe"}""", true)]
    [InlineData("Image: 'C:\\Windows\\cmd.exe'", """{"Image":"C:\\Windows\\cmd.exe2"}""", false)]
    [InlineData("Image: '*\\cmd.exe'", """{"Image":"C:\\Windows\\cmd.exe"}""", true)]
    [InlineData("Image: 'C:\\Win*'", """{"Image":"C:\\Windows\\cmd.exe"}""", true)]
    [InlineData("Image: '*dows*'", """{"Image":"C:\\Windows\\cmd.exe"}""", true)]
    [InlineData("Image: 'C:\\\\*\\\\cmd.?xe'", """{"Image":"C:\\Windows\\cmd.exe"}""", true)]
    [InlineData("Image: 'C:\\\\*\\\\cmd.?xe'", """{"Image":"C:\\Windows\\cmd.xe"}""", false)]
    [InlineData("Image: 'C:\\*\\cmd.exe'", """{"Image":"C:\\Windows\\cmd.exe"}""", false)]
    [InlineData("Image: 'C:\\*\\cmd.exe'", """{"Image":"C:*\\cmd.exe"}""", true)]
    [InlineData("Image: 'a\\*b'", """{"Image":"a*b"}""", true)]
    [InlineData("Image: 'a\\*b'", """{"Image":"axxb"}""", false)]
    [InlineData("Image: 'a\\?b'", """{"Image":"a?b"}""", true)]
    [InlineData("Image: 'a\\?b'", """{"Image":"axb"}""", false)]
    [InlineData("Image: 'a\\\\*'", """{"Image":"a\\anything"}""", true)]
    [InlineData("Image: 'a\\\\\\*'", """{"Image":"a\\*"}""", true)]
    [InlineData("Image: 'a\\\\\\*'", """{"Image":"a\\x"}""", false)]
    [InlineData("Image: 'a\\\\\\\\b'", """{"Image":"a\\\\b"}""", true)]
    [InlineData("Image: ''", """{"Image":""}""", true)]
    [InlineData("Image: ''", """{"Image":"x"}""", false)]
    public void Wildcards_AndEscapes_FollowTheSpecification(string detection, string e, bool expected) =>
        Assert.Equal(expected, _rules.Matches($"sel:\n  {detection}\ncondition: sel", e));

    [Theory]
    [InlineData("CommandLine|contains: 'mimikatz'", """{"CommandLine":"run MimiKatz.exe"}""", true)]
    [InlineData("CommandLine|startswith: 'run'", """{"CommandLine":"RUN it"}""", true)]
    [InlineData("CommandLine|endswith: '.exe'", """{"CommandLine":"a.EXE"}""", true)]
    [InlineData("CommandLine|endswith: '.exe'", """{"CommandLine":"a.exe "}""", false)]
    [InlineData("CommandLine|contains|cased: 'Mimi'", """{"CommandLine":"mimikatz"}""", false)]
    [InlineData("CommandLine|contains|cased: 'Mimi'", """{"CommandLine":"Mimikatz"}""", true)]
    [InlineData("CommandLine|contains|all: ['-enc', 'hidden']", """{"CommandLine":"ps -enc x -w hidden"}""", true)]
    [InlineData("CommandLine|contains|all: ['-enc', 'hidden']", """{"CommandLine":"ps -enc x"}""", false)]
    [InlineData("CommandLine|contains: ['-enc', 'hidden']", """{"CommandLine":"ps -enc x"}""", true)]
    [InlineData("CommandLine|neq: 'x'", """{"CommandLine":"y"}""", true)]
    [InlineData("CommandLine|neq: 'x'", """{"CommandLine":"X"}""", false)]
    [InlineData("CommandLine|exists: true", """{"CommandLine":""}""", true)]
    [InlineData("CommandLine|exists: true", """{"Other":"x"}""", false)]
    [InlineData("CommandLine|exists: false", """{"Other":"x"}""", true)]
    [InlineData("CommandLine: null", """{"Other":"x"}""", true)]
    [InlineData("CommandLine: null", """{"CommandLine":null}""", true)]
    [InlineData("CommandLine: null", """{"CommandLine":"x"}""", false)]
    [InlineData("EventID: 4688", """{"EventID":4688}""", true)]
    [InlineData("EventID: 4688", """{"EventID":"4688"}""", true)]
    [InlineData("EventID: [1, 4688]", """{"EventID":1}""", true)]
    [InlineData("EventID: [1, 4688]", """{"EventID":2}""", false)]
    [InlineData("Tags: b", """{"Tags":["a","b"]}""", true)]
    public void StringAndGenericModifiers_MatchAsSpecified(string detection, string e, bool expected) =>
        Assert.Equal(expected, _rules.Matches($"sel:\n  {detection}\ncondition: sel", e));

    [Theory]
    [InlineData("CommandLine|re: 'a.c'", """{"CommandLine":"xabcx"}""", true)]
    [InlineData("CommandLine|re: '^a.c$'", """{"CommandLine":"xabcx"}""", false)]
    [InlineData("CommandLine|re: 'ABC'", """{"CommandLine":"abc"}""", false)]
    [InlineData("CommandLine|re|i: 'ABC'", """{"CommandLine":"abc"}""", true)]
    [InlineData("CommandLine|re: '^b$'", """{"CommandLine":"a\nb"}""", false)]
    [InlineData("CommandLine|re|m: '^b$'", """{"CommandLine":"a\nb"}""", true)]
    [InlineData("CommandLine|re: 'a.b'", """{"CommandLine":"a\nb"}""", false)]
    [InlineData("CommandLine|re|s: 'a.b'", """{"CommandLine":"a\nb"}""", true)]
    [InlineData("SourceIp|cidr: '10.0.0.0/8'", """{"SourceIp":"10.1.2.3"}""", true)]
    [InlineData("SourceIp|cidr: '10.0.0.0/8'", """{"SourceIp":"11.1.2.3"}""", false)]
    [InlineData("SourceIp|cidr: ['192.168.0.0/16', 'fe80::/10']", """{"SourceIp":"fe80::1"}""", true)]
    [InlineData("SourceIp|cidr: 'fe80::/10'", """{"SourceIp":"2001:db8::1"}""", false)]
    [InlineData("SourceIp|cidr: '10.0.0.0/8'", """{"SourceIp":"not an ip"}""", false)]
    [InlineData("Count|gt: 5", """{"Count":6}""", true)]
    [InlineData("Count|gt: 5", """{"Count":5}""", false)]
    [InlineData("Count|gte: 5", """{"Count":"5"}""", true)]
    [InlineData("Count|lt: 5", """{"Count":4.5}""", true)]
    [InlineData("Count|lte: 5", """{"Count":6}""", false)]
    [InlineData("Count|lt: 5", """{"Count":"many"}""", false)]
    [InlineData("Time|hour: 3", """{"Time":"2026-12-03T03:15:00Z"}""", true)]
    [InlineData("Time|hour|gte: 20", """{"Time":"2026-12-03T21:15:00Z"}""", true)]
    [InlineData("Time|minute: 15", """{"Time":"2026-12-03T03:15:00Z"}""", true)]
    [InlineData("Time|day: 3", """{"Time":"2026-12-03T03:15:00Z"}""", true)]
    [InlineData("Time|week: 49", """{"Time":"2026-12-03T03:15:00Z"}""", true)]
    [InlineData("Time|month: 12", """{"Time":"2026-12-03T03:15:00Z"}""", true)]
    [InlineData("Time|year: 2025", """{"Time":"2026-12-03T03:15:00Z"}""", false)]
    [InlineData("User|fieldref: TargetUser", """{"User":"Bob","TargetUser":"bob"}""", true)]
    [InlineData("User|fieldref: TargetUser", """{"User":"Bob","TargetUser":"alice"}""", false)]
    [InlineData("User|fieldref|neq: TargetUser", """{"User":"Bob","TargetUser":"alice"}""", true)]
    public void TypeModifiers_MatchAsSpecified(string detection, string e, bool expected) =>
        Assert.Equal(expected, _rules.Matches($"sel:\n  {detection}\ncondition: sel", e));

    [Theory]
    [InlineData("CommandLine|base64: 'ping'", """{"CommandLine":"cGluZw=="}""", true)]
    [InlineData("CommandLine|base64offset|contains: 'ping'", """{"CommandLine":"eHhwaW5nIC1jIDE="}""", true)]
    [InlineData("CommandLine|base64offset|contains: 'ping'", """{"CommandLine":"cGluZyAtYyAx"}""", true)]
    [InlineData("CommandLine|base64offset|contains: 'ping'", """{"CommandLine":"cG9uZw=="}""", false)]
    [InlineData("CommandLine|utf16le|base64: 'ping'", """{"CommandLine":"cABpAG4AZwA="}""", true)]
    [InlineData("CommandLine|wide|base64offset|contains: 'ping'", """{"CommandLine":"-enc cABpAG4AZwA="}""", true)]
    [InlineData("CommandLine|utf16be|base64: 'ab'", """{"CommandLine":"AGEAYg=="}""", true)]
    [InlineData("CommandLine|utf16|base64: 'ab'", """{"CommandLine":"//5hAGIA"}""", true)]
    [InlineData("CommandLine|windash|contains: ' -exec '", """{"CommandLine":"x /exec y"}""", true)]
    [InlineData("CommandLine|windash|contains: ' -exec '", """{"CommandLine":"x \u2013exec y"}""", true)]
    [InlineData("CommandLine|windash|contains: ' -exec '", """{"CommandLine":"x \u2014exec y"}""", true)]
    [InlineData("CommandLine|windash|contains: ' -exec '", """{"CommandLine":"x \u2015exec y"}""", true)]
    [InlineData("CommandLine|windash|contains: ' -exec '", """{"CommandLine":"x +exec y"}""", false)]
    public void EncodingModifiers_ExpandTheValue(string detection, string e, bool expected) =>
        Assert.Equal(expected, _rules.Matches($"sel:\n  {detection}\ncondition: sel", e));

    [Fact]
    public void WindashWithAll_RequiresEveryValueButAcceptsAnyDashForEach()
    {
        const string Detection = "sel:\n  CommandLine|windash|contains|all: [' -a ', ' -b ']\ncondition: sel";
        Assert.True(_rules.Matches(Detection, """{"CommandLine":"x /a -b y"}"""));
        Assert.False(_rules.Matches(Detection, """{"CommandLine":"x /a y"}"""));
    }

    [Theory]
    [InlineData("sel1 and sel2", true, true, true)]
    [InlineData("sel1 and sel2", true, false, false)]
    [InlineData("sel1 or sel2", false, true, true)]
    [InlineData("sel1 and not sel2", true, false, true)]
    [InlineData("sel1 and not sel2", true, true, false)]
    [InlineData("not sel1 and sel2", false, true, true)]
    [InlineData("not (sel1 or sel2)", false, false, true)]
    [InlineData("not (sel1 or sel2)", true, false, false)]
    [InlineData("sel1 or sel2 and sel1", false, true, false)]
    [InlineData("1 of sel*", false, true, true)]
    [InlineData("all of sel*", true, false, false)]
    [InlineData("all of sel*", true, true, true)]
    [InlineData("1 of them", false, true, true)]
    [InlineData("all of them", true, true, false)]
    [InlineData("sel1 and not 1 of filter*", true, false, true)]
    public void Conditions_CombineSearchIdentifiersWithTheSpecifiedPrecedence(string condition, bool a, bool b, bool expected)
    {
        var detection = $"sel1:\n  A: 'yes'\nsel2:\n  B: 'yes'\nfilter_x:\n  C: 'yes'\ncondition: {condition}";
        var e = $$"""{"A":"{{(a ? "yes" : "no")}}","B":"{{(b ? "yes" : "no")}}","C":"no"}""";
        Assert.Equal(expected, _rules.Matches(detection, e));
    }

    [Fact]
    public void OneOfThem_LeavesOutIdentifiersStartingWithUnderscore()
    {
        const string Detection = "sel:\n  A: 'yes'\n_helper:\n  B: 'yes'\ncondition: 1 of them";
        Assert.False(_rules.Matches(Detection, """{"A":"no","B":"yes"}"""));
        Assert.True(_rules.Matches(Detection, """{"A":"yes","B":"no"}"""));
    }

    [Fact]
    public void ConditionList_IsAnOr()
    {
        const string Detection = "sel1:\n  A: 'yes'\nsel2:\n  B: 'yes'\ncondition:\n  - sel1\n  - sel2";
        Assert.True(_rules.Matches(Detection, """{"A":"no","B":"yes"}"""));
        Assert.False(_rules.Matches(Detection, """{"A":"no","B":"no"}"""));
    }

    [Fact]
    public void ListOfMaps_IsAnOrOfAnds()
    {
        const string Detection = "sel:\n  - A: 1\n    B: 2\n  - C: 3\ncondition: sel";
        Assert.True(_rules.Matches(Detection, """{"A":1,"B":2}"""));
        Assert.False(_rules.Matches(Detection, """{"A":1,"B":3}"""));
        Assert.True(_rules.Matches(Detection, """{"C":3}"""));
    }

    [Fact]
    public void Keywords_SearchEveryValueOfTheEvent()
    {
        const string Detection = "keywords:\n  - 'event::clear'\n  - 'sekurlsa'\ncondition: keywords";
        Assert.True(_rules.Matches(Detection, """{"Payload":"mimikatz # EVENT::Clear"}"""));
        Assert.True(_rules.Matches(Detection, """{"A":"x","B":["y","sekurlsa::logonpasswords"]}"""));
        Assert.False(_rules.Matches(Detection, """{"A":"event clear"}"""));
    }

    [Fact]
    public void KeywordsWithAll_NeedEveryKeyword()
    {
        const string Detection = "keywords:\n  '|all':\n    - 'OabVirtualDirectory'\n    - ' -ExternalUrl '\ncondition: keywords";
        Assert.True(_rules.Matches(Detection, """{"Cmd":"Set-OabVirtualDirectory -ExternalUrl http://x"}"""));
        Assert.False(_rules.Matches(Detection, """{"Cmd":"Set-OabVirtualDirectory"}"""));
    }

    [Fact]
    public void WindowsEvtxForm_IsReadThroughTheWindowsPipeline()
    {
        var set = _rules.Load("""
            title: Sysmon process creation
            id: evtx-rule
            logsource: { product: windows, category: process_creation }
            detection:
              sel:
                Image|endswith: '\whoami.exe'
                Provider_Name: Microsoft-Windows-Sysmon
                ThreatName: x
              condition: sel
            """);
        const string Event = """
            {"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},"EventID":1,
              "Channel":"Microsoft-Windows-Sysmon/Operational"},
              "EventData":{"Image":"C:\\Windows\\System32\\whoami.exe","Threat Name":"x"}}}
            """;
        Assert.Equal(["evtx-rule"], SigmaTestRules.MatchIds(set, Event));

        // Same event as a Security 4688 of the same process, and as a Sysmon network connection (wrong category).
        Assert.Equal(["evtx-rule"], SigmaTestRules.MatchIds(set, """{"Channel":"Security","EventID":4688,"NewProcessName":"C:\\x\\whoami.exe","Provider_Name":"Microsoft-Windows-Sysmon","ThreatName":"x"}"""));
        Assert.Empty(SigmaTestRules.MatchIds(set, Event.Replace("\"EventID\":1,", "\"EventID\":3,", StringComparison.Ordinal)));
    }
}

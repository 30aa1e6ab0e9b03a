using Yagura.Core.Search;

namespace Yagura.Core.Tests.Search;

public class QueryParserTests
{
    private static string P(string query) => QueryAst.Print(QueryParser.Parse(query));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void Parse_EmptyOrBlankQuery_MatchesEverything(string query)
    {
        var parsed = QueryParser.Parse(query);

        Assert.IsType<MatchAllNode>(parsed.Filter);
        Assert.Empty(parsed.Pipes);
    }

    [Theory]
    [InlineData("user.name:alice", "term(user.name,alice)")]
    [InlineData("event.code:4625", "term(event.code,4625)")]
    [InlineData("@timestamp:2024-05-01", "term(@timestamp,2024-05-01)")]
    [InlineData("winlog.event_data.Target-User_Name:bob", "term(winlog.event_data.Target-User_Name,bob)")]
    [InlineData("user.name: alice", "term(user.name,alice)")]
    [InlineData("user.name:\"John Smith\"", "term(user.name,John Smith)")]
    [InlineData("user.name:\"say \\\"hi\\\" \\\\ bye\"", "term(user.name,say \"hi\" \\ bye)")]
    [InlineData("user.name:\"adm*\"", "term(user.name,adm*)")]
    [InlineData("user.name:adm*", "glob(user.name,adm*)")]
    [InlineData("user.name:a?min", "glob(user.name,a?min)")]
    [InlineData("user.name:*", "exists(user.name)")]
    [InlineData("url.path:/index.html", "term(url.path,/index.html)")]
    [InlineData("event.start:2024-05-01T10:00:00Z", "term(event.start,2024-05-01T10:00:00Z)")]
    public void Parse_FieldTerms_BuildsFieldNodes(string query, string expected) => Assert.Equal(expected, P(query));

    [Theory]
    [InlineData(@"path:C\:\\Windows\\*", @"glob(path,C:\\Windows\\*)")]
    [InlineData(@"path:C\:\\Windows\\cmd.exe", @"term(path,C:\Windows\cmd.exe)")]
    [InlineData(@"file.name:a\*b", "term(file.name,a*b)")]
    [InlineData(@"file.name:a\*b*", @"glob(file.name,a\*b*)")]
    [InlineData(@"message:a\ b", "term(message,a b)")]
    [InlineData(@"name:\(x\)", "term(name,(x))")]
    [InlineData(@"user.name:\*", "term(user.name,*)")]
    public void Parse_BackslashEscapes_MakeCharactersLiteral(string query, string expected) => Assert.Equal(expected, P(query));

    [Theory]
    [InlineData("source.ip:10.0.0.0/8", "cidr(source.ip,10.0.0.0/8)")]
    [InlineData("source.ip:10.1.2.3/8", "cidr(source.ip,10.0.0.0/8)")]
    [InlineData("source.ip:192.168.1.7/32", "cidr(source.ip,192.168.1.7/32)")]
    [InlineData("source.ip:\"2001:db8::/32\"", "cidr(source.ip,2001:db8::/32)")]
    [InlineData("source.ip:2001:db8::/32", "cidr(source.ip,2001:db8::/32)")]
    [InlineData("source.ip:2001:db8::1", "term(source.ip,2001:db8::1)")]
    [InlineData("source.ip:10.0.0.1", "term(source.ip,10.0.0.1)")]
    [InlineData("url.path:a/b", "term(url.path,a/b)")]
    [InlineData("source.ip:10.0.0.0/33", "term(source.ip,10.0.0.0/33)")]
    public void Parse_CidrValues_BuildCidrNodes(string query, string expected) => Assert.Equal(expected, P(query));

    [Theory]
    [InlineData("failed", "text(failed)")]
    [InlineData("\"failed password\"", "phrase(failed password)")]
    [InlineData("fail*", "textglob(fail*)")]
    [InlineData("*ail*", "textglob(*ail*)")]
    [InlineData("user_name", "text(user_name)")]
    [InlineData("10.0.0.1", "text(10.0.0.1)")]
    [InlineData("ログイン失敗", "text(ログイン失敗)")]
    [InlineData("and", "text(and)")]
    [InlineData("TO", "text(TO)")]
    public void Parse_FreeText_BuildsFreeTextNodes(string query, string expected) => Assert.Equal(expected, P(query));

    [Theory]
    [InlineData("a b", "(and text(a) text(b))")]
    [InlineData("a AND b", "(and text(a) text(b))")]
    [InlineData("a && b", "(and text(a) text(b))")]
    [InlineData("a OR b", "(or text(a) text(b))")]
    [InlineData("a || b", "(or text(a) text(b))")]
    [InlineData("NOT a", "(not text(a))")]
    [InlineData("!a", "(not text(a))")]
    [InlineData("! a", "(not text(a))")]
    [InlineData("-a", "(not text(a))")]
    [InlineData("-user.name:root", "(not term(user.name,root))")]
    [InlineData("NOT NOT a", "(not (not text(a)))")]
    [InlineData("a OR b c", "(or text(a) (and text(b) text(c)))")]
    [InlineData("a OR b AND c", "(or text(a) (and text(b) text(c)))")]
    [InlineData("a AND b OR c", "(or (and text(a) text(b)) text(c))")]
    [InlineData("NOT a AND b", "(and (not text(a)) text(b))")]
    [InlineData("NOT a OR b", "(or (not text(a)) text(b))")]
    [InlineData("a OR NOT b c", "(or text(a) (and (not text(b)) text(c)))")]
    [InlineData("(a OR b) c", "(and (or text(a) text(b)) text(c))")]
    [InlineData("NOT (a OR b)", "(not (or text(a) text(b)))")]
    [InlineData("((a))", "text(a)")]
    [InlineData("a OR b OR c", "(or text(a) text(b) text(c))")]
    [InlineData("a b c", "(and text(a) text(b) text(c))")]
    [InlineData("a and b", "(and text(a) text(and) text(b))")]
    [InlineData("x:1 (y:2 || z:3) && !w:4", "(and term(x,1) (or term(y,2) term(z,3)) (not term(w,4)))")]
    public void Parse_BooleanOperators_FollowPrecedenceNotAndOr(string query, string expected) => Assert.Equal(expected, P(query));

    [Theory]
    [InlineData("user.name:(alice OR bob)", "(or term(user.name,alice) term(user.name,bob))")]
    [InlineData("user.name:(alice bob)", "(and term(user.name,alice) term(user.name,bob))")]
    [InlineData("user.name:(adm* OR \"John Smith\" OR NOT guest)", "(or glob(user.name,adm*) term(user.name,John Smith) (not term(user.name,guest)))")]
    [InlineData("source.ip:(10.0.0.0/8 OR 2001:db8::/32 OR ::1)", "(or cidr(source.ip,10.0.0.0/8) cidr(source.ip,2001:db8::/32) term(source.ip,::1))")]
    [InlineData("event.code:(4624 OR (4625 AND 4626))", "(or term(event.code,4624) (and term(event.code,4625) term(event.code,4626)))")]
    [InlineData("message:(fail* OR denied)", "(or glob(message,fail*) term(message,denied))")]
    public void Parse_FieldGroupShorthand_AppliesTheFieldToEachValue(string query, string expected) => Assert.Equal(expected, P(query));

    [Theory]
    [InlineData("bytes:[10 TO 20]", "range(bytes,[10,20])")]
    [InlineData("bytes:{10 TO 20}", "range(bytes,{10,20})")]
    [InlineData("bytes:[10 TO 20}", "range(bytes,[10,20})")]
    [InlineData("bytes:{10 TO 20]", "range(bytes,{10,20])")]
    [InlineData("bytes:[10 TO *]", "range(bytes,[10,*})")]
    [InlineData("bytes:[* TO 20]", "range(bytes,{*,20])")]
    [InlineData("bytes:[* TO *]", "exists(bytes)")]
    [InlineData("bytes:[-1.5 TO 2e3]", "range(bytes,[-1.5,2e3])")]
    [InlineData("bytes:[ 10  TO  20 ]", "range(bytes,[10,20])")]
    [InlineData("@timestamp:[2024-05-01 TO 2024-05-02]", "range(@timestamp,[2024-05-01,2024-05-02])")]
    [InlineData("@timestamp:[now-15m TO now]", "range(@timestamp,[now-15m,now])")]
    [InlineData("@timestamp:[2024-05-01T10:00:00Z TO 2024-05-01T11:00:00+09:00}", "range(@timestamp,[2024-05-01T10:00:00Z,2024-05-01T11:00:00+09:00})")]
    [InlineData("bytes>10", "range(bytes,{10,*})")]
    [InlineData("bytes>=10", "range(bytes,[10,*})")]
    [InlineData("bytes<10", "range(bytes,{*,10})")]
    [InlineData("bytes<=10", "range(bytes,{*,10])")]
    [InlineData("bytes >= 10", "text(bytes) text(>=) text(10)")]
    [InlineData("@timestamp>=now-2h", "range(@timestamp,[now-2h,*})")]
    [InlineData("@timestamp<\"2024-05-01T10:00:00Z\"", "range(@timestamp,{*,2024-05-01T10:00:00Z})")]
    [InlineData("event.start>2024-05-01T10:00:00Z", "range(event.start,{2024-05-01T10:00:00Z,*})")]
    public void Parse_Ranges_BuildRangeNodesWithBoundsAsWritten(string query, string expected)
    {
        if (expected.Contains(' ', StringComparison.Ordinal))
        {
            // Comparison operators must touch the field name; with spaces they are just words.
            Assert.Equal($"(and {expected})", P(query));
            return;
        }

        Assert.Equal(expected, P(query));
    }

    [Theory]
    [InlineData("user.name!=root", "(not term(user.name,root))")]
    [InlineData("user.name!=\"John Smith\"", "(not term(user.name,John Smith))")]
    [InlineData("source.ip!=10.0.0.0/8", "(not cidr(source.ip,10.0.0.0/8))")]
    [InlineData("user.name!=*", "(not exists(user.name))")]
    public void Parse_NotEqual_IsNotOfTheTerm(string query, string expected) => Assert.Equal(expected, P(query));

    [Fact]
    public void Parse_SocQuery_CombinesFilterAndPipes()
    {
        var query = "event.code:4625 | stats count() by source.ip | sort count() desc | head 10";

        Assert.Equal(
            "term(event.code,4625) | stats count/-/count() by source.ip | sort count() desc | head 10",
            P(query));
    }

    [Theory]
    [InlineData("| stats count()", "all | stats count/-/count()")]
    [InlineData("* | head 5", "textglob(*) | head 5")]
    [InlineData("a | stats count() as n, dc(user.name), sum(bytes), avg(bytes), min(bytes), max(bytes), count(user.name) by host.name, user.name",
        "text(a) | stats count/-/n, dc/user.name/dc(user.name), sum/bytes/sum(bytes), avg/bytes/avg(bytes), min/bytes/min(bytes), max/bytes/max(bytes), count/user.name/count(user.name) by host.name, user.name")]
    [InlineData("a | STATS Count( ) BY x", "text(a) | stats count/-/count() by x")]
    [InlineData("a | sort @timestamp", "text(a) | sort @timestamp asc")]
    [InlineData("a | sort x desc, y asc, z", "text(a) | sort x desc, y asc, z asc")]
    [InlineData("a | sort DC( user.name ) DESC", "text(a) | sort dc(user.name) desc")]
    [InlineData("a | head 3 | head 7", "text(a) | head 3 | head 7")]
    [InlineData("a | fields @timestamp, user.name,source.ip", "text(a) | fields @timestamp, user.name, source.ip")]
    [InlineData("a|head 3|fields x", "text(a) | head 3 | fields x")]
    [InlineData("a | fields x | sort x | stats count() by x | head 1", "text(a) | fields x | sort x asc | stats count/-/count() by x | head 1")]
    public void Parse_Pipes_InAnyOrderAndRepeated(string query, string expected) => Assert.Equal(expected, P(query));

    [Fact]
    public void Parse_QuotedPhraseKeepsOperatorsAndPipesAsText()
    {
        Assert.Equal("phrase(a OR b | head 1)", P("\"a OR b | head 1\""));
    }

    [Fact]
    public void Parse_IPv6CidrInGroupAndQuotedCidrOnFreeText_AreDistinct()
    {
        Assert.Equal("phrase(10.0.0.0/8)", P("\"10.0.0.0/8\""));
    }

    [Theory]
    [InlineData("event.code:4625")]
    [InlineData("event.code:4625 | stats count() by source.ip | sort count() desc | head 10")]
    [InlineData("event.code:4625 | stats count(), dc(user.name) by source.ip | sort dc(user.name) desc")]
    [InlineData("\"failed password\" AND NOT source.ip:10.0.0.0/8")]
    [InlineData("event.outcome:failure @timestamp>=now-15m")]
    [InlineData("event.code:(4624 OR 4672) user.name:(administrator OR adm-*)")]
    [InlineData("source.ip:\"2001:db8::/32\" OR destination.ip:\"2001:db8::/32\"")]
    [InlineData(@"process.executable:C\:\\Users\\*\\AppData\\Local\\Temp\\*")]
    [InlineData("network.direction:outbound source.bytes>=100000000 | sort source.bytes desc")]
    [InlineData("error.message:*")]
    [InlineData("event.code:4625 | fields @timestamp, source.ip, user.name | head 50")]
    [InlineData("@timestamp>=now-7d | stats count() by observer.vendor, observer.product")]
    [InlineData("| stats count() by host.name")]
    [InlineData("@timestamp:[2024-05-01 TO 2024-05-02}")]
    [InlineData("\"http://example.com\"")]
    public void Parse_DocumentedExamples_Parse(string query) => Assert.NotNull(QueryParser.Parse(query));
}

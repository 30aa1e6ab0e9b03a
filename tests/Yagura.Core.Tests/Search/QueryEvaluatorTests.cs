using Yagura.Core.Events;
using Yagura.Core.Search;

using static Yagura.Core.Tests.Search.TestEvents;

namespace Yagura.Core.Tests.Search;

public class QueryEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static bool Matches(string query, EventRecord e) =>
        QueryEvaluator.Compile(QueryParser.Parse(query).Filter, Now)(e);

    [Theory]
    [InlineData("user.name:alice", true)]
    [InlineData("user.name:ALICE", true)]
    [InlineData("user.name:\"Alice\"", true)]
    [InlineData("user.name:ali", false)]
    [InlineData("user.name:alice2", false)]
    [InlineData("user.name:AL*", true)]
    [InlineData("user.name:?lice", true)]
    [InlineData("user.name:*IC*", true)]
    [InlineData("user.name:a?ice*", true)]
    [InlineData("user.name:b*", false)]
    [InlineData("user.name:alic?e", false)]
    [InlineData("other:alice", false)]
    public void FieldTerm_OnOrdinaryField_IsCaseInsensitiveWholeValueOrGlob(string query, bool expected) =>
        Assert.Equal(expected, Matches(query, With(("user.name", "Alice"))));

    [Theory]
    [InlineData(@"file.path:C\:\\Windows\\*", true)]
    [InlineData(@"file.path:c\:\\windows\\system32\\CMD.EXE", true)]
    [InlineData(@"file.path:C\:\\Temp\\*", false)]
    [InlineData(@"file.path:C\:\\Windows\\*\\cmd.exe", true)]
    public void FieldTerm_WithEscapedBackslashes_MatchesWindowsPaths(string query, bool expected) =>
        Assert.Equal(expected, Matches(query, With(("file.path", @"C:\Windows\System32\cmd.exe"))));

    [Theory]
    [InlineData("file.name:a\\*b*", "a*bcd", true)]
    [InlineData("file.name:a\\*b*", "axbcd", false)]
    [InlineData("file.name:a\\?", "a?", true)]
    [InlineData("file.name:a\\?", "ab", false)]
    public void FieldTerm_EscapedWildcard_IsLiteral(string query, string value, bool expected) =>
        Assert.Equal(expected, Matches(query, With(("file.name", value))));

    [Fact]
    public void FieldTerm_OnArray_MatchesWhenAnyElementMatches()
    {
        var strings = With(("tags", new List<string> { "alpha", "Beta" }));
        var mixed = With(("related.ip", new List<object?> { 4625L, "10.0.0.1", null }));

        Assert.True(Matches("tags:beta", strings));
        Assert.True(Matches("tags:alp*", strings));
        Assert.False(Matches("tags:gamma", strings));
        Assert.True(Matches("related.ip:4625", mixed));
        Assert.True(Matches("related.ip:10.0.0.1", mixed));
        Assert.False(Matches("related.ip:10.0.0.2", mixed));
    }

    [Theory]
    [InlineData("event.code:4625", true)]
    [InlineData("event.code:4625.0", true)]
    [InlineData("event.code:4.625e3", true)]
    [InlineData("event.code:4624", false)]
    [InlineData("event.code:46*", true)]
    [InlineData("event.code:abc", false)]
    public void FieldTerm_OnNumber_ComparesNumerically(string query, bool expected) =>
        Assert.Equal(expected, Matches(query, With(("event.code", 4625L))));

    [Fact]
    public void FieldTerm_OnNumericString_ComparesAsText()
    {
        var e = With(("event.code", "4625"));

        Assert.True(Matches("event.code:4625", e));
        Assert.False(Matches("event.code:4625.0", e));
    }

    [Fact]
    public void FieldTerm_OnDoubleAndBoolean_UsesTheirValues()
    {
        Assert.True(Matches("score:1.50", With(("score", 1.5))));
        Assert.False(Matches("score:1.51", With(("score", 1.5))));
        Assert.True(Matches("event.truncated:TRUE", With(("event.truncated", true))));
        Assert.False(Matches("event.truncated:false", With(("event.truncated", true))));
    }

    [Fact]
    public void FieldTerm_OnLongBeyondDoublePrecision_ComparesExactly()
    {
        var e = Event(id: 9_007_199_254_740_993);

        Assert.True(Matches("event.id:9007199254740993", e));
        Assert.False(Matches("event.id:9007199254740992", e));
    }

    [Fact]
    public void FieldExists_RequiresAPresentNonEmptyValue()
    {
        Assert.True(Matches("user.name:*", With(("user.name", "x"))));
        Assert.True(Matches("user.name:*", With(("user.name", ""))));
        Assert.False(Matches("user.name:*", With(("other", "x"))));
        Assert.False(Matches("user.name:*", With(("user.name", null))));
        Assert.False(Matches("tags:*", With(("tags", Array.Empty<string>()))));
        Assert.False(Matches("message:*", Event(original: "raw")));
        Assert.True(Matches("message:*", Event(message: "m")));
        Assert.True(Matches("user.name!=*", With(("other", "x"))));
    }

    [Theory]
    [InlineData("10.1.2.3", "source.ip:10.0.0.0/8", true)]
    [InlineData("10.255.255.255", "source.ip:10.0.0.0/8", true)]
    [InlineData("11.0.0.1", "source.ip:10.0.0.0/8", false)]
    [InlineData("192.168.1.7", "source.ip:192.168.1.7/32", true)]
    [InlineData("192.168.1.8", "source.ip:192.168.1.7/32", false)]
    [InlineData("8.8.8.8", "source.ip:0.0.0.0/0", true)]
    [InlineData("10.0.0.300", "source.ip:10.0.0.0/8", false)]
    [InlineData("not an ip", "source.ip:10.0.0.0/8", false)]
    [InlineData("2001:db8::1", "source.ip:10.0.0.0/8", false)]
    [InlineData("2001:db8:1234::1", "source.ip:\"2001:db8::/32\"", true)]
    [InlineData("2001:DB8::1", "source.ip:2001:db8::/32", true)]
    [InlineData("2001:db9::1", "source.ip:2001:db8::/32", false)]
    [InlineData("10.0.0.1", "source.ip:2001:db8::/32", false)]
    [InlineData("fe80::1", "source.ip:(10.0.0.0/8 OR fe80::/10)", true)]
    public void FieldCidr_MatchesAddressesInsideTheNetwork(string address, string query, bool expected) =>
        Assert.Equal(expected, Matches(query, With(("source.ip", address))));

    [Fact]
    public void FieldCidr_OnArray_MatchesWhenAnyAddressIsInside()
    {
        var e = With(("related.ip", new List<string> { "8.8.8.8", "10.9.9.9" }));

        Assert.True(Matches("related.ip:10.0.0.0/8", e));
        Assert.False(Matches("related.ip:172.16.0.0/12", e));
    }

    [Theory]
    [InlineData("bytes:[10 TO 20]", 10L, true)]
    [InlineData("bytes:[10 TO 20]", 20L, true)]
    [InlineData("bytes:[10 TO 20]", 21L, false)]
    [InlineData("bytes:{10 TO 20}", 10L, false)]
    [InlineData("bytes:{10 TO 20}", 20L, false)]
    [InlineData("bytes:{10 TO 20}", 15L, true)]
    [InlineData("bytes:[10 TO 20}", 10L, true)]
    [InlineData("bytes:[10 TO 20}", 20L, false)]
    [InlineData("bytes:{10 TO 20]", 20L, true)]
    [InlineData("bytes:[10 TO *]", 1_000_000L, true)]
    [InlineData("bytes:[* TO 20]", -5L, true)]
    [InlineData("bytes>10", 10L, false)]
    [InlineData("bytes>=10", 10L, true)]
    [InlineData("bytes<10", 10L, false)]
    [InlineData("bytes<=10", 10L, true)]
    [InlineData("bytes:[1.5 TO 2.5]", 2L, true)]
    public void FieldRange_Numeric_HonoursInclusiveExclusiveAndOpenBounds(string query, long value, bool expected) =>
        Assert.Equal(expected, Matches(query, With(("bytes", value))));

    [Fact]
    public void FieldRange_Numeric_ReadsDoublesNumericStringsAndArrays()
    {
        Assert.True(Matches("score:[0.5 TO 1]", With(("score", 0.75))));
        Assert.True(Matches("event.code:[4624 TO 4625]", With(("event.code", "4625"))));
        Assert.False(Matches("event.code:[4624 TO 4625]", With(("event.code", "x4625"))));
        Assert.True(Matches("ports>1024", With(("ports", new List<object?> { 22L, 8080L }))));
        Assert.False(Matches("ports>10000", With(("ports", new List<object?> { 22L, 8080L }))));
        Assert.False(Matches("bytes>1", With(("other", 5L))));
    }

    [Theory]
    [InlineData("@timestamp:[now-15m TO now]", -10, true)]
    [InlineData("@timestamp:[now-15m TO now]", -20, false)]
    [InlineData("@timestamp:[now-15m TO now]", 1, false)]
    [InlineData("@timestamp>now-15m", -15, false)]
    [InlineData("@timestamp>=now-15m", -15, true)]
    [InlineData("@timestamp<now-2h", -121, true)]
    [InlineData("@timestamp<now-2h", -119, false)]
    [InlineData("@timestamp>=now-1d", -1439, true)]
    [InlineData("@timestamp>=now-7d", -(7 * 1440) - 1, false)]
    [InlineData("@timestamp:[now-1w TO now+1h]", 30, true)]
    [InlineData("@timestamp:{now-30s TO *]", 0, true)]
    public void FieldRange_OnTimestamp_ResolvesRelativeTimesAgainstNow(string query, int minutesFromNow, bool expected) =>
        Assert.Equal(expected, Matches(query, Event(timestamp: Now.AddMinutes(minutesFromNow))));

    [Theory]
    [InlineData("@timestamp:[2024-05-01 TO 2024-05-02}", "2024-05-01T00:00:00Z", true)]
    [InlineData("@timestamp:[2024-05-01 TO 2024-05-02}", "2024-05-02T00:00:00Z", false)]
    [InlineData("@timestamp:[2024-05-01 TO 2024-05-02}", "2024-04-30T23:59:59Z", false)]
    [InlineData("@timestamp>=2024-05-01T09:00:00+09:00", "2024-05-01T00:00:00Z", true)]
    [InlineData("@timestamp>2024-05-01T09:00:00+09:00", "2024-05-01T00:00:00Z", false)]
    [InlineData("@timestamp<2024-05-01T10:00:00", "2024-05-01T09:59:59.999Z", true)]
    public void FieldRange_OnTimestamp_ReadsIsoTimesAndDates(string query, string timestamp, bool expected) =>
        Assert.Equal(expected, Matches(query, Event(timestamp: DateTimeOffset.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture))));

    [Fact]
    public void FieldRange_TimeOnOtherFields_ReadsIsoStringsAndEventCreated()
    {
        Assert.True(Matches("event.start>=now-1h", With(("event.start", "2024-05-01T11:30:00Z"))));
        Assert.False(Matches("event.start>=now-1h", With(("event.start", "2024-05-01T10:30:00Z"))));
        Assert.False(Matches("event.start>=now-1h", With(("event.start", "yesterday"))));
        Assert.True(Matches("event.created:[now-1m TO now]", Event(timestamp: Now)));
    }

    [Theory]
    [InlineData("now", "2024-05-01T12:00:00Z")]
    [InlineData("NOW", "2024-05-01T12:00:00Z")]
    [InlineData("now-15m", "2024-05-01T11:45:00Z")]
    [InlineData("now-30s", "2024-05-01T11:59:30Z")]
    [InlineData("now+2h", "2024-05-01T14:00:00Z")]
    [InlineData("now-7d", "2024-04-24T12:00:00Z")]
    [InlineData("now-2w", "2024-04-17T12:00:00Z")]
    [InlineData("2024-05-01", "2024-05-01T00:00:00Z")]
    [InlineData("2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z")]
    [InlineData("2024-05-01T10:00:00.250Z", "2024-05-01T10:00:00.250Z")]
    [InlineData("2024-05-01T10:00:00+09:00", "2024-05-01T01:00:00Z")]
    [InlineData("2024-05-01T10:00:00", "2024-05-01T10:00:00Z")]
    [InlineData("2024-05-01 10:00:00Z", "2024-05-01T10:00:00Z")]
    public void TryParseTime_ReadsAbsoluteAndRelativeTimes(string text, string expected)
    {
        Assert.True(QueryEvaluator.TryParseTime(text, Now, out var value));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("now-15")]
    [InlineData("now-m")]
    [InlineData("now-5x")]
    [InlineData("now15m")]
    [InlineData("05/01/2024")]
    [InlineData("2024-13-01")]
    [InlineData("12345")]
    public void TryParseTime_RejectsOtherText(string text) =>
        Assert.False(QueryEvaluator.TryParseTime(text, Now, out _));

    [Fact]
    public void TryParseTime_HugeOffset_SaturatesInsteadOfOverflowing()
    {
        Assert.True(QueryEvaluator.TryParseTime("now-99999999999w", Now, out var value));
        Assert.Equal(DateTimeOffset.MinValue, value);
    }

    [Theory]
    [InlineData("failed", "Login FAILED for root", true)]
    [InlineData("failed", "failedlogin for root", false)]
    [InlineData("FAILED", "login failed", true)]
    [InlineData("user_name", "bad user name given", true)]
    [InlineData("user_name", "bad USER-NAME given", true)]
    [InlineData("user_name", "bad username given", false)]
    [InlineData("user_name", "name user", false)]
    [InlineData("\"failed password\"", "Failed password for root", true)]
    [InlineData("\"failed password\"", "password failed", false)]
    [InlineData("\"failed password\"", "failed bad password", false)]
    [InlineData("\"failed, password!\"", "failed password", true)]
    [InlineData("pass*", "Failed password for root", true)]
    [InlineData("pass*", "Failed bypass for root", false)]
    [InlineData("user_na*", "bad user_names", true)]
    [InlineData("user_na*", "bad user_xnames", false)]
    [InlineData("*ail*", "Login failed", true)]
    [InlineData("*ail*", "Login refused", false)]
    [InlineData("fail*ed", "failed", true)]
    [InlineData("fail*ed", "Login failed", false)]
    [InlineData("f?iled", "failed", true)]
    [InlineData("ログイン", "ユーザーのログイン失敗", true)]
    [InlineData("ログイン", "ユーザーの失敗", false)]
    [InlineData("\"ログイン失敗\"", "ユーザーのログイン失敗です", true)]
    [InlineData("ログ*失敗", "ユーザーのログイン失敗です", true)]
    [InlineData("\"->\"", "a -> b", true)]
    [InlineData("\"->\"", "a - b", false)]
    [InlineData("kelvin", "300 \u212Aelvin", true)]
    [InlineData("\"failed password\"", "Failed password for ユーザー", true)]
    [InlineData("10.0.0.1", "connection from 10.0.0.1 port 22", true)]
    [InlineData("10.0.0.1", "connection from 10.0.0.12 port 22", false)]
    public void FreeText_UsesTokensPhrasesPrefixesGlobsAndSubstrings(string query, string message, bool expected) =>
        Assert.Equal(expected, Matches(query, Event(message: message, original: "<13>1 - - - - - -")));

    [Fact]
    public void FreeText_SearchesMessageAndOriginalButNoOtherField()
    {
        Assert.True(Matches("failed", Event(message: null, original: "raw failed line")));
        Assert.True(Matches("failed", Event(message: "failed", original: "x")));
        Assert.False(Matches("failed", Event(message: "ok", original: "ok", error: "failed", fields: ("user.name", "failed"))));
    }

    [Fact]
    public void FieldTerm_OnTextFields_UsesFreeTextSemanticsOnThatFieldOnly()
    {
        var e = Event(message: "Failed password for root", original: "<34>sshd: Accepted key", error: "message truncated at 64 KiB");

        Assert.True(Matches("message:failed", e));
        Assert.True(Matches("message:\"password for\"", e));
        Assert.True(Matches("message:pass*", e));
        Assert.False(Matches("message:accepted", e));
        Assert.True(Matches("event.original:accepted", e));
        Assert.False(Matches("event.original:failed", e));
        Assert.True(Matches("error.message:truncated", e));
        Assert.True(Matches("error.message:\"64 kib\"", e));
        Assert.False(Matches("error.message:failed", Event(message: "failed")));
    }

    [Fact]
    public void BooleanOperators_CombineTerms()
    {
        var e = Event(message: "Failed password", fields: [("user.name", "root"), ("source.ip", "10.0.0.5")]);

        Assert.True(Matches("failed user.name:root", e));
        Assert.False(Matches("failed AND user.name:admin", e));
        Assert.True(Matches("user.name:admin OR source.ip:10.0.0.0/8", e));
        Assert.False(Matches("NOT failed", e));
        Assert.True(Matches("-user.name:admin", e));
        Assert.True(Matches("user.name!=admin", e));
        Assert.False(Matches("user.name!=ROOT", e));
        Assert.True(Matches("NOT user.name:admin AND (accepted OR failed)", e));
        Assert.False(Matches("(user.name:admin OR accepted) failed", e));
        Assert.True(Matches("a OR b OR failed", e));
        Assert.True(Matches("", e));
    }

    [Fact]
    public void ResolveRelativeTimes_ReplacesRelativeBoundsWithAbsoluteTimes()
    {
        var parsed = QueryParser.Parse("@timestamp:[now-15m TO now] AND bytes>10 AND NOT event.start<now-1h").Filter;

        var resolved = QueryEvaluator.ResolveRelativeTimes(parsed, Now);

        Assert.Equal(
            "(and range(@timestamp,[2024-05-01T11:45:00.0000000Z,2024-05-01T12:00:00.0000000Z]) range(bytes,{10,*}) (not range(event.start,{*,2024-05-01T11:00:00.0000000Z})))",
            QueryAst.Print(resolved));
        var e = Event(timestamp: Now.AddMinutes(-5), fields: [("bytes", 11L), ("event.start", "2024-05-01T11:30:00Z")]);
        Assert.True(QueryEvaluator.Compile(resolved, DateTimeOffset.UnixEpoch)(e));
    }
}

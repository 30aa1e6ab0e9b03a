using Yagura.Core.Search;

namespace Yagura.Core.Tests.Search;

public class QueryParserErrorTests
{
    [Theory]
    [InlineData("(a OR b) AND c)", "unexpected ')'", 14)]
    [InlineData("a)", "unexpected ')'", 1)]
    [InlineData("title:\"abc", "missing closing quote started", 6)]
    [InlineData("\"abc \\\"", "missing closing quote started", 0)]
    [InlineData("(a OR b", "missing ')' to close the '(' opened", 0)]
    [InlineData("a (b (c)", "missing ')' to close the '(' opened", 2)]
    [InlineData("a AND", "'AND' must be followed by a term", 2)]
    [InlineData("a &&", "'&&' must be followed by a term", 2)]
    [InlineData("a OR", "'OR' must be followed by a term", 2)]
    [InlineData("NOT", "'NOT' must be followed by a term", 0)]
    [InlineData("a AND | head 1", "'AND' must be followed by a term", 2)]
    [InlineData("(a OR )", "expected a term after 'OR', found ')'", 6)]
    [InlineData("a OR OR b", "expected a term after 'OR', found 'OR'", 5)]
    [InlineData("AND a", "'AND' needs a term before it", 0)]
    [InlineData("|| a", "'||' needs a term before it", 0)]
    [InlineData("()", "unexpected ')'", 1)]
    [InlineData("user.name:", "missing value after 'user.name:'", 0)]
    [InlineData("x user.name:   ", "missing value after 'user.name:'", 2)]
    [InlineData("(user.name:)", "missing value after 'user.name:'", 1)]
    [InlineData("bytes>", "missing value after 'bytes>'", 0)]
    [InlineData("bytes<=|head 1", "missing value after 'bytes<='", 0)]
    [InlineData("user.name:()", "empty value group after 'user.name:'", 10)]
    [InlineData("x:(a OR b", "missing ')' to close the '(' opened", 2)]
    [InlineData("bytes:[1 TO", "the range opened here is not closed", 6)]
    [InlineData("bytes:[1 2]", "expected 'TO' between the bounds of the range", 9)]
    [InlineData("bytes:[1 to 2]", "expected 'TO' between the bounds of the range", 9)]
    [InlineData("bytes:[1 TO 2", "missing ']' or '}' to close the range opened", 6)]
    [InlineData("bytes:[1 TO 2 3]", "expected ']' or '}' to close the range", 14)]
    [InlineData("bytes:[]", "missing range bound", 7)]
    [InlineData("bytes:[abc TO 2]", "range bound 'abc' is neither a number nor a time (e.g. 42, 2024-05-01, now-15m)", 7)]
    [InlineData("bytes>abc", "range bound 'abc' is neither a number nor a time (e.g. 42, 2024-05-01, now-15m)", 6)]
    [InlineData("@timestamp>5", "'@timestamp' compares as time and '5' is not a time (e.g. 2024-05-01, 2024-05-01T10:00:00Z, now-15m)", 11)]
    [InlineData("@timestamp:[now-5x TO now]", "'@timestamp' compares as time and 'now-5x' is not a time (e.g. 2024-05-01, 2024-05-01T10:00:00Z, now-15m)", 12)]
    [InlineData("bytes:[1 TO now]", "a range cannot mix a number and a time", 12)]
    [InlineData("a\\", "a backslash at the end of the query escapes nothing", 1)]
    [InlineData("- a", "'-' must be followed directly by the term it excludes, e.g. -user.name:root", 0)]
    [InlineData("a -", "'-' must be followed directly by the term it excludes, e.g. -user.name:root", 2)]
    [InlineData("!=x", "'!=' needs a field name before it, e.g. user.name!=root", 0)]
    public void Parse_BadFilter_ThrowsWithReasonAndPosition(string query, string reason, int position) =>
        AssertError(query, reason, position);

    [Theory]
    [InlineData("a | stat count()", "unknown pipe command 'stat' (expected stats, sort, head, fields)", 4)]
    [InlineData("a | ", "expected a pipe command after '|' (stats, sort, head, fields)", 2)]
    [InlineData("a | head", "'head' needs a positive number", 4)]
    [InlineData("a | head 0", "'head' needs a positive number", 9)]
    [InlineData("a | head -3", "'head' needs a positive number", 9)]
    [InlineData("a | head ten", "'head' needs a positive number", 9)]
    [InlineData("a | head 99999999999", "'head' needs a positive number", 9)]
    [InlineData("a | head 5 x", "unexpected 'x' in the 'head' command", 11)]
    [InlineData("a | head 5 || b", "unexpected '||'", 11)]
    [InlineData("a | stats", "'stats' needs an aggregation such as count()", 4)]
    [InlineData("a | stats by x", "'stats' needs an aggregation such as count() before 'by'", 10)]
    [InlineData("a | stats foo()", "unknown function 'foo' (expected count, dc, sum, avg, min, max)", 10)]
    [InlineData("a | stats count", "expected '(' after 'count', e.g. count()", 10)]
    [InlineData("a | stats count(", "missing ')' to close 'count('", 10)]
    [InlineData("a | stats sum()", "'sum' needs a field, e.g. sum(source.bytes)", 10)]
    [InlineData("a | stats count(),", "expected an aggregation after ','", 4)]
    [InlineData("a | stats count() as", "'as' needs a column name", 18)]
    [InlineData("a | stats count() by", "'by' needs a field name", 18)]
    [InlineData("a | stats count() by x,", "expected a field name after ','", 18)]
    [InlineData("a | stats count() x", "unexpected 'x' in the 'stats' command", 18)]
    [InlineData("a | sort", "'sort' needs a field, e.g. sort @timestamp desc", 4)]
    [InlineData("a | sort x, ", "expected a field after ','", 4)]
    [InlineData("a | sort x down", "unexpected 'down' in the 'sort' command", 11)]
    [InlineData("a | fields", "'fields' needs a field name", 4)]
    [InlineData("a | fields x,,y", "expected a field name after ','", 13)]
    public void Parse_BadPipe_ThrowsWithReasonAndPosition(string query, string reason, int position) =>
        AssertError(query, reason, position);

    [Fact]
    public void SyntaxError_MessageAndCaret_PointAtTheOffendingCharacter()
    {
        var error = Assert.Throws<QuerySyntaxException>(() => QueryParser.Parse("(a OR b) AND c)"));

        Assert.Equal("unexpected ')' at position 14", error.Message);
        Assert.Equal("(a OR b) AND c)\n              ^", error.Caret);
        Assert.Equal("(a OR b) AND c)", error.Query);
    }

    [Fact]
    public void Parse_HostileNesting_IsASyntaxErrorNotAStackOverflow()
    {
        var parentheses = new string('(', 100_000) + "a" + new string(')', 100_000);
        var nots = string.Concat(Enumerable.Repeat("NOT ", 100_000)) + "a";
        var bangs = new string('!', 100_000) + "a";
        var groups = string.Concat(Enumerable.Repeat("f:(", 100_000)) + "a";

        foreach (var query in new[] { parentheses, nots, bangs, groups })
        {
            var error = Assert.Throws<QuerySyntaxException>(() => QueryParser.Parse(query));
            Assert.Equal("the query nests parentheses or NOT more than 100 deep", error.Reason);
        }

        Assert.Equal("text(a)", QueryAst.Print(QueryParser.Parse(new string('(', 100) + "a" + new string(')', 100))));
    }

    private static void AssertError(string query, string reason, int position)
    {
        var error = Assert.Throws<QuerySyntaxException>(() => QueryParser.Parse(query));

        Assert.Equal(reason, error.Reason);
        Assert.Equal(position, error.Position);
        Assert.Equal($"{reason} at position {position}", error.Message);
        Assert.InRange(error.Position, 0, query.Length - 1);
    }
}

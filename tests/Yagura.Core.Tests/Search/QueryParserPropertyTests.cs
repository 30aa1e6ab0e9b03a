using CsCheck;

using Yagura.Core.Search;

namespace Yagura.Core.Tests.Search;

public class QueryParserPropertyTests
{
    // Characters the grammar gives meaning to, weighted so random strings exercise every branch of the lexer.
    private static readonly Gen<char> QueryChar = Gen.OneOf(
        Gen.Char["()[]{}\"\\:*?|&!-<>=/,. @_"],
        Gen.Char['a', 'z'],
        Gen.Char['0', '9'],
        Gen.Char[" \t"],
        Gen.Char);

    private static readonly string[] Keywords =
    [
        "AND", "OR", "NOT", "TO", " | stats ", " | sort ", " | head ", " | fields ", "count()", " by ", " as ", "desc",
        "now-15m", "2024-05-01", "10.0.0.0/8", "2001:db8::/32", "user.name:", "bytes>=", "!=", "\\\"",
    ];

    private static readonly Gen<string> Keyword = Gen.Int[0, Keywords.Length - 1].Select(i => Keywords[i]);

    private static readonly Gen<string> RandomQuery = Gen.OneOf(
        QueryChar.Array[0, 40].Select(chars => new string(chars)),
        Gen.OneOf(Keyword, QueryChar.Array[1, 4].Select(c => new string(c))).Array[0, 12].Select(parts => string.Concat(parts)));

    [Fact]
    public void Parse_RandomInput_OnlyEverThrowsSyntaxErrorsPointingInsideTheQuery()
    {
        RandomQuery.Sample(query =>
        {
            try
            {
                var parsed = QueryParser.Parse(query);
                Assert.NotNull(parsed.Filter);
            }
            catch (QuerySyntaxException error)
            {
                Assert.InRange(error.Position, 0, Math.Max(0, query.Length - 1));
                Assert.True(query.Length > 0);
                Assert.False(string.IsNullOrWhiteSpace(error.Reason));
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Compile_AnyParsedQuery_CompilesWithoutThrowing()
    {
        var now = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
        RandomQuery.Sample(query =>
        {
            SearchQuery parsed;
            try
            {
                parsed = QueryParser.Parse(query);
            }
            catch (QuerySyntaxException)
            {
                return;
            }

            var matches = QueryEvaluator.Compile(parsed.Filter, now);
            _ = matches(TestEvents.Event(message: "Failed password for root from 10.0.0.1"));
        }, iter: 5_000);
    }
}

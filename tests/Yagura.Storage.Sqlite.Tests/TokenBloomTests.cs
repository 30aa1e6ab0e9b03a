using Yagura.Core.Search;
using Yagura.Storage.Sqlite.Internal;

namespace Yagura.Storage.Sqlite.Tests;

public sealed class TokenBloomTests
{
    private const string Alphabet = "aZ09 _-.:=/\\\"'\t\nÉéıİſßK東京サー\u0301\u0903\u2003😀\uD800€½ⅫＡ";

    [Fact]
    public void AddTokens_AnyText_HashesExactlyTheTokensOfTextTokensAndTheirPairs()
    {
        var random = new Random(3);
        for (var n = 0; n < 5000; n++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[random.Next(Alphabet.Length)];
            }

            var text = new string(chars);
            var actual = new HashSet<ulong>();
            TokenBloom.AddTokens(text, actual);

            var expected = TokenBloom.Keys(TextTokens.Split(text)).ToHashSet();
            Assert.True(expected.SetEquals(actual), $"tokens of '{text}' differ");
        }
    }

    [Fact]
    public void MayContainAll_TokensAdded_AreFoundAndOthersMostlyNot()
    {
        var hashes = Enumerable.Range(0, 1000).Select(i => TokenBloom.HashToken("w" + i)).ToHashSet();
        var filter = TokenBloom.Build(hashes);

        Assert.All(hashes, h => Assert.True(TokenBloom.MayContainAll(filter, BitConverter.GetBytes(h))));
        var falsePositives = Enumerable.Range(0, 10_000)
            .Count(i => TokenBloom.MayContainAll(filter, BitConverter.GetBytes(TokenBloom.HashToken("x" + i))));
        Assert.InRange(falsePositives, 0, 500);
    }
}

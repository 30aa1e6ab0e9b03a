using Yagura.Core.Search;
using Yagura.Storage.Sqlite.Internal;

namespace Yagura.Storage.Sqlite.Tests;

public sealed class TokenBloomTests
{
    // ASCII-only text takes a separate one-pass tokenizer.
    private const string AsciiAlphabet = "aZ09 _-.:=/\\\"'\t\n\u007f\u0000mQ";

    private const string Alphabet = "aZ09 _-.:=/\\\"'\t\nÉéıİſßK東京サー\u0301\u0903\u2003😀\uD800€½ⅫＡ";

    [Theory]
    [InlineData(Alphabet)]
    [InlineData(AsciiAlphabet)]
    public void AddTokens_AnyText_HashesExactlyTheTokensOfTextTokensAndTheirPairs(string alphabet)
    {
        var random = new Random(3);
        for (var n = 0; n < 5000; n++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            var text = new string(chars);
            var actual = new KeySet();
            TokenBloom.AddTokens(text, actual);

            var expected = TokenBloom.Keys(TextTokens.Split(text)).ToHashSet();
            Assert.True(expected.SetEquals(actual.Items.ToArray()), $"tokens of '{text}' differ");
            Assert.Equal(expected.Count, actual.Count);
        }
    }

    [Fact]
    public void KeySetAdd_KeysWithRepeatsAndZero_HoldsEachDistinctKeyOnce()
    {
        var random = new Random(5);
        var set = new KeySet();
        for (var round = 0; round < 3; round++)
        {
            set.Clear();
            var expected = new HashSet<ulong>();
            for (var i = 0; i < 20_000; i++)
            {
                // Few distinct high halves force collisions and long probe runs; 0 is a valid key.
                var key = i % 97 == 0 ? 0UL : ((ulong)random.Next(8) << 32) | (uint)random.Next(6000);
                set.Add(key);
                expected.Add(key);
            }

            Assert.Equal(expected.Count, set.Count);
            Assert.True(expected.SetEquals(set.Items.ToArray()));
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

using System.Text;
using System.Text.RegularExpressions;

using Yagura.Detection.Sigma.Internal;

namespace Yagura.Detection.Tests.Sigma;

/// <summary>The literal a regular expression requires: every match holds it, ignoring case.</summary>
public sealed class RegexLiteralTests
{
    [Theory]
    // SigmaHQ's shapes
    [InlineData(@"cmd.{0,5}(?:/c|/r)(?:\s|)\""set\s[a-zA-Z]{3,6}.*(?:\{\d\}){1,}\\\""\s+?\-f(?:.*\)){1,}.*\""", "\"set")]
    [InlineData(@"ping\s+-n.{6,64}echo EEEE\s?>\s?", "echo EEEE")]
    [InlineData(@"ipconfig\s+/all", "ipconfig")]
    [InlineData(@"\\Windows\\Temp\\[a-z]{8}\.exe", @"\Windows\Temp\")]
    // optional and repeated characters
    [InlineData("abcd?efgh", "efgh")]
    [InlineData("abcd*efg", "abc")]
    [InlineData("abcd{0,3}efgh", "efgh")]
    [InlineData("abcd+efg", "abcd")]
    [InlineData("abcd{2}efg", "abcd")]
    [InlineData("abcd+?xyz", "abcd")]
    // escapes that are not the characters they spell
    [InlineData(@"\x41\x42\x43defg", "defg")]
    [InlineData(@"\u0041bcde", "bcde")]
    [InlineData(@"(ab)\1cdef", "cdef")]
    [InlineData(@"\p{L}wxyz", "wxyz")]
    [InlineData(@"\d\d\dabc\b", "abc")]
    // groups, classes and alternations give nothing of their own
    [InlineData("(?:abcdef)gh", null)]
    [InlineData("[abcdef]gh", null)]
    [InlineData(@"[\]abc]xy", null)]
    [InlineData("abcdef|ghijkl", null)]
    [InlineData("(?:abc|def)ghij", "ghij")]
    [InlineData("ab", null)]
    // case folding: k and s also match the Kelvin sign and the long s
    [InlineData("(?i)mimikatz", "mimi")]
    [InlineData("(?i)powershell", "power")]
    [InlineData("powershell", "powershell")]
    [InlineData("(?x)a b c d", null)]
    public void Required(string pattern, string? expected) =>
        Assert.Equal(expected, RegexLiteral.Required(new Regex(pattern, RegexOptions.CultureInvariant)));

    [Fact]
    public void IgnoreCaseOption_FoldsTooAndTheLongestRunWins() =>
        Assert.Equal("atz.exe", RegexLiteral.Required(new Regex(@"mimik+atz\.exe", RegexOptions.IgnoreCase)));

    [Fact]
    public void EveryGeneratedMatch_HoldsTheLiteral()
    {
        // Random expressions from pieces that each come with a random text they match: the text made of all of them
        // matches the whole expression, so it must hold the literal.
        var random = new Random(5);
        var checkedCount = 0;
        for (var round = 0; round < 3_000; round++)
        {
            var pattern = new StringBuilder(random.Next(3) == 0 ? "(?i)" : "");
            var text = new StringBuilder();
            for (var piece = random.Next(1, 13); piece > 0; piece--)
            {
                var (p, t) = Piece(random);
                pattern.Append(p);
                text.Append(t);
            }

            var regex = new Regex(pattern.ToString(), RegexOptions.CultureInvariant);
            var value = text.ToString();
            Assert.True(regex.IsMatch(value), $"'{value}' should match {pattern}");
            if (RegexLiteral.Required(regex) is { } literal)
            {
                Assert.True(value.Contains(literal, StringComparison.OrdinalIgnoreCase), $"'{value}' matches {pattern} but lacks '{literal}'");
                checkedCount++;
            }
        }

        Assert.True(checkedCount > 500, $"only {checkedCount} expressions had a literal");
    }

    private static (string Pattern, string Text) Piece(Random random)
    {
        const string Letters = "abcKSks-/.";
        char Letter() => Letters[random.Next(Letters.Length)];
        string Escaped(char c) => Regex.Escape(c.ToString());
        var c = Letter();
        var many = new string(c, random.Next(1, 4));
        return random.Next(18) switch
        {
            0 => (Escaped(c) + "?", random.Next(2) == 0 ? "" : c.ToString()),
            1 => (Escaped(c) + "*", random.Next(2) == 0 ? "" : many),
            2 => (Escaped(c) + "+", many),
            3 => (Escaped(c) + "{0,3}", random.Next(2) == 0 ? "" : many),
            4 => ("[" + Escaped(c) + "x]", random.Next(2) == 0 ? "x" : c.ToString()),
            5 => (".", Letter().ToString()),
            6 => (@"\d", random.Next(10).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            7 => ("(?:" + Escaped(c) + "|zz)", random.Next(2) == 0 ? "zz" : c.ToString()),
            8 => (@"\x41", "A"),
            _ => (Escaped(c), c.ToString()),
        };
    }
}

using System.Collections;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

using Yagura.Core.Events;
using Yagura.Core.Search;

namespace Yagura.Storage.Sqlite.Tests;

/// <summary>
/// A plain implementation of the search semantics of COMMON.md, written independently of the store, to check that
/// the store's SQL pushdown never drops a real match.
/// </summary>
internal static class ReferenceEvaluator
{
    public static bool Matches(QueryNode node, EventRecord e, DateTimeOffset now) => node switch
    {
        MatchAllNode => true,
        AndNode and => and.Children.All(c => Matches(c, e, now)),
        OrNode or => or.Children.Any(c => Matches(c, e, now)),
        NotNode not => !Matches(not.Child, e, now),
        FieldExistsNode exists => e.GetField(exists.Field) is not null,
        FieldTermNode term => Term(term, e),
        FieldRangeNode range => Values(e.GetField(range.Field)).Any(v => InRange(v, range, now)),
        FieldCidrNode cidr => Values(e.GetField(cidr.Field)).Any(v => IPAddress.TryParse(Text(v), out var ip) && cidr.Network.Contains(ip)),
        FreeTextNode text => FreeText(text.Text, text.HasWildcard, e.Message) || FreeText(text.Text, text.HasWildcard, e.Original),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private static bool Term(FieldTermNode term, EventRecord e)
    {
        if (term.Field is FieldNames.Message or FieldNames.EventOriginal or FieldNames.ErrorMessage)
        {
            return FreeText(term.Value, term.HasWildcard, e.GetField(term.Field) as string);
        }

        return Values(e.GetField(term.Field)).Any(v =>
        {
            if (term.HasWildcard)
            {
                return Glob(term.Value, Text(v));
            }

            if (v is long or double or int
                && double.TryParse(term.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return Convert.ToDouble(v, CultureInfo.InvariantCulture) == number;
            }

            return string.Equals(Text(v), term.Value, StringComparison.OrdinalIgnoreCase);
        });
    }

    private static bool InRange(object value, FieldRangeNode range, DateTimeOffset now)
    {
        double x;
        Func<string, double?> bound;
        if (value is DateTimeOffset time)
        {
            x = time.UtcTicks;
            bound = s => ParseTime(s, now)?.UtcTicks;
        }
        else if (double.TryParse(Text(value), NumberStyles.Float, CultureInfo.InvariantCulture, out x))
        {
            bound = s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
        }
        else
        {
            return false;
        }

        if (range.Lower is { } lower && bound(lower.Value) is not { } lo)
        {
            return false;
        }

        if (range.Upper is { } upper && bound(upper.Value) is not { } hi)
        {
            return false;
        }

        var okLow = range.Lower is null || (range.Lower.Inclusive ? x >= bound(range.Lower.Value) : x > bound(range.Lower.Value));
        var okHigh = range.Upper is null || (range.Upper.Inclusive ? x <= bound(range.Upper.Value) : x < bound(range.Upper.Value));
        return okLow && okHigh;
    }

    private static DateTimeOffset? ParseTime(string s, DateTimeOffset now)
    {
        var m = Regex.Match(s, "^now(?:([+-])([0-9]+)([smhdw]))?$");
        if (m.Success)
        {
            if (!m.Groups[1].Success)
            {
                return now;
            }

            var n = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) * (m.Groups[1].Value == "-" ? -1 : 1);
            return m.Groups[3].Value switch
            {
                "s" => now.AddSeconds(n),
                "m" => now.AddMinutes(n),
                "h" => now.AddHours(n),
                "d" => now.AddDays(n),
                _ => now.AddDays(7 * n),
            };
        }

        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
    }

    private static bool FreeText(string term, bool wildcard, string? text)
    {
        if (text is null)
        {
            return false;
        }

        if (TextTokens.NeedsSubstringMatch(term))
        {
            return text.Contains(term, StringComparison.OrdinalIgnoreCase);
        }

        var trimmed = term.TrimEnd('*');
        var prefix = wildcard && trimmed.Length < term.Length && trimmed.IndexOfAny(['*', '?']) < 0;
        if (wildcard && !prefix)
        {
            return Glob(term, text);
        }

        var wanted = TextTokens.Split(prefix ? trimmed : term);
        var tokens = TextTokens.Split(text);
        if (wanted.Count == 0)
        {
            return false;
        }

        for (var i = 0; i + wanted.Count <= tokens.Count; i++)
        {
            var ok = true;
            for (var j = 0; j < wanted.Count && ok; j++)
            {
                ok = prefix && j == wanted.Count - 1
                    ? tokens[i + j].StartsWith(wanted[j], StringComparison.Ordinal)
                    : tokens[i + j] == wanted[j];
            }

            if (ok)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Glob(string pattern, string text) =>
        Regex.IsMatch(text, "^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$",
            RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant);

    private static IEnumerable<object> Values(object? value) => value switch
    {
        null => [],
        string s => [s],
        IEnumerable list => list.Cast<object?>().Where(v => v is not null).Cast<object>(),
        _ => [value],
    };

    private static string Text(object value) => value switch
    {
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

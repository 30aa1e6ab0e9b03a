using System.Collections;

namespace Yagura.Core.Search.Internal;

/// <summary>
/// Orders field values for <c>sort</c>: numbers numerically, times chronologically, text case-insensitively;
/// different kinds by kind (numbers, times, text, booleans); a list by its first element. Missing values sort
/// last in both directions, so a descending sort does not open with empty rows.
/// </summary>
internal static class ValueOrder
{
    public static int Compare(object? a, object? b)
    {
        a = First(a);
        b = First(b);
        var rankA = Rank(a);
        var rankB = Rank(b);
        if (rankA != rankB)
        {
            return rankA.CompareTo(rankB);
        }

        return (a, b) switch
        {
            (long x, long y) => x.CompareTo(y),
            (string x, string y) => string.Compare(x, y, StringComparison.OrdinalIgnoreCase),
            (DateTimeOffset x, DateTimeOffset y) => x.CompareTo(y),
            (bool x, bool y) => x.CompareTo(y),
            _ when QueryValues.TryGetNumber(a, out var x) && QueryValues.TryGetNumber(b, out var y) => x.CompareTo(y),
            _ => 0,
        };
    }

    public static bool IsMissing(object? value) => First(value) is null;

    private static object? First(object? value)
    {
        if (value is string or null)
        {
            return value;
        }

        if (value is IEnumerable items)
        {
            foreach (var item in items)
            {
                return item;
            }

            return null;
        }

        return value;
    }

    private static int Rank(object? value) => value switch
    {
        long or int or double => 0,
        DateTimeOffset => 1,
        string => 2,
        bool => 3,
        null => 5,
        _ => 4,
    };
}

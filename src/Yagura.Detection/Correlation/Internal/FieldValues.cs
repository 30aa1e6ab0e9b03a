using System.Collections;
using System.Globalization;

namespace Yagura.Detection.Correlation.Internal;

/// <summary>How field values become group keys, distinct values and numbers.</summary>
internal static class FieldValues
{
    /// <summary>
    /// The text a value is grouped and counted by; null for a missing value. Numbers use the invariant culture so
    /// the key does not depend on the machine; a list becomes "[a, b]" so that a multi-valued field is one value.
    /// </summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(i => Text(i) ?? "null")) + "]",
        _ => value.ToString(),
    };

    /// <summary>
    /// The value as a number for value_sum, value_avg and value_percentile; null when it is none. Numeric text counts
    /// (key=value and CEF parsers leave numbers as text); NaN and infinities do not.
    /// </summary>
    public static double? Number(object? value)
    {
        double d;
        switch (value)
        {
            case long l:
                return l;
            case int i:
                return i;
            case double x:
                d = x;
                break;
            case float f:
                d = f;
                break;
            case decimal m:
                return (double)m;
            case short s:
                return s;
            case byte b:
                return b;
            case string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                d = parsed;
                break;
            default:
                return null;
        }

        return double.IsFinite(d) ? d : null;
    }
}

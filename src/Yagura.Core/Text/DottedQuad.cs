namespace Yagura.Core.Text;

/// <summary>
/// Strict IPv4 text: exactly four decimal parts 0–255. <see cref="System.Net.IPAddress.TryParse(string?, out System.Net.IPAddress?)"/>
/// also accepts <c>"12345"</c> or <c>"1.2"</c>, which in a log field are numbers, not addresses.
/// </summary>
public static class DottedQuad
{
    /// <summary>The address as a number in host order, without allocating.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out uint address)
    {
        address = 0;
        var parts = 0;
        var value = -1;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                value = value < 0 ? c - '0' : (value * 10) + (c - '0');
                if (value > 255)
                {
                    return false;
                }
            }
            else if (c == '.' && value >= 0 && parts < 3)
            {
                address = (address << 8) | (uint)value;
                parts++;
                value = -1;
            }
            else
            {
                return false;
            }
        }

        if (parts != 3 || value < 0)
        {
            return false;
        }

        address = (address << 8) | (uint)value;
        return true;
    }
}

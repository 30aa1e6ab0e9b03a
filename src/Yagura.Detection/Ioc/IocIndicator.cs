using Yagura.Detection.Ioc.Internal;

namespace Yagura.Detection.Ioc;

/// <summary>One indicator of compromise, held in its normal form (refanged; hashes and domains lower-case).</summary>
public sealed class IocIndicator
{
    /// <summary>Reads <paramref name="value"/> as an indicator, of the type it looks like unless <paramref name="type"/> says.</summary>
    /// <exception cref="ArgumentException">The value is not an indicator (of that type).</exception>
    public IocIndicator(string value, IocType? type = null, DateTimeOffset? expires = null, string? source = null, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IndicatorText.TryNormalise(value, type, out var normalised, out var detected, out var error))
        {
            throw new ArgumentException(error, nameof(value));
        }

        Value = normalised;
        Type = detected;
        Expires = expires;
        Source = source;
        Description = description;
    }

    private IocIndicator(string value, IocType type, DateTimeOffset? expires, string? source, string? description)
    {
        Value = value;
        Type = type;
        Expires = expires;
        Source = source;
        Description = description;
    }

    public string Value { get; }

    public IocType Type { get; }

    /// <summary>The last instant the indicator matches; null for never.</summary>
    public DateTimeOffset? Expires { get; }

    /// <summary>Where the indicator came from when that is not its list (a feed name in a CSV <c>source</c> column).</summary>
    public string? Source { get; }

    public string? Description { get; }

    public bool IsExpired(DateTimeOffset now) => Expires < now;

    public override string ToString() => $"{Type}:{Value}";

    /// <summary>The loader's way in: a bad line is an error to report, not an exception.</summary>
    internal static bool TryCreate(string value, IocType? type, DateTimeOffset? expires, string? source, string? description,
        out IocIndicator? indicator, out string error)
    {
        indicator = null;
        if (!IndicatorText.TryNormalise(value, type, out var normalised, out var detected, out error))
        {
            return false;
        }

        indicator = new IocIndicator(normalised, detected, expires, source, description);
        return true;
    }
}

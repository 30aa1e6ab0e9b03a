using Yagura.Core.Events;
using Yagura.Detection.Sigma;

namespace Yagura.Detection.Alerts;

/// <summary>How the repeats of one rule's alerts are suppressed for one tenant.</summary>
/// <param name="Window">Repeats whose event time is at most this long after the alert's first match are counted into
/// it; zero turns suppression off.</param>
/// <param name="By">For detection rules, the event fields whose values tell repeats apart (they make the alert's group
/// key). Correlation and IOC alerts are told apart by their own group key.</param>
public sealed record Suppression(TimeSpan Window, IReadOnlyList<string> By)
{
    public bool IsOff => Window <= TimeSpan.Zero;
}

/// <summary>
/// Which suppression applies to the alerts of a rule for a tenant. Window and group-by fields are each taken from the
/// first of: the tenant's settings for the rule, the tenant's settings for all its rules, the settings of every tenant
/// (<c>"*"</c>) for the rule, their settings for all rules, and the built-in default (<see cref="DefaultWindow"/> by
/// <see cref="DefaultBy"/>). A tenant's own entry wins over <c>"*"</c>, as everywhere in the tuning file.
/// </summary>
public sealed class SuppressionPolicy
{
    /// <summary>
    /// Ten minutes of event time: a flood becomes one alert with a count, and an attack that goes on still raises a
    /// new alert every ten minutes, well within the 30 minutes in which Critical and Emergency alerts are notified.
    /// </summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The host: repeats on one host are one alert, and distinct hosts are never merged. An event that does not say
    /// its host is not suppressed (see <see cref="AlertDetector"/>).
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultBy = [FieldNames.HostName];

    private readonly IReadOnlyDictionary<string, SuppressionSettings> _tenants;
    private readonly IReadOnlyDictionary<(string Tenant, string Rule), SuppressionSettings> _rules;

    /// <param name="tenants">Settings for all rules, by tenant id or <see cref="SigmaTuning.AllTenants"/>.</param>
    /// <param name="rules">Settings per rule id (the alert's rule id), by tenant id or <see cref="SigmaTuning.AllTenants"/>.</param>
    public SuppressionPolicy(
        IReadOnlyDictionary<string, SuppressionSettings>? tenants = null,
        IReadOnlyDictionary<(string Tenant, string Rule), SuppressionSettings>? rules = null)
    {
        _tenants = tenants ?? new Dictionary<string, SuppressionSettings>();
        _rules = rules ?? new Dictionary<(string, string), SuppressionSettings>();
    }

    /// <summary>The built-in default for every rule and tenant: <see cref="DefaultWindow"/> by <see cref="DefaultBy"/>.</summary>
    public static SuppressionPolicy Default { get; } = new();

    public Suppression For(string tenantId, string ruleId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(ruleId);
        TimeSpan? window = null;
        IReadOnlyList<string>? by = null;
        foreach (var level in Levels(tenantId, ruleId))
        {
            window ??= level.Window;
            by ??= level.By;
            if (window is not null && by is not null)
            {
                break;
            }
        }

        return new Suppression(window ?? DefaultWindow, by ?? DefaultBy);
    }

    private IEnumerable<SuppressionSettings> Levels(string tenantId, string ruleId)
    {
        if (_rules.TryGetValue((tenantId, ruleId), out var settings))
        {
            yield return settings;
        }

        if (_tenants.TryGetValue(tenantId, out settings))
        {
            yield return settings;
        }

        if (_rules.TryGetValue((SigmaTuning.AllTenants, ruleId), out settings))
        {
            yield return settings;
        }

        if (_tenants.TryGetValue(SigmaTuning.AllTenants, out settings))
        {
            yield return settings;
        }
    }
}

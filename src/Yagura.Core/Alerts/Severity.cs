namespace Yagura.Core.Alerts;

/// <summary>
/// Yagura's four triage levels. Critical and Emergency are the ones a customer must be notified of within 30 minutes.
/// </summary>
public enum Severity
{
    Information = 1,
    Warning = 2,
    Critical = 3,
    Emergency = 4,
}

/// <summary>
/// From a Sigma rule's level to Yagura's severity: informational and low → Information, medium → Warning, high →
/// Critical, critical → Emergency; a per-rule override wins over the default, and a per-tenant override (tenant and
/// rule) over both.
/// </summary>
public sealed class SeverityPolicy
{
    private readonly Dictionary<string, Severity> _byRule;
    private readonly Dictionary<(string Tenant, string Rule), Severity> _byTenantRule;

    public SeverityPolicy(IReadOnlyDictionary<string, Severity>? byRule = null, IReadOnlyDictionary<(string Tenant, string Rule), Severity>? byTenantRule = null)
    {
        _byRule = new Dictionary<string, Severity>(byRule ?? new Dictionary<string, Severity>(), StringComparer.OrdinalIgnoreCase);
        _byTenantRule = new Dictionary<(string, string), Severity>(byTenantRule ?? new Dictionary<(string, string), Severity>());
    }

    public static SeverityPolicy Default { get; } = new();

    /// <summary>The severity of an alert of <paramref name="ruleId"/> (level <paramref name="sigmaLevel"/>) for a tenant.</summary>
    public Severity For(string tenantId, string ruleId, string? sigmaLevel) =>
        _byTenantRule.TryGetValue((tenantId, ruleId), out var tenant) ? tenant
        : _byRule.TryGetValue(ruleId, out var rule) ? rule
        : FromSigmaLevel(sigmaLevel);

    /// <summary>The default mapping; a rule without a level (or an unknown one) is treated as medium, as Sigma's tools do.</summary>
    public static Severity FromSigmaLevel(string? level) => level?.ToLowerInvariant() switch
    {
        "informational" or "low" => Severity.Information,
        "high" => Severity.Critical,
        "critical" => Severity.Emergency,
        _ => Severity.Warning,
    };

    /// <summary>Parses a severity name as written in configuration (English, case-insensitive).</summary>
    public static bool TryParse(string? text, out Severity severity)
    {
        // Names only: Enum.TryParse would also take "3" or "1, 2".
        severity = default;
        return text is { Length: > 0 } && text.All(char.IsAsciiLetter) && Enum.TryParse(text, ignoreCase: true, out severity) && Enum.IsDefined(severity);
    }
}

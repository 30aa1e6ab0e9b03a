namespace Yagura.Core.Tenancy;

/// <summary>A customer (or the one organisation) whose data is kept apart from every other.</summary>
public sealed record Tenant(
    string Id,
    string Name,
    string Language,
    string TimeZone,
    int RetentionDays,
    DateTimeOffset Created)
{
    public const string DefaultId = "default";
    public const int DefaultRetentionDays = 90;

    /// <summary>Tenant ids are short, lower-case and safe as file and directory names.</summary>
    public static bool IsValidId(string id) =>
        id.Length is > 0 and <= 64
        && id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_')
        && id[0] is not ('-' or '_');
}

/// <summary>What a token may do. Each role includes the ones before it.</summary>
public enum TokenRole
{
    Ingest = 0,
    Analyst = 1,
    Admin = 2,
}

/// <summary>The identity behind a validated API token.</summary>
public sealed record TokenPrincipal(string TokenId, string TenantId, TokenRole Role)
{
    public bool Allows(TokenRole needed) => Role >= needed;
}

/// <summary>Which tenants a read may see. There is no way to build an unscoped read by accident.</summary>
public sealed class TenantScope
{
    private TenantScope(IReadOnlyList<string>? tenants) => Tenants = tenants;

    /// <summary>The tenants in scope; null means every tenant (local administration only).</summary>
    public IReadOnlyList<string>? Tenants { get; }

    public bool IsAll => Tenants is null;

    public static TenantScope Only(string tenantId) => new([tenantId]);

    public static TenantScope Of(IEnumerable<string> tenantIds) => new(tenantIds.Distinct(StringComparer.Ordinal).ToArray());

    /// <summary>Every tenant: for the local CLI working on a data directory, never for an API caller.</summary>
    public static TenantScope AllTenants { get; } = new(null);

    public bool Includes(string tenantId) => Tenants is null || Tenants.Contains(tenantId, StringComparer.Ordinal);
}

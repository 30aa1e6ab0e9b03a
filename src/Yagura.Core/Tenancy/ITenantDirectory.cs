namespace Yagura.Core.Tenancy;

/// <summary>Tenants and their API tokens.</summary>
public interface ITenantDirectory
{
    /// <summary>Creates a tenant; throws <see cref="InvalidOperationException"/> when the id exists or is invalid.</summary>
    Task<Tenant> CreateTenantAsync(Tenant tenant, CancellationToken cancellationToken = default);

    Task<Tenant?> GetTenantAsync(string tenantId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates the default tenant when no tenant exists yet.</summary>
    Task EnsureDefaultTenantAsync(CancellationToken cancellationToken = default);

    Task SetRetentionDaysAsync(string tenantId, int days, CancellationToken cancellationToken = default);

    /// <summary>Creates a token and returns it in clear text: the only time it is ever available.</summary>
    Task<string> CreateTokenAsync(string tenantId, TokenRole role, string? description, CancellationToken cancellationToken = default);

    /// <summary>Returns who a presented token belongs to, or null when it is unknown or revoked.</summary>
    Task<TokenPrincipal?> ValidateTokenAsync(string token, CancellationToken cancellationToken = default);
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

using Microsoft.Data.Sqlite;

using Yagura.Core.Tenancy;

namespace Yagura.Storage.Sqlite.Tenancy;

/// <summary>
/// Tenants and API tokens in <c>DATA/yagura.db</c>. Tokens look like <c>yg_&lt;id&gt;_&lt;secret&gt;</c>; only the SHA-256 of
/// the secret is stored. The secret is 32 random bytes, so a fast hash is enough: nothing can be guessed offline.
/// </summary>
public sealed class SqliteTenantDirectory : ITenantDirectory
{
    private const string TokenPrefix = "yg_";
    private const int SecretBytes = 32;

    /// <summary>How long a validated token is trusted without a database look-up (revocation applies at once here).</summary>
    public static readonly TimeSpan ValidationCacheDuration = TimeSpan.FromSeconds(30);

    private static readonly string[] Languages = ["ja", "en"];

    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, CachedToken> _cache = new(StringComparer.Ordinal);

    private SqliteTenantDirectory(string path, TimeProvider time)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        _time = time;
    }

    /// <summary>Opens (creating when needed) the directory database of a data directory.</summary>
    public static SqliteTenantDirectory Open(string dataDirectory, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentNullException.ThrowIfNull(time);
        Directory.CreateDirectory(dataDirectory);
        var directory = new SqliteTenantDirectory(Path.Combine(Path.GetFullPath(dataDirectory), "yagura.db"), time);
        using var connection = directory.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS tenants(
              id TEXT PRIMARY KEY,
              name TEXT NOT NULL,
              language TEXT NOT NULL,
              time_zone TEXT NOT NULL,
              retention_days INTEGER NOT NULL,
              created INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS tokens(
              id TEXT PRIMARY KEY,
              tenant_id TEXT NOT NULL REFERENCES tenants(id),
              role INTEGER NOT NULL,
              secret_sha256 BLOB NOT NULL,
              description TEXT,
              created INTEGER NOT NULL,
              revoked INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS ix_tokens_tenant ON tokens(tenant_id);
            """;
        command.ExecuteNonQuery();
        return directory;
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <inheritdoc />
    public async Task<Tenant> CreateTenantAsync(Tenant tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        Validate(tenant);
        await using var connection = Connect();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO tenants(id, name, language, time_zone, retention_days, created)
            VALUES ($id, $name, $language, $tz, $retention, $created)
            """;
        command.Parameters.AddWithValue("$id", tenant.Id);
        command.Parameters.AddWithValue("$name", tenant.Name);
        command.Parameters.AddWithValue("$language", tenant.Language);
        command.Parameters.AddWithValue("$tz", tenant.TimeZone);
        command.Parameters.AddWithValue("$retention", tenant.RetentionDays);
        command.Parameters.AddWithValue("$created", tenant.Created.UtcTicks);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            throw new InvalidOperationException($"Tenant '{tenant.Id}' already exists.", e);
        }

        return tenant with { Created = new DateTimeOffset(tenant.Created.UtcTicks, TimeSpan.Zero) };
    }

    private static void Validate(Tenant tenant)
    {
        if (tenant.Id is null || !Tenant.IsValidId(tenant.Id))
        {
            throw new InvalidOperationException(
                $"Invalid tenant id '{tenant.Id}': use 1-64 characters a-z, 0-9, '-' and '_', starting with a letter or digit.");
        }

        if (string.IsNullOrWhiteSpace(tenant.Name))
        {
            throw new InvalidOperationException($"Tenant '{tenant.Id}' needs a name.");
        }

        if (!Languages.Contains(tenant.Language, StringComparer.Ordinal))
        {
            throw new InvalidOperationException($"Invalid language '{tenant.Language}' for tenant '{tenant.Id}': use ja or en.");
        }

        ValidateTimeZone(tenant.TimeZone);
        ValidateRetention(tenant.RetentionDays);
    }

    private static void ValidateTimeZone(string timeZone)
    {
        try
        {
            if (!string.IsNullOrEmpty(timeZone) && TimeZoneInfo.FindSystemTimeZoneById(timeZone).HasIanaId)
            {
                return;
            }
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new InvalidOperationException($"Unknown time zone '{timeZone}': use an IANA id such as Asia/Tokyo or UTC.", e);
        }

        throw new InvalidOperationException($"Unknown time zone '{timeZone}': use an IANA id such as Asia/Tokyo or UTC.");
    }

    private static void ValidateRetention(int days)
    {
        if (days is < 1 or > 36_500)
        {
            throw new InvalidOperationException($"Invalid retention of {days} days: use 1 to 36500.");
        }
    }

    /// <inheritdoc />
    public async Task<Tenant?> GetTenantAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var tenants = await QueryTenantsAsync(tenantId, cancellationToken).ConfigureAwait(false);
        return tenants.Count == 0 ? null : tenants[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken cancellationToken = default) =>
        QueryTenantsAsync(null, cancellationToken);

    private async Task<IReadOnlyList<Tenant>> QueryTenantsAsync(string? id, CancellationToken cancellationToken)
    {
        await using var connection = Connect();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, language, time_zone, retention_days, created FROM tenants"
            + (id is null ? "" : " WHERE id = $id") + " ORDER BY id";
        if (id is not null)
        {
            command.Parameters.AddWithValue("$id", id);
        }

        var list = new List<Tenant>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new Tenant(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetInt32(4),
                new DateTimeOffset(reader.GetInt64(5), TimeSpan.Zero)));
        }

        return list;
    }

    /// <inheritdoc />
    public async Task EnsureDefaultTenantAsync(CancellationToken cancellationToken = default)
    {
        var tenants = await ListTenantsAsync(cancellationToken).ConfigureAwait(false);
        if (tenants.Count > 0)
        {
            return;
        }

        try
        {
            await CreateTenantAsync(
                new Tenant(Tenant.DefaultId, "Default", "en", "UTC", Tenant.DefaultRetentionDays, _time.GetUtcNow()),
                cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Another process may have created it meanwhile.
            if (await GetTenantAsync(Tenant.DefaultId, cancellationToken).ConfigureAwait(false) is null)
            {
                throw;
            }
        }
    }

    /// <inheritdoc />
    public async Task SetRetentionDaysAsync(string tenantId, int days, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ValidateRetention(days);
        await using var connection = Connect();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE tenants SET retention_days = $days WHERE id = $id";
        command.Parameters.AddWithValue("$days", days);
        command.Parameters.AddWithValue("$id", tenantId);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new InvalidOperationException($"Unknown tenant '{tenantId}'.");
        }
    }

    /// <inheritdoc />
    public async Task<string> CreateTokenAsync(string tenantId, TokenRole role, string? description, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        if (!Enum.IsDefined(role))
        {
            throw new ArgumentOutOfRangeException(nameof(role));
        }

        if (await GetTenantAsync(tenantId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new InvalidOperationException($"Unknown tenant '{tenantId}': create the tenant before its tokens.");
        }

        // Hex for the id: base64url may contain '_', the separator.
        var tokenId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Base64UrlEncode(RandomNumberGenerator.GetBytes(SecretBytes));
        await using var connection = Connect();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO tokens(id, tenant_id, role, secret_sha256, description, created)
            VALUES ($id, $tenant, $role, $hash, $description, $created)
            """;
        command.Parameters.AddWithValue("$id", tokenId);
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$role", (int)role);
        command.Parameters.AddWithValue("$hash", HashSecret(secret));
        command.Parameters.AddWithValue("$description", (object?)description ?? DBNull.Value);
        command.Parameters.AddWithValue("$created", _time.GetUtcNow().UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return TokenPrefix + tokenId + "_" + secret;
    }

    /// <summary>Revokes a token (by its id, the part after <c>yg_</c>); false when there is no such token.</summary>
    public async Task<bool> RevokeTokenAsync(string tokenId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenId);
        await using var connection = Connect();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE tokens SET revoked = 1 WHERE id = $id";
        command.Parameters.AddWithValue("$id", tokenId);
        var found = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        _cache.TryRemove(tokenId, out _);
        return found;
    }

    /// <inheritdoc />
    public async Task<TokenPrincipal?> ValidateTokenAsync(string token, CancellationToken cancellationToken = default)
    {
        if (!TryParse(token, out var tokenId, out var secret))
        {
            return null;
        }

        var hash = HashSecret(secret);
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(tokenId, out var cached) && cached.Expires > now)
        {
            return CryptographicOperations.FixedTimeEquals(cached.Hash, hash) ? cached.Principal : null;
        }

        await using var connection = Connect();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT tenant_id, role, secret_sha256 FROM tokens WHERE id = $id AND revoked = 0";
        command.Parameters.AddWithValue("$id", tokenId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var stored = reader.GetFieldValue<byte[]>(2);
        if (!CryptographicOperations.FixedTimeEquals(stored, hash))
        {
            return null;
        }

        var principal = new TokenPrincipal(tokenId, reader.GetString(0), (TokenRole)reader.GetInt32(1));
        _cache[tokenId] = new CachedToken(stored, principal, now + ValidationCacheDuration);
        return principal;
    }

    private static bool TryParse(string? token, out string tokenId, out string secret)
    {
        tokenId = secret = "";
        if (token is null || token.Length > 200 || !token.StartsWith(TokenPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = token.AsSpan(TokenPrefix.Length);
        var separator = rest.IndexOf('_');
        if (separator != 16 || rest.Length - separator - 1 < 43)
        {
            return false;
        }

        tokenId = rest[..separator].ToString();
        secret = rest[(separator + 1)..].ToString();
        return true;
    }

    private static byte[] HashSecret(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record CachedToken(byte[] Hash, TokenPrincipal Principal, DateTimeOffset Expires);
}

using System.Text;

using Yagura.Core.Tenancy;
using Yagura.Storage.Sqlite.Tenancy;

namespace Yagura.Storage.Sqlite.Tests;

public sealed class TenantDirectoryTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private SqliteTenantDirectory Open() => SqliteTenantDirectory.Open(_dir.Path, _time);

    private Tenant Acme(string id = "acme") => new(id, "Acme Corp", "ja", "Asia/Tokyo", 30, _time.GetUtcNow());

    [Fact]
    public async Task CreateTenant_ThenGetAndList_ReturnsIt()
    {
        var directory = Open();
        await directory.CreateTenantAsync(Acme());
        await directory.CreateTenantAsync(Acme("beta") with { Language = "en", TimeZone = "UTC" });

        Assert.Equal(Acme(), await directory.GetTenantAsync("acme"));
        Assert.Null(await directory.GetTenantAsync("nobody"));
        Assert.Equal(["acme", "beta"], (await directory.ListTenantsAsync()).Select(t => t.Id));

        // Persisted: a second instance (another process) sees them.
        Assert.Equal(2, (await Open().ListTenantsAsync()).Count);
    }

    [Fact]
    public async Task CreateTenant_DuplicateId_ThrowsClearError()
    {
        var directory = Open();
        await directory.CreateTenantAsync(Acme());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => directory.CreateTenantAsync(Acme()));
        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Acme", "ja", "Asia/Tokyo", "Invalid tenant id")]
    [InlineData("../etc", "ja", "Asia/Tokyo", "Invalid tenant id")]
    [InlineData("", "ja", "Asia/Tokyo", "Invalid tenant id")]
    [InlineData("acme", "fr", "Asia/Tokyo", "Invalid language")]
    [InlineData("acme", "ja", "Mars/Olympus", "Unknown time zone")]
    [InlineData("acme", "ja", "", "Unknown time zone")]
    public async Task CreateTenant_InvalidValues_ThrowsClearError(string id, string language, string timeZone, string expected)
    {
        var directory = Open();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => directory.CreateTenantAsync(new Tenant(id, "Name", language, timeZone, 30, _time.GetUtcNow())));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(await directory.ListTenantsAsync());
    }

    [Fact]
    public async Task EnsureDefaultTenant_OnlyWhenThereIsNone()
    {
        var directory = Open();
        await directory.EnsureDefaultTenantAsync();
        await directory.EnsureDefaultTenantAsync();
        Assert.Equal([Tenant.DefaultId], (await directory.ListTenantsAsync()).Select(t => t.Id));

        var other = SqliteTenantDirectory.Open(Path.Combine(_dir.Path, "other"), _time);
        await other.CreateTenantAsync(Acme());
        await other.EnsureDefaultTenantAsync();
        Assert.Equal(["acme"], (await other.ListTenantsAsync()).Select(t => t.Id));
    }

    [Fact]
    public async Task SetRetentionDays_UpdatesKnownTenantAndRejectsUnknown()
    {
        var directory = Open();
        await directory.CreateTenantAsync(Acme());

        await directory.SetRetentionDaysAsync("acme", 400);

        Assert.Equal(400, (await directory.GetTenantAsync("acme"))!.RetentionDays);
        await Assert.ThrowsAsync<InvalidOperationException>(() => directory.SetRetentionDaysAsync("nobody", 10));
        await Assert.ThrowsAsync<InvalidOperationException>(() => directory.SetRetentionDaysAsync("acme", 0));
    }

    [Fact]
    public async Task CreateToken_ThenValidate_ReturnsItsTenantAndRole()
    {
        var directory = Open();
        await directory.CreateTenantAsync(Acme());
        await directory.CreateTenantAsync(Acme("beta"));

        var token = await directory.CreateTokenAsync("acme", TokenRole.Analyst, "console");
        var other = await directory.CreateTokenAsync("beta", TokenRole.Ingest, null);

        Assert.Matches("^yg_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$", token);
        var principal = await directory.ValidateTokenAsync(token);
        Assert.NotNull(principal);
        Assert.Equal("acme", principal.TenantId);
        Assert.Equal(TokenRole.Analyst, principal.Role);
        Assert.Equal(token.Split('_')[1], principal.TokenId);
        Assert.Equal("beta", (await directory.ValidateTokenAsync(other))!.TenantId);

        // A fresh instance validates from the database, not from the cache.
        Assert.Equal(principal, await Open().ValidateTokenAsync(token));
    }

    [Fact]
    public async Task ValidateToken_WrongSecretOrMalformed_ReturnsNull()
    {
        var directory = Open();
        await directory.CreateTenantAsync(Acme());
        var token = await directory.CreateTokenAsync("acme", TokenRole.Admin, null);
        var tampered = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');

        Assert.Null(await directory.ValidateTokenAsync(tampered));
        Assert.NotNull(await directory.ValidateTokenAsync(token));

        // Also once the token's id is in the validation cache.
        Assert.Null(await directory.ValidateTokenAsync(tampered));
        Assert.Null(await Open().ValidateTokenAsync(tampered));
        Assert.Null(await directory.ValidateTokenAsync("yg_0000000000000000_" + new string('A', 43)));
        Assert.Null(await directory.ValidateTokenAsync(""));
        Assert.Null(await directory.ValidateTokenAsync("Bearer " + token));
        Assert.Null(await directory.ValidateTokenAsync(token.Replace("yg_", "xx_", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ValidateToken_SecretOfAnotherToken_ReturnsNull()
    {
        var directory = Open();
        await directory.CreateTenantAsync(Acme());
        await directory.CreateTenantAsync(Acme("beta"));
        var acme = await directory.CreateTokenAsync("acme", TokenRole.Admin, null);
        var beta = await directory.CreateTokenAsync("beta", TokenRole.Admin, null);

        // beta's id with acme's secret: must not authenticate as either.
        var crossed = string.Join('_', beta.Split('_')[..2]) + "_" + acme.Split('_', 3)[2];

        Assert.Null(await directory.ValidateTokenAsync(crossed));
    }

    [Fact]
    public async Task CreateToken_UnknownTenant_ThrowsClearError()
    {
        var directory = Open();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => directory.CreateTokenAsync("ghost", TokenRole.Ingest, null));

        Assert.Contains("Unknown tenant 'ghost'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeToken_StopsValidationAtOnceEvenWhenCached()
    {
        var directory = Open();
        await directory.CreateTenantAsync(Acme());
        var token = await directory.CreateTokenAsync("acme", TokenRole.Analyst, null);
        Assert.NotNull(await directory.ValidateTokenAsync(token));

        Assert.True(await directory.RevokeTokenAsync(token.Split('_')[1]));

        Assert.Null(await directory.ValidateTokenAsync(token));
        Assert.Null(await Open().ValidateTokenAsync(token));
    }

    [Fact]
    public async Task ValidateToken_RevokedByAnotherProcess_StopsOnceTheCacheExpires()
    {
        var directory = Open();
        await directory.CreateTenantAsync(Acme());
        var token = await directory.CreateTokenAsync("acme", TokenRole.Analyst, null);
        Assert.NotNull(await directory.ValidateTokenAsync(token));

        await Open().RevokeTokenAsync(token.Split('_')[1]);
        Assert.NotNull(await directory.ValidateTokenAsync(token));
        _time.Advance(SqliteTenantDirectory.ValidationCacheDuration + TimeSpan.FromSeconds(1));

        Assert.Null(await directory.ValidateTokenAsync(token));
    }

    [Fact]
    public async Task CreateToken_DatabaseFiles_NeverContainTheClearSecret()
    {
        var directory = Open();
        await directory.CreateTenantAsync(Acme());
        var tokens = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            tokens.Add(await directory.CreateTokenAsync("acme", TokenRole.Ingest, $"collector {i}"));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var bytes = Directory.EnumerateFiles(_dir.Path).SelectMany(File.ReadAllBytes).ToArray();
        Assert.NotEmpty(bytes);
        foreach (var token in tokens)
        {
            var secret = token.Split('_', 3)[2];
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)));
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret[..20])));

            // The id is stored (it is the look-up key), so the check above is not vacuous.
            Assert.NotEqual(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(token.Split('_')[1])));
        }
    }
}

using System.Globalization;

using Yagura.Core.Tenancy;

namespace Yagura.Storage.Sqlite.Internal;

/// <summary>One partition file: <c>events/&lt;tenant&gt;/&lt;yyyy-MM-dd&gt;[.&lt;shard&gt;].db</c>.</summary>
internal readonly record struct PartitionKey(string TenantId, DateOnly Day, int Shard, bool Sharded)
{
    public string FileName => Sharded
        ? $"{Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.{Shard.ToString(CultureInfo.InvariantCulture)}.db"
        : $"{Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.db";

    public string PathIn(string eventsDirectory) => Path.Combine(eventsDirectory, TenantId, FileName);

    /// <summary>Parses a file name; false for anything else found in a tenant directory (-wal, -shm, strays).</summary>
    public static bool TryParse(string tenantId, string fileName, out PartitionKey key)
    {
        key = default;
        if (!fileName.EndsWith(".db", StringComparison.Ordinal) || fileName.Length < 13)
        {
            return false;
        }

        if (!DateOnly.TryParseExact(fileName.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return false;
        }

        var rest = fileName.AsSpan(10, fileName.Length - 13);
        if (rest.IsEmpty)
        {
            key = new PartitionKey(tenantId, day, 0, false);
            return true;
        }

        if (rest[0] == '.' && int.TryParse(rest[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var shard))
        {
            key = new PartitionKey(tenantId, day, shard, true);
            return true;
        }

        return false;
    }

    /// <summary>Tenant ids become directory names: anything else than <see cref="Tenant.IsValidId"/> is refused.</summary>
    public static void ValidateTenant(string tenantId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        if (!Tenant.IsValidId(tenantId))
        {
            throw new ArgumentException($"Invalid tenant id '{tenantId}'.", nameof(tenantId));
        }
    }
}

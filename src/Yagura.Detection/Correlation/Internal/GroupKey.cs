namespace Yagura.Detection.Correlation.Internal;

/// <summary>A tenant and the group-by values as text. The tenant is part of every key: correlations never cross tenants.</summary>
internal sealed class GroupKey : IEquatable<GroupKey>
{
    private readonly int _hash;

    public GroupKey(string tenantId, string[] values)
    {
        TenantId = tenantId;
        Values = values;
        var hash = new HashCode();
        hash.Add(tenantId, StringComparer.Ordinal);
        foreach (var value in values)
        {
            hash.Add(value, StringComparer.Ordinal);
        }

        _hash = hash.ToHashCode();
    }

    public string TenantId { get; }

    public string[] Values { get; }

    public bool Equals(GroupKey? other)
    {
        if (other is null || other._hash != _hash || !string.Equals(other.TenantId, TenantId, StringComparison.Ordinal) || other.Values.Length != Values.Length)
        {
            return false;
        }

        for (var i = 0; i < Values.Length; i++)
        {
            if (!string.Equals(other.Values[i], Values[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as GroupKey);

    public override int GetHashCode() => _hash;
}

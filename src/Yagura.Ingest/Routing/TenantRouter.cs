using System.Net;

namespace Yagura.Ingest.Routing;

/// <summary>A source rule: messages from <see cref="Network"/> belong to <see cref="TenantId"/>.</summary>
public sealed record SourceRule(IPNetwork Network, string TenantId);

/// <summary>
/// Decides which tenant a message belongs to: the most specific source-address rule that matches, else the
/// listener's own tenant, else the default tenant. (HTTP ingest uses the token's tenant instead.)
/// </summary>
public sealed class TenantRouter
{
    private readonly SourceRule[] _rules;

    public TenantRouter(IEnumerable<SourceRule> rules)
    {
        // Longest prefix first, so a /24 inside a /16 wins.
        _rules = [.. rules.OrderByDescending(r => r.Network.PrefixLength)];
    }

    public static TenantRouter Empty { get; } = new([]);

    public string Resolve(IPAddress? source, string listenerTenant)
    {
        if (source is not null && _rules.Length > 0)
        {
            if (source.IsIPv4MappedToIPv6)
            {
                source = source.MapToIPv4();
            }

            foreach (var rule in _rules)
            {
                if (rule.Network.Contains(source))
                {
                    return rule.TenantId;
                }
            }
        }

        return listenerTenant;
    }
}

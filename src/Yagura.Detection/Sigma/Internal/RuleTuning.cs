namespace Yagura.Detection.Sigma.Internal;

/// <summary>What tuning does to one rule: the tenants it is disabled for and the filters added to it. Checked only
/// after the rule matched, so rules without tuning (and events no rule matches) pay nothing.</summary>
internal sealed class RuleTuning
{
    public bool DisabledEverywhere { get; set; }

    public HashSet<string> DisabledTenants { get; } = new(StringComparer.Ordinal);

    /// <summary>Filter conditions; a null tenant applies to every tenant.</summary>
    public List<(string? Tenant, Node Condition)> Filters { get; } = [];

    /// <summary>Whether the rule's match on the event in <paramref name="ctx"/> stands for the event's tenant.</summary>
    public bool Allows(EvalContext ctx)
    {
        var tenant = ctx.Event.TenantId;
        if (DisabledEverywhere || DisabledTenants.Contains(tenant))
        {
            return false;
        }

        if (Filters.Count == 0)
        {
            return true;
        }

        // Filter nodes are not part of any prefilter: they must run their matchers, not read the group's atoms.
        var atoms = ctx.Atoms;
        ctx.Atoms = null;
        try
        {
            foreach (var (filterTenant, condition) in Filters)
            {
                if ((filterTenant is null || filterTenant == tenant) && !condition.Eval(ctx))
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            ctx.Atoms = atoms;
        }
    }
}

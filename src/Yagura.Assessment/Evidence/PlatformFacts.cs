namespace Yagura.Assessment.Evidence;

/// <summary>
/// What the running platform shows, read by the caller from its own stores (the CLI from a data directory, the web
/// console from the server's) for one tenant or every tenant, as of <see cref="AsOf"/>: the input of
/// <see cref="EvidenceEvaluator"/>, which turns it into figures and suggested scores per service.
/// </summary>
public sealed record PlatformFacts(DateTimeOffset AsOf, string? Tenant)
{
    /// <summary>The detection rules the platform loads; null when they were not read.</summary>
    public RuleFacts? Rules { get; init; }

    /// <summary>Alerts last seen in the 30 days before <see cref="AsOf"/>.</summary>
    public long Alerts30Days { get; init; }

    /// <summary>Of those, the critical and emergency ones: those a customer must be told of within 30 minutes.</summary>
    public long UrgentAlerts30Days { get; init; }

    /// <summary>The hosts and formats that sent events received in the 30 days before <see cref="AsOf"/>.</summary>
    public IReadOnlyList<SourceFacts> Sources30Days { get; init; } = [];

    /// <summary>The same, for the 24 hours before <see cref="AsOf"/>.</summary>
    public IReadOnlyList<SourceFacts> Sources24Hours { get; init; } = [];

    /// <summary>Per tenant in scope (those configured and those with events): retention and what is stored.</summary>
    public IReadOnlyList<TenantStorageFacts> Storage { get; init; } = [];
}

/// <summary>
/// The rule set: <see cref="Compiled"/> rules and filters that compiled, <see cref="Active"/> the rules evaluated
/// (their log source defined, not disabled for the tenant), <see cref="Inactive"/> compiled but with no pipeline for
/// their log source, <see cref="Errors"/> files or rules that failed.
/// </summary>
public sealed record RuleFacts(int Compiled, int Active, int Inactive, int Errors);

/// <summary>A host and a format (<c>host.name</c>, <c>log.format</c>; null when the events had none) that sent a tenant events.</summary>
public sealed record SourceFacts(string Tenant, string? Host, string? Format, long Events, DateTimeOffset LastReceived);

/// <summary>
/// A tenant's storage: its configured retention (null when the tenant is not configured), the events kept, their
/// <c>@timestamp</c> range and the first day of receipt kept (retention drops whole days of receipt).
/// </summary>
public sealed record TenantStorageFacts(string Tenant, int? RetentionDays, long Events, DateTimeOffset? OldestEvent, DateTimeOffset? NewestEvent, DateOnly? FirstDay);

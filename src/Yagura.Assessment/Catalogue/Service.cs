namespace Yagura.Assessment.Catalogue;

/// <summary>
/// One of the nine categories (A–I) and its services, in catalogue order; <see cref="Version21Function"/> is the
/// function of the textbook's v2.1 the category replaces (Table 6).
/// </summary>
public sealed record Category(char Id, LocalizedText Name, string? Version21Function, IReadOnlyList<Service> Services);

/// <summary>A CDC service: one of X.1060's 64 (A-1 … I-7), or one an organisation added to its assessment.</summary>
public sealed record Service(string Id, char Category, LocalizedText Name)
{
    /// <summary>The X.1060 summary (the textbook's appendix quotes it); null for a custom service without one.</summary>
    public LocalizedText? Summary { get; init; }

    /// <summary>Table 8.</summary>
    public ManagementProcess? Process { get; init; }

    /// <summary>Figures 16 and 17: one area, or all four for I-5; empty when not given (custom services).</summary>
    public IReadOnlyList<Area> Areas { get; init; } = [];

    /// <summary>Figure 17: the ids of the teams that list the service (<see cref="Team"/>).</summary>
    public IReadOnlyList<string> Teams { get; init; } = [];

    /// <summary>Table 7: the v2.1 roles the service replaces, as "A-1. 全体方針管理".</summary>
    public IReadOnlyList<string> Version21Roles { get; init; } = [];

    public bool IsCustom { get; init; }
}

/// <summary>
/// A team of Figure 17, with its staffing at Level 0–3 of Table 11: null where the level does not do the team's work
/// (しない), empty for the planning team, which Table 11 leaves out.
/// </summary>
public sealed record Team(string Id, LocalizedText Name, IReadOnlyList<LocalizedText?> Staffing)
{
    /// <summary>The first level of Table 11 that does the team's work; null for a team outside Table 11.</summary>
    public int? FromLevel => Staffing.Count == 0 ? null : Staffing.TakeWhile(s => s is null).Count();
}

/// <summary>A level of Table 11's staffing model.</summary>
public sealed record StaffingLevel(int Level, int Headcount, LocalizedText Summary);

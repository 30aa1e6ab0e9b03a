namespace Yagura.Detection.Ioc;

/// <summary>A line of an IOC file that was skipped, and why; loading goes on past it.</summary>
public sealed record IocLoadError(string File, int Line, string Reason)
{
    public override string ToString() => $"{File}:{Line}: {Reason}";
}

namespace Yagura.Ingest;

/// <summary>How a message reached Yagura.</summary>
public enum Transport : byte
{
    Udp = 0,
    Tcp = 1,
    Tls = 2,
    Http = 3,
    File = 4,
}

/// <summary>Everything known about a message besides its bytes: stored with it in the spool.</summary>
/// <param name="Id">The event id (the spool position).</param>
/// <param name="TenantId">The tenant the source maps to.</param>
/// <param name="Received">When Yagura accepted the message.</param>
/// <param name="Transport">The transport it came over.</param>
/// <param name="SourceAddress">The sender's IP address, when known.</param>
/// <param name="Truncated">The message was longer than the limit and was cut.</param>
/// <param name="Format">A format named by the sender (e.g. <c>json</c> for HTTP ingest); null to detect.</param>
/// <param name="LocalTimeZone">The tenant's zone, for timestamps that carry none (RFC 3164); UTC when null.</param>
public readonly record struct MessageContext(
    long Id,
    string TenantId,
    DateTimeOffset Received,
    Transport Transport,
    string? SourceAddress,
    bool Truncated,
    string? Format,
    TimeZoneInfo? LocalTimeZone = null);

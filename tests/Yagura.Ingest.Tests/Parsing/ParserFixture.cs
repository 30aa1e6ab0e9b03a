using System.Text;
using Yagura.Core.Events;
using Yagura.Ingest.Parsing;

namespace Yagura.Ingest.Tests.Parsing;

/// <summary>Builds contexts and parses strings for the parser tests.</summary>
internal static class ParserFixture
{
    public static readonly DateTimeOffset Received = new(2026, 11, 25, 1, 2, 3, TimeSpan.Zero);

    public static readonly TimeZoneInfo Tokyo = TimeZoneInfo.CreateCustomTimeZone("JST", TimeSpan.FromHours(9), "JST", "JST");

    public static MessageContext Context(
        DateTimeOffset? received = null,
        string? format = null,
        bool truncated = false,
        TimeZoneInfo? zone = null,
        string? source = "192.0.2.10") =>
        new(42, "tenant-a", received ?? Received, Transport.Udp, source, truncated, format, zone);

    public static EventRecord Parse(string raw, DateTimeOffset? received = null, string? format = null, TimeZoneInfo? zone = null, bool truncated = false) =>
        LogParser.Parse(Encoding.UTF8.GetBytes(raw), Context(received, format, truncated, zone));

    public static object? F(this EventRecord e, string name) => e.GetField(name);
}

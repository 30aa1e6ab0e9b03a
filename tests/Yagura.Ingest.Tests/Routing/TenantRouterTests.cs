using System.Net;
using Yagura.Ingest.Routing;

namespace Yagura.Ingest.Tests.Routing;

public sealed class TenantRouterTests
{
    private static readonly TenantRouter Router = new([
        new SourceRule(IPNetwork.Parse("10.0.0.0/8"), "corp"),
        new SourceRule(IPNetwork.Parse("10.20.0.0/16"), "acme"),
        new SourceRule(IPNetwork.Parse("10.20.30.40/32"), "globex"),
        new SourceRule(IPNetwork.Parse("2001:db8::/32"), "v6"),
    ]);

    [Theory]
    [InlineData("10.1.2.3", "corp")]
    [InlineData("10.20.1.1", "acme")]
    [InlineData("10.20.30.40", "globex")]
    [InlineData("::ffff:10.20.1.1", "acme")]
    [InlineData("2001:db8::1", "v6")]
    [InlineData("192.0.2.1", "listener")]
    public void Resolve_MostSpecificRuleWins_ElseTheListenersTenant(string address, string expected)
    {
        Assert.Equal(expected, Router.Resolve(IPAddress.Parse(address), "listener"));
    }

    [Fact]
    public void Resolve_UnknownSender_UsesTheListenersTenant()
    {
        Assert.Equal("listener", Router.Resolve(null, "listener"));
    }
}

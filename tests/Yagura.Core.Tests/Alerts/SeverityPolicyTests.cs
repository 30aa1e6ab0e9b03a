using Yagura.Core.Alerts;

namespace Yagura.Core.Tests.Alerts;

public sealed class SeverityPolicyTests
{
    [Theory]
    [InlineData("informational", Severity.Information)]
    [InlineData("low", Severity.Information)]
    [InlineData("medium", Severity.Warning)]
    [InlineData("high", Severity.Critical)]
    [InlineData("critical", Severity.Emergency)]
    [InlineData("Critical", Severity.Emergency)]
    [InlineData(null, Severity.Warning)]
    [InlineData("bogus", Severity.Warning)]
    public void SigmaLevel_MapsToTheFourTriageLevels(string? level, Severity expected) =>
        Assert.Equal(expected, SeverityPolicy.Default.For("default", "any-rule", level));

    [Fact]
    public void Overrides_PerTenantWinOverPerRuleWhichWinsOverTheLevel()
    {
        var policy = new SeverityPolicy(
            new Dictionary<string, Severity> { ["noisy-rule"] = Severity.Information },
            new Dictionary<(string, string), Severity> { [("acme", "noisy-rule")] = Severity.Critical });

        Assert.Equal(Severity.Information, policy.For("default", "NOISY-RULE", "high"));
        Assert.Equal(Severity.Critical, policy.For("acme", "noisy-rule", "low"));
        Assert.Equal(Severity.Emergency, policy.For("acme", "other-rule", "critical"));
    }

    [Theory]
    [InlineData("emergency", true, Severity.Emergency)]
    [InlineData("Warning", true, Severity.Warning)]
    [InlineData("7", false, default(Severity))]
    [InlineData("3", false, default(Severity))]
    [InlineData("Warning, Critical", false, default(Severity))]
    [InlineData("severe", false, default(Severity))]
    public void TryParse_AcceptsOnlyTheFourNames(string text, bool ok, Severity expected)
    {
        Assert.Equal(ok, SeverityPolicy.TryParse(text, out var severity));
        if (ok)
        {
            Assert.Equal(expected, severity);
        }
    }
}

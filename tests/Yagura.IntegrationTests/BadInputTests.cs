using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Yagura.IntegrationTests;

/// <summary>Malformed messages are kept with the parse error, can be searched for, and never stop the listener.</summary>
[Collection(ServerGroup.Name)]
public sealed class BadInputTests(ServerFixture fixture)
{
    [Fact]
    public async Task MalformedMessagesOverTcp_AreStoredWithErrorsAndTheGoodOnesAfterThemToo()
    {
        var marker = $"yagurabad{Guid.NewGuid():N}";
        var messages = new List<byte[]>
        {
            Encoding.UTF8.GetBytes($"<13>1 2026-13-45T99:99:99Z host app - - - bad timestamp {marker}"),
            Encoding.UTF8.GetBytes($"CEF:0|Vendor|only three fields {marker}"),
            Concat(Encoding.UTF8.GetBytes($"<13>1 - host app - - - nul and invalid utf8 {marker} "), [0x00, 0xC3, 0x28, 0xFF], "tail"u8.ToArray()),
            Encoding.UTF8.GetBytes($$"""<13>1 - host app - - - {"message":"json cut {{marker}}","user":{"name":"""),
            Encoding.UTF8.GetBytes($"<13>1 - host app - - - fine after the bad ones {marker}"),
        };
        var random = new Random(7);
        for (var i = 0; i < 20; i++)
        {
            var noise = new byte[random.Next(1, 400)];
            random.NextBytes(noise);
            messages.Add(noise);
        }

        var before = fixture.Server.Counters.Received;
        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", fixture.Server.SyslogTcpPort);
            var stream = client.GetStream();
            foreach (var m in messages)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{m.Length} "));
                await stream.WriteAsync(m);
            }
        }

        await fixture.WaitStoredAsync(before, messages.Count);

        var withErrors = await fixture.SearchAsync(fixture.DefaultAnalystToken, $"{marker} AND error.message:*");
        Assert.True(withErrors.Count == 4, string.Join("\n", withErrors.Select(e => e.GetProperty("event.original").GetString() + " => " + e.GetProperty("error.message").GetString())));
        Assert.All(withErrors, e => Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("error.message").GetString())));
        var fine = Assert.Single(await fixture.SearchAsync(fixture.DefaultAnalystToken, $"{marker} NOT error.message:*"));
        Assert.Equal($"fine after the bad ones {marker}", fine.GetProperty("message").GetString());

        var nul = withErrors.Select(e => e.GetProperty("event.original").GetString()!).Single(o => o.Contains("nul and invalid", StringComparison.Ordinal));
        Assert.Contains("\0\uFFFD(\uFFFDtail", nul, StringComparison.Ordinal);

        // The random noise is all there too: nothing dropped.
        Assert.Equal(before + messages.Count, fixture.Server.Counters.Received);
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}

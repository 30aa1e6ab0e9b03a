using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;
using Yagura.Testing;

namespace Yagura.IntegrationTests;

/// <summary>
/// kill -9 in the middle of a stream, restart: every message the server acknowledged is stored exactly once,
/// and nothing accepted is stored twice.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Serve_KilledMidStreamAndRestarted_StoresEveryAcceptedMessageExactlyOnce()
    {
        using var dir = new TempDirectory("yagura-crash");
        var data = dir.File("data");
        var token = (await YaguraBinary.RunAsync(["token", "create", "--data", data, "--tenant", "default", "--role", "admin"])).Stdout.Trim();
        Assert.StartsWith("yg_", token, StringComparison.Ordinal);
        var httpPort = FreePorts.Next();
        var tcpPort = FreePorts.Next();
        var marker = $"crash{Guid.NewGuid():N}";

        var acked = new List<int>();
        var tcpSent = 0;
        using (var first = await YaguraBinary.ServeAsync(data, httpPort, tcpPort))
        {
            using var stop = new CancellationTokenSource();
            var http = SendHttpBatchesAsync(first.Http, token, marker, acked, stop.Token);
            var tcp = SendTcpStreamAsync(tcpPort, marker, n => tcpSent = n, stop.Token);

            // Kill once a good part of the stream has been acknowledged, while both senders are still sending.
            await Eventually.UntilAsync(() => { lock (acked) { return acked.Count >= 4000; } }, "4000 acknowledged messages");
            first.Kill9();
            await stop.CancelAsync();
            await Task.WhenAll(http, tcp);
        }

        Assert.True(tcpSent > 0);
        using var second = await YaguraBinary.ServeAsync(data, httpPort, tcpPort);
        await second.WaitIdleAsync(token);

        // Batches are sent one after another, so what was accepted is a prefix of the sequence: no duplicates
        // (count = distinct), no gaps (distinct = max + 1), and it covers every acknowledged message.
        var (httpCount, httpDistinct, httpMax) = await SummaryAsync(second.Http, token, $"{marker} kind:http");
        Assert.Equal(httpDistinct, httpCount);
        Assert.Equal(httpMax + 1, httpDistinct);
        Assert.True(httpDistinct >= acked.Count, $"{acked.Count} acknowledged but {httpDistinct} stored");

        var (tcpCount, tcpDistinct, tcpMax) = await SummaryAsync(second.Http, token, $"{marker} kind:tcp");
        Assert.Equal(tcpDistinct, tcpCount);
        Assert.Equal(tcpMax + 1, tcpDistinct);
        Assert.True(tcpCount > 0);
        output.WriteLine($"acknowledged over HTTP {acked.Count}, stored {httpCount}; sent over TCP {tcpSent}, stored {tcpCount}");
    }

    private static async Task SendHttpBatchesAsync(HttpClient http, string token, string marker, List<int> acked, CancellationToken cancellationToken)
    {
        var seq = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var batch = Enumerable.Range(seq, 200).ToList();
                seq += batch.Count;
                var body = string.Join('\n', batch.Select(i => $$"""{"message":"{{marker}} http message {{i}}","kind":"http","seq":{{i}}}"""));
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest") { Content = new StringContent(body, Encoding.UTF8, "application/x-ndjson") };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    lock (acked)
                    {
                        acked.AddRange(batch);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            // The server was killed: this batch was never acknowledged.
        }
    }

    private static async Task SendTcpStreamAsync(int port, string marker, Action<int> sent, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, cancellationToken);
            var stream = client.GetStream();
            for (var i = 0; !cancellationToken.IsCancellationRequested; i++)
            {
                var message = $$"""<13>1 2026-11-25T00:00:00Z host app - - - {"message":"{{marker}} tcp message {{i}}","kind":"tcp","seq":{{i}}}""";
                var bytes = Encoding.UTF8.GetBytes($"{Encoding.UTF8.GetByteCount(message)} {message}");
                await stream.WriteAsync(bytes, cancellationToken);
                sent(i + 1);

                // Paced (at most ~50,000 messages a second): unpaced, the stream grew to millions of events before the
                // kill on a fast accept path, and the summary searches over them outran their timeout.
                if (i % 50 == 49)
                {
                    await Task.Delay(1, cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
        }
    }

    private static async Task<(long Count, long Distinct, long Max)> SummaryAsync(HttpClient http, string token, string filter)
    {
        var query = filter + " | stats count(), dc(seq), max(seq)";
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/events/search?q={Uri.EscapeDataString(query)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var doc = JsonDocument.Parse(text);
        var row = doc.RootElement.GetProperty("rows")[0];
        return ((long)row[0].GetDouble(), (long)row[1].GetDouble(), (long)row[2].GetDouble());
    }
}

/// <summary>SIGTERM stops the server cleanly after storing everything it accepted.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Serve_Sigterm_StoresEverythingAcceptedAndExitsZero()
    {
        using var dir = new TempDirectory("yagura-stop");
        var data = dir.File("data");
        var tcpPort = FreePorts.Next();
        using var serve = await YaguraBinary.ServeAsync(data, FreePorts.Next(), tcpPort);
        const int Count = 20_000;
        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", tcpPort);
            var stream = client.GetStream();
            var text = new StringBuilder();
            for (var i = 0; i < Count; i++)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"<13>1 2026-11-25T00:00:00Z host app - - - stop test {i}\n");
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()));
        }

        // Ask the server (admin) how much it has received, so the signal does not race the socket.
        var admin = (await YaguraBinary.RunAsync(["token", "create", "--data", data, "--tenant", "default", "--role", "admin"])).Stdout.Trim();
        await Eventually.UntilAsync(async () => await serve.HealthAsync(admin) is { } h && h.GetProperty("received").GetInt64() == Count, "all messages to be received");
        var term = await ProcessRunner.RunAsync("kill", ["-TERM", serve.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.Equal(0, term.ExitCode);
        await serve.Process.WaitForExitAsync();

        Assert.Equal(0, serve.Process.ExitCode);
        Assert.Contains("stopped cleanly", serve.Output.ToString(), StringComparison.Ordinal);
        var search = await YaguraBinary.RunAsync(["search", "--data", data, "--json", "stop test | stats count()"]);
        Assert.True(search.ExitCode == 0, ProcessRunner.Describe(search));
        using var doc = JsonDocument.Parse(search.Stdout);
        Assert.Equal(Count, doc.RootElement.GetProperty("count()").GetInt64());
    }
}

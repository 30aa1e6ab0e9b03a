using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Yagura.Testing;

namespace Yagura.IntegrationTests;

/// <summary>The real <c>yagura</c> program (built next to the tests), run as a child process.</summary>
public static class YaguraBinary
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "yagura.dll");

    public static Task<ProcessRunner.Result> RunAsync(IEnumerable<string> arguments, string? stdin = null, IDictionary<string, string>? environment = null) =>
        ProcessRunner.RunAsync("dotnet", [Dll, .. arguments], stdin, environment);

    /// <summary>Starts <c>yagura serve</c> and waits until <c>/healthz</c> answers 200.</summary>
    public static async Task<ServeProcess> ServeAsync(string dataDirectory, int httpPort, int tcpPort, params string[] extra)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])[Dll, "serve", "--data", dataDirectory, "--http", $"127.0.0.1:{httpPort}", "--syslog-udp", "0", "--syslog-tcp", tcpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra])
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        var serve = new ServeProcess(process, httpPort);
        process.OutputDataReceived += (_, e) => { lock (serve.Output) { serve.Output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (serve.Output) { serve.Output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Eventually.UntilAsync(async () => await serve.HealthAsync() is not null || process.HasExited, "yagura serve to become healthy");
        if (process.HasExited)
        {
            throw new InvalidOperationException($"yagura serve exited with {process.ExitCode}: {serve.Output}");
        }

        return serve;
    }
}

public sealed class ServeProcess(Process process, int httpPort) : IDisposable
{
    public Process Process { get; } = process;

    /// <summary>What the server printed (stdout and stderr).</summary>
    public System.Text.StringBuilder Output { get; } = new();

    public HttpClient Http { get; } = new() { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The health document, or null while the server is not answering 200.</summary>
    public async Task<JsonElement?> HealthAsync(string? adminToken = null)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
            if (adminToken is not null)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminToken);
            }

            using var response = await Http.SendAsync(request);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Waits until every accepted message is stored.</summary>
    public async Task WaitIdleAsync(string adminToken)
    {
        JsonElement? last = null;
        try
        {
            await Eventually.UntilAsync(async () => (last = await HealthAsync(adminToken)) is { } h && h.GetProperty("backlog_bytes").GetInt64() == 0, "the backlog to be stored");
        }
        catch (TimeoutException e)
        {
            string output;
            lock (Output)
            {
                output = Output.ToString();
            }

            throw new TimeoutException($"{e.Message}; last /healthz: {last?.ToString() ?? "no answer"}; exited: {Process.HasExited}; output:\n{output}", e);
        }
    }

    public void Kill9()
    {
        Process.Kill(); // SIGKILL on Unix: no shutdown code runs
        Process.WaitForExit();
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
            Process.WaitForExit();
        }

        Http.Dispose();
        Process.Dispose();
    }
}

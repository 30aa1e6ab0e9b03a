using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Yagura.Cli.Configuration;
using Yagura.Cli.Server;
using Yagura.Core.Tenancy;
using Yagura.Storage.Sqlite;
using Yagura.Testing;

namespace Yagura.IntegrationTests;

/// <summary>The server works the same on each free-text index it can be configured with.</summary>
public sealed class StoreChoiceTests
{
    [Theory]
    [InlineData(FullTextIndex.Fts5, true)]
    [InlineData(FullTextIndex.BlockBloom, false)]
    [InlineData(FullTextIndex.None, false)]
    public async Task Serve_WithEachFullTextIndex_FindsWordsPhrasesAndFields(FullTextIndex index, bool columnIndexes)
    {
        using var dir = new TempDirectory("yagura-index");
        var settings = new ServeSettings
        {
            DataDirectory = dir.File("data"),
            Http = $"127.0.0.1:{FreePorts.Next()}",
            SyslogUdpPort = 0,
            SyslogTcpPort = 0,
            FullText = index,
            ColumnIndexes = columnIndexes,
        };
        await using var server = await YaguraServer.StartAsync(settings, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None);
        var token = await server.Engine.Tenants.CreateTokenAsync(Tenant.DefaultId, TokenRole.Analyst, "test");
        using var http = new HttpClient { BaseAddress = new Uri($"http://{server.HttpEndPoint}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var lines = string.Join('\n', Enumerable.Range(0, 600).Select(i => $$$"""{"message":"user{{{i % 7}}} logged in from the {{{(i % 2 == 0 ? "north" : "south")}}} gate","host":{"name":"h{{{i % 3}}}"}}"""));
        using (var response = await http.PostAsync(new Uri("/api/v1/ingest", UriKind.Relative), new StringContent(lines, Encoding.UTF8, "application/x-ndjson")))
        {
            Assert.True(response.IsSuccessStatusCode);
        }

        await server.Engine.DrainAsync(CancellationToken.None);

        Assert.Equal(86, await CountAsync(http, "user3"));
        Assert.Equal(300, await CountAsync(http, "\"from the north gate\""));
        Assert.Equal(43, await CountAsync(http, "user3 south"));
        Assert.Equal(200, await CountAsync(http, "host.name:h1"));
        Assert.Equal(600, await CountAsync(http, "logg*"));

        // The partition really carries the index asked for.
        var partition = Directory.GetFiles(dir.File("data/events/default"), "*.db").Single();
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={partition};Mode=ReadOnly");
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT group_concat(name) FROM sqlite_master WHERE name IN ('fts', 'blocks') OR (type = 'index' AND name LIKE 'ix_events_%' AND name <> 'ix_events_ts')";
        var objects = (await command.ExecuteScalarAsync() as string ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(index == FullTextIndex.Fts5, objects.Contains("fts"));
        Assert.Equal(index == FullTextIndex.BlockBloom, objects.Contains("blocks"));
        Assert.Equal(columnIndexes, objects.Length > (index == FullTextIndex.None ? 0 : 1));
    }

    private static async Task<long> CountAsync(HttpClient http, string query)
    {
        var text = await http.GetStringAsync(new Uri($"/api/v1/events/search?q={Uri.EscapeDataString(query + " | stats count()")}", UriKind.Relative));
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.GetProperty("rows")[0][0].GetInt64();
    }
}

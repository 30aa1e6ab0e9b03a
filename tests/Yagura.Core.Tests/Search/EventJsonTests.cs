using System.Text;
using System.Text.Json;

using Yagura.Core.Events;
using Yagura.Core.Search;

namespace Yagura.Core.Tests.Search;

public class EventJsonTests
{
    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static EventRecord Sample(string? error = null) => new()
    {
        Id = 42,
        TenantId = "acme",
        Timestamp = new DateTimeOffset(2024, 5, 1, 21, 0, 0, 500, TimeSpan.FromHours(9)),
        Received = new DateTimeOffset(2024, 5, 1, 12, 0, 1, TimeSpan.Zero),
        Original = "<34>raw \"line\"",
        Message = "Failed password",
        ErrorMessage = error,
        Fields = new Dictionary<string, object?>
        {
            ["source.ip"] = "10.0.0.1",
            ["source.port"] = 22L,
            ["score"] = 0.5,
            ["event.truncated"] = false,
            ["tags"] = new List<string> { "ssh", "auth" },
            ["mixed"] = new List<object?> { 1L, "x", null },
            ["nothing"] = null,
        },
    };

    [Fact]
    public void Write_Event_IsAFlatObjectWithFixedFieldsFirstAndUtcTimes()
    {
        var json = Json(w => EventJson.Write(w, Sample()));

        Assert.Equal(
            """{"@timestamp":"2024-05-01T12:00:00.5Z","event.created":"2024-05-01T12:00:01Z","event.id":42,"tenant.id":"acme","message":"Failed password","event.original":"\u003C34\u003Eraw \u0022line\u0022","source.ip":"10.0.0.1","source.port":22,"score":0.5,"event.truncated":false,"tags":["ssh","auth"],"mixed":[1,"x",null],"nothing":null}""",
            json);
    }

    [Fact]
    public void Write_EventWithError_IncludesErrorMessageAfterMessage()
    {
        using var doc = JsonDocument.Parse(Json(w => EventJson.Write(w, Sample(error: "truncated"))));

        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).Take(7).ToList();
        Assert.Equal(["@timestamp", "event.created", "event.id", "tenant.id", "message", "error.message", "event.original"], names);
        Assert.Equal("truncated", doc.RootElement.GetProperty("error.message").GetString());
    }

    [Fact]
    public void WriteJson_EventsResult_HasEventsAndCounters()
    {
        var result = new SearchResult { Events = [Sample()], Scanned = 10, Matched = 3, Truncated = true };

        using var doc = JsonDocument.Parse(Json(result.WriteJson));

        Assert.Equal(42, doc.RootElement.GetProperty("events")[0].GetProperty("event.id").GetInt64());
        Assert.False(doc.RootElement.TryGetProperty("columns", out _));
        Assert.Equal(10, doc.RootElement.GetProperty("scanned").GetInt64());
        Assert.Equal(3, doc.RootElement.GetProperty("matched").GetInt64());
        Assert.True(doc.RootElement.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public void WriteJson_TableResult_HasColumnsAndRows()
    {
        var result = new SearchResult
        {
            Columns = ["source.ip", "count()", "first"],
            Rows = [["10.0.0.1", 5L, new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero)], [null, 1L, double.NaN]],
            Scanned = 6,
            Matched = 6,
        };

        var json = Json(result.WriteJson);

        Assert.Equal(
            """{"columns":["source.ip","count()","first"],"rows":[["10.0.0.1",5,"2024-05-01T12:00:00Z"],[null,1,"NaN"]],"scanned":6,"matched":6,"truncated":false}""",
            json);
    }
}

using System.Text.Json;

using Yagura.Detection.Events;

namespace Yagura.Detection.Tests.Events;

public sealed class DetectionEventTests
{
    [Fact]
    public void FromJson_FlattensNestedObjectsAndReadsTheWindowsEventTime()
    {
        using var doc = JsonDocument.Parse("""
            {"Event":{"System":{"EventID":1,"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},
              "TimeCreated":{"#attributes":{"SystemTime":"2025-11-27T07:40:10.165324Z"}}},
              "EventData":{"Image":"C:\\Windows\\cmd.exe","Ratio":0.5,"Tags":["a","b"],"Objs":[{"x":1}]}}}
            """);

        var e = DetectionEvent.FromJson(doc.RootElement);

        Assert.Equal(1L, e.Fields["Event.System.EventID"]);
        Assert.Equal("Microsoft-Windows-Sysmon", e.Fields["Event.System.Provider.#attributes.Name"]);
        Assert.Equal(@"C:\Windows\cmd.exe", e.Fields["Event.EventData.Image"]);
        Assert.Equal(0.5, e.Fields["Event.EventData.Ratio"]);
        Assert.Equal(["a", "b"], (List<object?>)e.Fields["Event.EventData.Tags"]!);
        Assert.Equal("""[{"x":1}]""", e.Fields["Event.EventData.Objs"]);
        Assert.Equal(new DateTimeOffset(2025, 11, 27, 7, 40, 10, TimeSpan.Zero).AddTicks(1653240), e.Timestamp);
    }

    [Fact]
    public void FromJson_RejectsAnythingButAnObject()
    {
        using var doc = JsonDocument.Parse("[1]");
        Assert.Throws<ArgumentException>(() => DetectionEvent.FromJson(doc.RootElement));
    }

    [Theory]
    [InlineData("""{"CreationTime":"2026-12-01T09:30:00","Operation":"FileDownloaded"}""")]
    [InlineData("""{"eventTime":"2026-12-01T09:30:00Z","eventSource":"s3.amazonaws.com"}""")]
    [InlineData("""{"published":"2026-12-01T09:30:00.000Z","eventType":"user.session.start"}""")]
    [InlineData("""{"@timestamp":"2026-12-01T09:30:00Z","CreationTime":"2020-01-01T00:00:00"}""")]
    public void FromJson_ReadsTheTimeEachSourceWrites(string json)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero), DetectionEvent.FromJson(doc.RootElement).Timestamp);
    }

    [Theory]
    [InlineData("""{"a":{"b":{"c":1}},"s":"x\u00e9","d":1.5,"t":true,"f":false,"n":null,"l":[1,"two",null],"o":[{"x":1},[2]],"e":[],"Event":{"UserData":{"W":{"Op":"x"}},"EventData":{"Threat Name":"y"}}}""")]
    [InlineData("""{"dup":1,"dup":2,"@timestamp":"2026-12-01T09:30:00Z"}""")]
    [InlineData("""{}""")]
    public void FromJson_OfBytes_EqualsFromJsonOfADocument(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var expected = DetectionEvent.FromJson(doc.RootElement, 7);
        var actual = DetectionEvent.FromJson(System.Text.Encoding.UTF8.GetBytes(json), 7);

        Assert.Equal(expected.Fields.Keys.Order(), actual.Fields.Keys.Order());
        foreach (var (name, value) in expected.Fields)
        {
            Assert.Equal(value, actual.Fields[name]);
        }

        Assert.Equal((expected.Timestamp, expected.Id), (actual.Timestamp, actual.Id));
    }
}

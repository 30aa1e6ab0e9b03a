using Yagura.Detection.Events;
using Yagura.Testing;

namespace Yagura.Detection.Tests.Events;

public sealed class EventFilesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Read_ObjectsAcrossTheReadBuffer_AreReadWholeAndInOrder_ThenTheFaultWithItsLine()
    {
        // Events around and larger than the 64 KiB read buffer, split anywhere by it, then an object cut short.
        var big = new string('x', 100_000);
        var lines = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            lines.Add($$$"""{"n": {{{i}}}, "pad": "{{{new string('p', i * 1_500)}}}", "nested": {"list": [1, "two", null], "objs": [{"a": [1]}]}}""");
        }

        lines.Add($$"""{"n": 40, "big": "{{big}}"}""");
        lines.Add("""{"n": 41}{"n": 42}""");
        lines.Add("""{"n": 43, "cut": """);
        var path = Path.Combine(_dir.Path, "events.json");
        File.WriteAllText(path, string.Join('\n', lines));

        var items = EventFiles.Read(path).ToList();

        var events = items.Where(i => i.Event is not null).Select(i => i.Event!).ToList();
        Assert.Equal(Enumerable.Range(0, 43).Select(i => (long)i), events.Select(e => (long)e.Fields["n"]!));
        Assert.Equal(Enumerable.Range(0, 43).Select(i => (long)i), events.Select(e => e.Id));
        Assert.Equal(39 * 1_500, ((string)events[39].Fields["pad"]!).Length);
        Assert.Equal([1L, "two", null], (List<object?>)events[7].Fields["nested.list"]!);
        Assert.Equal("""[{"a": [1]}]""", events[7].Fields["nested.objs"]);
        Assert.Equal(big, events[40].Fields["big"]);
        var error = Assert.Single(items, i => i.Event is null);
        Assert.Same(items[^1], error);
        Assert.Contains("line 43", error.Error, StringComparison.Ordinal);
        Assert.False(error.TakesIndex);
    }

    [Fact]
    public void ReadObject_CutAnywhere_AsksForMore_AndReadsTheWholeObjectOnceComplete()
    {
        var json = """{"a": 1, "b": {"c": "d", "e": [1, "x", null, true]}, "f": [{"g": [2]}, 3], "h": {}, "i": []}"""u8.ToArray();
        for (var cut = 1; cut < json.Length; cut++)
        {
            var reader = new System.Text.Json.Utf8JsonReader(json.AsSpan(0, cut), isFinalBlock: false, default);
            Assert.True(reader.Read());
            Assert.True(DetectionEvent.ReadObject(ref reader, json.AsSpan(0, cut)) is null, $"cut at {cut}");
        }

        var whole = new System.Text.Json.Utf8JsonReader(json, isFinalBlock: false, default);
        whole.Read();
        var e = DetectionEvent.ReadObject(ref whole, json);
        Assert.NotNull(e);
        Assert.Equal(json.Length, whole.BytesConsumed);
        Assert.Equal("d", e.Fields["b.c"]);
        Assert.Equal([1L, "x", null, true], (List<object?>)e.Fields["b.e"]!);
        Assert.Equal("""[{"g": [2]}, 3]""", e.Fields["f"]);
    }
}

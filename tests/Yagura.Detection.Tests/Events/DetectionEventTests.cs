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

    [Fact]
    public void FromJson_OfBytes_FlattensEveryKindOfValue()
    {
        const string Json = """{"a":{"b":{"c":1}},"s":"x\u00e9","d":1.5,"t":true,"f":false,"n":null,"l":[1,"two",null],"o":[{"x":1},[2]],"e":[],"dup":1,"dup":2,"Event":{"UserData":{"W":{"Op":"x"}},"EventData":{"Threat Name":"y"}}}""";

        var e = DetectionEvent.FromJson(System.Text.Encoding.UTF8.GetBytes(Json), 7);

        Assert.Equal(1L, e.Fields["a.b.c"]);
        Assert.Equal("x\u00e9", e.Fields["s"]);
        Assert.Equal(1.5, e.Fields["d"]);
        Assert.Equal((true, false), ((bool)e.Fields["t"]!, (bool)e.Fields["f"]!));
        Assert.True(e.Fields.ContainsKey("n") && e.Fields["n"] is null);
        Assert.Equal([1L, "two", null], (List<object?>)e.Fields["l"]!);
        Assert.Equal("""[{"x":1},[2]]""", e.Fields["o"]);
        Assert.Empty((List<object?>)e.Fields["e"]!);
        Assert.Equal(2L, e.Fields["dup"]);
        Assert.Equal("x", e.Fields["Event.UserData.Op"]);
        Assert.Equal("y", e.Fields["Event.EventData.ThreatName"]);
        Assert.Equal(7, e.Id);
    }

    [Fact]
    public void FromJson_OfBytes_NamesAreTheSameWhetherKnownOrNew()
    {
        // Names are kept per thread up to a limit: past it, and for escaped names, reading must give the same fields.
        var json = "{" + string.Join(',', Enumerable.Range(0, 12_000).Select(i => $"\"o{i}\":{{\"k\\u0020{i % 3}\":{i}}}")) + "}";

        for (var pass = 0; pass < 2; pass++)
        {
            var e = DetectionEvent.FromJson(System.Text.Encoding.UTF8.GetBytes(json));

            Assert.Equal(12_000, e.Fields.Count(f => f.Key.Contains(' ', StringComparison.Ordinal)));
            Assert.Equal(11_999L, e.Fields["o11999.k 2"]);
            Assert.Equal(7L, e.Fields["o7.k 1"]);
            Assert.Equal(7L, e.Fields["o7.k1"]);
        }
    }

    [Theory]
    [InlineData(3)] // a few fields: looked up by a walk
    [InlineData(40)] // many: looked up by an index
    public void FromJson_OfBytes_ARepeatedNameKeepsItsLastValue(int fields)
    {
        var json = "{" + string.Join(',', Enumerable.Range(0, fields).Select(i => $"\"f{i}\":{i}")) + ",\"f1\":\"again\",\"f1\":\"last\"}";

        var e = DetectionEvent.FromJson(System.Text.Encoding.UTF8.GetBytes(json));

        Assert.Equal(fields, e.Fields.Count);
        Assert.Equal("last", e.Fields["f1"]);
        Assert.Equal((long)fields - 1, e.Fields[$"f{fields - 1}"]);
        Assert.Equal([.. Enumerable.Range(0, fields).Select(i => $"f{i}")], e.Fields.Keys);
    }

    [Fact]
    public void FromJson_OfBytes_NamesAreReadInTheirObject_WhateverOrderCameBefore()
    {
        // The thread guesses each name from the order of the last event; a name after the same one, or with the same
        // bytes, in another object is another name.
        for (var pass = 0; pass < 3; pass++)
        {
            var flat = DetectionEvent.FromJson("""{"a.b":1,"c":2,"d":{"c":3}}"""u8);
            var nested = DetectionEvent.FromJson("""{"a":{"b":1,"c":2},"c":4,"d":{"a.b":5,"c":3}}"""u8);
            var escaped = DetectionEvent.FromJson("""{"a.b":1,"\u0063":2}"""u8);

            Assert.Equal(["a.b", "c", "d.c"], flat.Fields.Keys);
            Assert.Equal(["a.b", "a.c", "c", "d.a.b", "d.c"], nested.Fields.Keys);
            Assert.Equal([1L, 2L, 4L, 5L, 3L], nested.Fields.Values);
            Assert.Equal(["a.b", "c"], escaped.Fields.Keys);
        }
    }

    [Fact]
    public void FromJson_OfBytes_AValueWithTheBytesOfTheLastIsReadByItsOwnType()
    {
        // A name's last value is reused when the same bytes come again: the string "1" and the number 1 have the same.
        (string Json, object? Value)[] values =
        [
            ("\"1\"", "1"), ("1", 1L), ("\"1\"", "1"), ("true", true), ("\"true\"", "true"), ("1.5", 1.5), ("\"1.5\"", "1.5"),
            ("null", null), ("\"null\"", "null"), ("\"x\\\\u0041\"", "x\\u0041"), ("\"x\\u0041\"", "xA"), ("\"xA\"", "xA"),
        ];

        foreach (var (json, value) in values)
        {
            Assert.Equal(value, DetectionEvent.FromJson(System.Text.Encoding.UTF8.GetBytes($"{{\"v\":{json}}}")).Fields["v"]);
        }
    }

    [Fact]
    public void FromJson_OfBytes_AnAliasNeverReplacesAFieldOfItsName()
    {
        // "Threat Name" is read as ThreatName too, unless the event has a ThreatName of its own, before or after it.
        for (var pass = 0; pass < 2; pass++)
        {
            var after = DetectionEvent.FromJson("""{"Event":{"EventData":{"Threat Name":"alias","ThreatName":"own"}}}"""u8);
            var before = DetectionEvent.FromJson("""{"Event":{"EventData":{"ThreatName":"own","Threat Name":"alias"}}}"""u8);
            var alone = DetectionEvent.FromJson("""{"Event":{"EventData":{"Threat Name":"alias"}}}"""u8);

            Assert.Equal("own", after.Fields["Event.EventData.ThreatName"]);
            Assert.Equal("own", before.Fields["Event.EventData.ThreatName"]);
            Assert.Equal("alias", alone.Fields["Event.EventData.ThreatName"]);
            Assert.Equal(2, after.Fields.Count);
        }
    }

    [Fact]
    public void FromJson_OfBytes_RejectsAnythingButAnObject() =>
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => DetectionEvent.FromJson("[1]"u8));

    [Fact]
    public void EventTimes_ReadTheSameAsTheGeneralParser()
    {
        // The fast path for ISO 8601 must agree with DateTimeOffset.TryParse on everything, valid or not.
        string[] cases =
        [
            "2026-12-01T10:00:00Z", "2026-12-01 10:00:00.000", "2026-12-01T10:00:00.1234567Z", "2026-12-01T10:00:00.5+09:00",
            "2026-12-01T23:59:59-05:30", "2024-02-29T00:00:00", "2023-02-29T00:00:00", "2026-13-01T00:00:00Z",
            "2026-12-01T24:00:00Z", "2026-12-01T10:00:00.Z", "2026-12-01T10:00:00.12345678Z", "2026-12-01T10:00:00+0900",
            "2026-12-01T10:00:00 +09:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+01:00",
            "2026-12-01T10:00", "Dec 1 2026 10:00:00", "2026-12-01T10:00:00Zjunk", "2026-12-01T10:00:00+15:00",
        ];
        var random = new Random(5);
        var generated = Enumerable.Range(0, 2000).Select(_ =>
            $"{random.Next(1, 10000):D4}-{random.Next(0, 14):D2}-{random.Next(0, 33):D2}{(random.Next(2) == 0 ? 'T' : ' ')}"
            + $"{random.Next(0, 25):D2}:{random.Next(0, 61):D2}:{random.Next(0, 61):D2}"
            + (random.Next(2) == 0 ? "." + new string('7', random.Next(1, 9)) : "")
            + random.Next(4) switch { 0 => "Z", 1 => $"+{random.Next(0, 16):D2}:{random.Next(0, 60):D2}", 2 => $"-{random.Next(0, 16):D2}:30", _ => "" });
        // The shapes sources write take the fast path.
        Assert.All(cases[..5], text => Assert.True(DetectionEvent.TryParseIso(text, out _), text));

        foreach (var text in cases.Concat(generated))
        {
            var expected = DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var slow);
            Assert.True(expected == DetectionEvent.TryParseTime(text, out var fast), text);
            Assert.True(slow == fast && slow.Offset == fast.Offset, $"{text}: {slow:O} vs {fast:O}");
        }
    }
}

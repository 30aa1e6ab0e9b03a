using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Yagura.Core.Events;
using Yagura.Ingest.Parsing.Internal;

namespace Yagura.Ingest.Parsing.Json;

/// <summary>
/// Reads one JSON object and flattens it into dotted field names. Hand-written rather than
/// <c>Utf8JsonReader</c> because that reports malformed input by throwing, and a parser fed by the network meets
/// malformed input all the time; this one reports the byte offset instead and keeps what it read before it.
/// </summary>
internal ref struct JsonFlattener
{
    private const int MaxDepth = 64;

    private static readonly string[] TimestampKeys = ["@timestamp", "timestamp", "time", "ts", "date", "EventTime", "TimeCreated"];

    private readonly ReadOnlySpan<byte> _s;
    private readonly EventBuilder _b;
    private int _p;
    private char[] _path;
    private int _pathLength;
    private string? _error;
    private int _messagePriority;

    // Raw bytes of the top-level timestamp candidates, by priority (index into TimestampKeys).
    private Range _tsValue;
    private int _tsPriority;
    private bool _tsIsString;

    private JsonFlattener(ReadOnlySpan<byte> s, EventBuilder b)
    {
        _s = s;
        _b = b;
        _path = FieldNameCache.Rent(256);
        _tsPriority = int.MaxValue;
        _messagePriority = int.MaxValue;
    }

    /// <summary>Flattens the object at the start of <paramref name="s"/>; false (error noted) when it is malformed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> s, EventBuilder b)
    {
        b.Format = LogFormats.Json;
        var reader = new JsonFlattener(s, b);
        try
        {
            return reader.Run();
        }
        finally
        {
            FieldNameCache.Return(reader._path);
        }
    }

    private bool Run()
    {
        SkipWhitespace();
        bool ok = _p < _s.Length && _s[_p] == '{' && ReadObject(0);
        if (ok)
        {
            SkipWhitespace();
            if (_p < _s.Length)
            {
                _error = "unexpected data after the JSON object";
                ok = false;
            }
        }

        if (!ok)
        {
            _b.AddError($"JSON is malformed at byte {_p} ({_error ?? "unexpected character"}); fields read before it are kept");
        }

        ResolveTimestamp();
        return ok;
    }

    private void ResolveTimestamp()
    {
        if (_tsPriority == int.MaxValue)
        {
            return;
        }

        ReadOnlySpan<byte> raw = _s[_tsValue];
        DateTimeOffset ts;
        bool parsed = _tsIsString
            ? TryTimestampString(raw, out ts)
            : Timestamps.TryParseEpoch(raw, out ts);
        if (parsed)
        {
            _b.Timestamp = ts;
        }
        else
        {
            _b.AddError($"JSON field '{TimestampKeys[_tsPriority]}' is not a timestamp; received time used");
        }
    }

    private readonly bool TryTimestampString(ReadOnlySpan<byte> raw, out DateTimeOffset ts)
    {
        if (raw.IndexOf((byte)'\\') >= 0)
        {
            // "\/Date(…)\/" is the one escaped form seen in practice.
            Span<byte> copy = raw.Length <= 256 ? stackalloc byte[raw.Length] : new byte[raw.Length];
            int n = 0;
            foreach (byte c in raw)
            {
                if (c != '\\')
                {
                    copy[n++] = c;
                }
            }

            return Timestamps.TryParseAny(copy[..n], _b.Received, _b.LocalTimeZone, out ts);
        }

        return Timestamps.TryParseAny(raw, _b.Received, _b.LocalTimeZone, out ts);
    }

    private bool ReadObject(int depth)
    {
        if (depth >= MaxDepth)
        {
            _error = $"nested deeper than {MaxDepth}";
            return false;
        }

        _p++; // '{'
        SkipWhitespace();
        if (_p < _s.Length && _s[_p] == '}')
        {
            _p++;
            return true;
        }

        int basePath = _pathLength;
        while (true)
        {
            SkipWhitespace();
            if (_p >= _s.Length || _s[_p] != '"')
            {
                _error = "expected a property name";
                return false;
            }

            _pathLength = basePath;
            if (!AppendKey())
            {
                return false;
            }

            SkipWhitespace();
            if (_p >= _s.Length || _s[_p] != ':')
            {
                _error = "expected ':'";
                return false;
            }

            _p++;
            SkipWhitespace();
            if (!ReadValue(depth, basePath))
            {
                return false;
            }

            SkipWhitespace();
            if (_p >= _s.Length)
            {
                _error = "object not closed";
                return false;
            }

            if (_s[_p] == ',')
            {
                _p++;
                continue;
            }

            if (_s[_p] == '}')
            {
                _p++;
                _pathLength = basePath;
                return true;
            }

            _error = "expected ',' or '}'";
            return false;
        }
    }

    private bool ReadValue(int depth, int keyStart)
    {
        if (_p >= _s.Length)
        {
            _error = "value missing";
            return false;
        }

        byte c = _s[_p];
        switch (c)
        {
            case (byte)'{':
                EnsurePath(1);
                _path[_pathLength++] = '.';
                return ReadObject(depth + 1);
            case (byte)'[':
                return ReadArray(depth);
            case (byte)'"':
            {
                int start = _p + 1;
                if (!ReadString(out string value))
                {
                    return false;
                }

                Store(value, depth, keyStart, start.._p);
                return true;
            }

            default:
            {
                int start = _p;
                if (!ReadScalar(out object? value))
                {
                    return false;
                }

                Store(value, depth, keyStart, start.._p);
                return true;
            }
        }
    }

    private void Store(object? value, int depth, int keyStart, Range raw)
    {
        ReadOnlySpan<char> name = _path.AsSpan(0, _pathLength);
        if (depth == 0)
        {
            ReadOnlySpan<char> key = name[keyStart..];
            for (int i = 0; i < TimestampKeys.Length; i++)
            {
                if (key.SequenceEqual(TimestampKeys[i]) && i < _tsPriority && value is not null and not bool)
                {
                    _tsPriority = i;
                    _tsIsString = value is string;
                    _tsValue = value is string ? new Range(raw.Start, _p - 1) : raw;
                    break;
                }
            }

            if (value is string text)
            {
                int priority = key switch
                {
                    "message" => 0,
                    "msg" => 1,
                    "Message" => 2,
                    _ => int.MaxValue,
                };
                if (priority < _messagePriority)
                {
                    _messagePriority = priority;
                    _b.Message = text;
                }
            }

            if (key is "@timestamp" or "message")
            {
                return;
            }

            if (NxlogMap(key) is { } ecs && value is not null)
            {
                _b.SetIfAbsent(ecs, value is string ? value : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        _b.SetForeign(FieldNameCache.Get(name), value);
    }

    // nxlog's im_msvistalog names for the few fields every Windows rule needs in ECS form.
    private static string? NxlogMap(ReadOnlySpan<char> key) => key switch
    {
        "Hostname" => FieldNames.HostName,
        "EventID" => FieldNames.EventCode,
        "Channel" => "winlog.channel",
        "SourceName" or "ProviderName" => "winlog.provider_name",
        _ => null,
    };

    private bool ReadArray(int depth)
    {
        if (depth + 1 >= MaxDepth)
        {
            _error = $"nested deeper than {MaxDepth}";
            return false;
        }

        int start = _p;
        _p++;
        var items = new List<object?>();
        bool complex = false;
        SkipWhitespace();
        if (_p < _s.Length && _s[_p] == ']')
        {
            _p++;
            StoreArray(items);
            return true;
        }

        while (true)
        {
            SkipWhitespace();
            if (_p >= _s.Length)
            {
                _error = "array not closed";
                return false;
            }

            byte c = _s[_p];
            if (c is (byte)'{' or (byte)'[')
            {
                // Arrays of objects stay one JSON string: flattening them would lose which values belong together.
                complex = true;
                if (!SkipContainer(depth + 1))
                {
                    return false;
                }
            }
            else if (c == '"')
            {
                if (!ReadString(out string text))
                {
                    return false;
                }

                items.Add(text);
            }
            else if (ReadScalar(out object? value))
            {
                items.Add(value);
            }
            else
            {
                return false;
            }

            SkipWhitespace();
            if (_p >= _s.Length)
            {
                _error = "array not closed";
                return false;
            }

            if (_s[_p] == ',')
            {
                _p++;
                continue;
            }

            if (_s[_p] == ']')
            {
                _p++;
                break;
            }

            _error = "expected ',' or ']'";
            return false;
        }

        if (complex)
        {
            _b.SetForeign(FieldNameCache.Get(_path.AsSpan(0, _pathLength)), Text.Decode(_s[start.._p]));
        }
        else
        {
            StoreArray(items);
        }

        return true;
    }

    private readonly void StoreArray(List<object?> items) =>
        _b.SetForeign(FieldNameCache.Get(_path.AsSpan(0, _pathLength)), items);

    // Validates and skips an object or array inside an array of objects.
    private bool SkipContainer(int depth)
    {
        if (depth >= MaxDepth)
        {
            _error = $"nested deeper than {MaxDepth}";
            return false;
        }

        byte close = _s[_p] == '{' ? (byte)'}' : (byte)']';
        bool isObject = close == '}';
        _p++;
        SkipWhitespace();
        if (_p < _s.Length && _s[_p] == close)
        {
            _p++;
            return true;
        }

        while (true)
        {
            SkipWhitespace();
            if (isObject)
            {
                if (_p >= _s.Length || _s[_p] != '"' || !SkipString())
                {
                    _error ??= "expected a property name";
                    return false;
                }

                SkipWhitespace();
                if (_p >= _s.Length || _s[_p] != ':')
                {
                    _error = "expected ':'";
                    return false;
                }

                _p++;
                SkipWhitespace();
            }

            if (_p >= _s.Length)
            {
                _error = "value missing";
                return false;
            }

            byte c = _s[_p];
            bool ok = c is (byte)'{' or (byte)'[' ? SkipContainer(depth + 1) : c == '"' ? SkipString() : ReadScalar(out _);
            if (!ok)
            {
                return false;
            }

            SkipWhitespace();
            if (_p >= _s.Length)
            {
                _error = "not closed";
                return false;
            }

            if (_s[_p] == ',')
            {
                _p++;
                continue;
            }

            if (_s[_p] == close)
            {
                _p++;
                return true;
            }

            _error = "expected ',' or a closing bracket";
            return false;
        }
    }

    private bool SkipString()
    {
        _p++;
        while (_p < _s.Length)
        {
            byte c = _s[_p];
            if (c == '\\')
            {
                _p += 2;
                continue;
            }

            _p++;
            if (c == '"')
            {
                return true;
            }
        }

        _error = "string not closed";
        return false;
    }

    private bool AppendKey()
    {
        int start = _p + 1;
        if (!FindStringEnd(out int end, out bool escaped))
        {
            return false;
        }

        ReadOnlySpan<byte> raw = _s[start..end];
        if (!escaped)
        {
            EnsurePath(raw.Length);
            _pathLength += Encoding.UTF8.GetChars(raw, _path.AsSpan(_pathLength));
            return true;
        }

        string key = Unescape(raw, out bool valid);
        if (!valid)
        {
            _p = start;
            _error = "invalid escape in a property name";
            return false;
        }

        EnsurePath(key.Length);
        key.CopyTo(_path.AsSpan(_pathLength));
        _pathLength += key.Length;
        return true;
    }

    private bool ReadString(out string value)
    {
        value = string.Empty;
        int start = _p + 1;
        if (!FindStringEnd(out int end, out bool escaped))
        {
            return false;
        }

        ReadOnlySpan<byte> raw = _s[start..end];
        if (!escaped)
        {
            value = Text.Decode(raw);
            return true;
        }

        value = Unescape(raw, out bool valid);
        if (!valid)
        {
            _p = start;
            _error = "invalid escape in a string";
            return false;
        }

        return true;
    }

    // Leaves _p after the closing quote.
    private bool FindStringEnd(out int end, out bool escaped)
    {
        escaped = false;
        int p = _p + 1;
        while (p < _s.Length)
        {
            int rel = _s[p..].IndexOfAny((byte)'"', (byte)'\\');
            if (rel < 0)
            {
                break;
            }

            p += rel;
            if (_s[p] == '\\')
            {
                escaped = true;
                p += 2;
                continue;
            }

            end = p;
            _p = p + 1;
            return true;
        }

        end = 0;
        _p = _s.Length;
        _error = "string not closed";
        return false;
    }

    [System.Runtime.CompilerServices.SkipLocalsInit]
    private static string Unescape(ReadOnlySpan<byte> raw, out bool valid)
    {
        valid = true;
        byte[]? rented = null;
        Span<byte> buffer = raw.Length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(raw.Length));
        int n = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            byte c = raw[i];
            if (c != '\\')
            {
                buffer[n++] = c;
                continue;
            }

            if (++i >= raw.Length)
            {
                valid = false;
                break;
            }

            switch (raw[i])
            {
                case (byte)'"': buffer[n++] = (byte)'"'; break;
                case (byte)'\\': buffer[n++] = (byte)'\\'; break;
                case (byte)'/': buffer[n++] = (byte)'/'; break;
                case (byte)'b': buffer[n++] = (byte)'\b'; break;
                case (byte)'f': buffer[n++] = (byte)'\f'; break;
                case (byte)'n': buffer[n++] = (byte)'\n'; break;
                case (byte)'r': buffer[n++] = (byte)'\r'; break;
                case (byte)'t': buffer[n++] = (byte)'\t'; break;
                case (byte)'u':
                    if (!TryHex4(raw, i + 1, out int code))
                    {
                        valid = false;
                        break;
                    }

                    i += 4;
                    if (char.IsHighSurrogate((char)code) && i + 6 < raw.Length && raw[i + 1] == '\\' && raw[i + 2] == 'u'
                        && TryHex4(raw, i + 3, out int low) && char.IsLowSurrogate((char)low))
                    {
                        code = char.ConvertToUtf32((char)code, (char)low);
                        i += 6;
                    }
                    else if (char.IsSurrogate((char)code))
                    {
                        code = 0xFFFD;
                    }

                    // A \uXXXX escape produces at most 4 UTF-8 bytes from 6 escape bytes, so the buffer suffices.
                    n += new Rune(code).EncodeToUtf8(buffer[n..]);
                    break;
                default:
                    valid = false;
                    break;
            }

            if (!valid)
            {
                break;
            }
        }

        string result = valid ? Text.Decode(buffer[..n]) : string.Empty;
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return result;
    }

    private static bool TryHex4(ReadOnlySpan<byte> s, int at, out int value)
    {
        value = 0;
        if (at + 4 > s.Length)
        {
            return false;
        }

        for (int k = 0; k < 4; k++)
        {
            int d = HexValue(s[at + k]);
            if (d < 0)
            {
                return false;
            }

            value = (value << 4) | d;
        }

        return true;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private bool ReadScalar(out object? value)
    {
        value = null;
        ReadOnlySpan<byte> rest = _s[_p..];
        if (rest.StartsWith("true"u8))
        {
            _p += 4;
            value = Text.Box(true);
            return true;
        }

        if (rest.StartsWith("false"u8))
        {
            _p += 5;
            value = Text.Box(false);
            return true;
        }

        if (rest.StartsWith("null"u8))
        {
            _p += 4;
            return true;
        }

        int n = 0;
        bool integral = true;
        while (n < rest.Length && rest[n] is (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'+' or (byte)'.' or (byte)'e' or (byte)'E')
        {
            if (rest[n] is (byte)'.' or (byte)'e' or (byte)'E')
            {
                integral = false;
            }

            n++;
        }

        ReadOnlySpan<byte> number = rest[..n];
        if (n == 0 || !(Text.IsDigit(number[0]) || number[0] == '-'))
        {
            _error = "unexpected character";
            return false;
        }

        if (integral && Utf8Parser.TryParse(number, out long l, out int usedLong) && usedLong == n)
        {
            value = Text.Box(l);
        }
        else if (Utf8Parser.TryParse(number, out double d, out int usedDouble) && usedDouble == n && double.IsFinite(d))
        {
            value = d;
        }
        else
        {
            _error = "invalid number";
            return false;
        }

        _p += n;
        return true;
    }

    private void SkipWhitespace()
    {
        while (_p < _s.Length && _s[_p] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            _p++;
        }
    }

    private void EnsurePath(int extra)
    {
        if (_pathLength + extra <= _path.Length)
        {
            return;
        }

        char[] bigger = FieldNameCache.Rent(Math.Max(_path.Length * 2, _pathLength + extra));
        _path.AsSpan(0, _pathLength).CopyTo(bigger);
        FieldNameCache.Return(_path);
        _path = bigger;
    }
}

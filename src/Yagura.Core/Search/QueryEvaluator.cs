using System.Collections;
using System.Net;
using System.Net.Sockets;

using Yagura.Core.Events;
using Yagura.Core.Search.Internal;
using Yagura.Core.Text;

namespace Yagura.Core.Search;

/// <summary>
/// Compiles a filter once into a tree of delegates that decides, per event, whether it matches — the reference
/// implementation of the shared search semantics that every store's pushdown must never be stricter than.
/// </summary>
public static class QueryEvaluator
{
    private static readonly Func<EventRecord, bool> Always = static _ => true;

    /// <summary>Compiles <paramref name="node"/>; relative times such as <c>now-15m</c> resolve against <paramref name="now"/>.</summary>
    /// <exception cref="ArgumentException">A range bound is neither a number nor a time (the parser never produces one).</exception>
    public static Func<EventRecord, bool> Compile(QueryNode node, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node switch
        {
            MatchAllNode => Always,
            AndNode and => CompileAnd([.. and.Children.Select(c => Compile(c, now))]),
            OrNode or => CompileOr([.. or.Children.Select(c => Compile(c, now))]),
            NotNode not => CompileNot(Compile(not.Child, now)),
            FieldTermNode term => CompileTerm(term),
            FieldExistsNode exists => CompileExists(exists.Field),
            FieldRangeNode range => CompileRange(range, now),
            FieldCidrNode cidr => CompileCidr(cidr),
            FreeTextNode text => CompileFreeText(text),
            _ => throw new ArgumentException($"unsupported query node {node.GetType().Name}", nameof(node)),
        };
    }

    /// <summary>
    /// Reads a query time: ISO 8601 / RFC 3339 (no offset means UTC), a date alone (UTC midnight), <c>now</c>, or
    /// <c>now-15m</c> / <c>now+2h</c> with units <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c>, <c>w</c>.
    /// </summary>
    public static bool TryParseTime(string text, DateTimeOffset now, out DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Equals("now", StringComparison.OrdinalIgnoreCase))
        {
            value = now;
            return true;
        }

        if (QueryValues.TryParseRelative(text, out var offset))
        {
            value = QueryValues.AddSaturating(now, offset);
            return true;
        }

        return QueryValues.TryParseAbsoluteTime(text, out value);
    }

    /// <summary>
    /// Returns <paramref name="node"/> with relative time bounds (<c>now-15m</c>) replaced by absolute ISO 8601 UTC
    /// times, so that a store and the evaluator given the result agree on the instant whatever their clocks say.
    /// </summary>
    public static QueryNode ResolveRelativeTimes(QueryNode node, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node switch
        {
            AndNode and => new AndNode([.. and.Children.Select(c => ResolveRelativeTimes(c, now))]),
            OrNode or => new OrNode([.. or.Children.Select(c => ResolveRelativeTimes(c, now))]),
            NotNode not => new NotNode(ResolveRelativeTimes(not.Child, now)),
            FieldRangeNode range when IsRelative(range.Lower) || IsRelative(range.Upper) =>
                range with { Lower = Resolve(range.Lower, now), Upper = Resolve(range.Upper, now) },
            _ => node,
        };

        static bool IsRelative(RangeBound? bound) => bound is not null
            && (bound.Value.Equals("now", StringComparison.OrdinalIgnoreCase) || QueryValues.TryParseRelative(bound.Value, out _));

        static RangeBound? Resolve(RangeBound? bound, DateTimeOffset now) =>
            IsRelative(bound) && TryParseTime(bound!.Value, now, out var value)
                ? bound with { Value = value.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture) }
                : bound;
    }

    private static Func<EventRecord, bool> CompileAnd(Func<EventRecord, bool>[] children) => children.Length switch
    {
        0 => Always,
        1 => children[0],
        2 => Both(children[0], children[1]),
        _ => e =>
        {
            foreach (var child in children)
            {
                if (!child(e))
                {
                    return false;
                }
            }

            return true;
        },
    };

    private static Func<EventRecord, bool> CompileOr(Func<EventRecord, bool>[] children) => children.Length switch
    {
        0 => static _ => false,
        1 => children[0],
        2 => Either(children[0], children[1]),
        _ => e =>
        {
            foreach (var child in children)
            {
                if (child(e))
                {
                    return true;
                }
            }

            return false;
        },
    };

    private static Func<EventRecord, bool> Both(Func<EventRecord, bool> a, Func<EventRecord, bool> b) => e => a(e) && b(e);

    private static Func<EventRecord, bool> Either(Func<EventRecord, bool> a, Func<EventRecord, bool> b) => e => a(e) || b(e);

    private static Func<EventRecord, bool> CompileNot(Func<EventRecord, bool> child) => e => !child(e);

    /// <summary>Reads a field without boxing the common case (a name in <see cref="EventRecord.Fields"/>).</summary>
    internal static Func<EventRecord, object?> Accessor(string field) => field switch
    {
        FieldNames.Timestamp or FieldNames.TenantId or FieldNames.EventOriginal or FieldNames.Message
            or FieldNames.ErrorMessage or FieldNames.EventCreated or FieldNames.EventId => e => e.GetField(field),
        _ => e => e.Fields.TryGetValue(field, out var value) ? value : null,
    };

    private static Func<EventRecord, string?> TextAccessor(string field) => field switch
    {
        FieldNames.Message => static e => e.Message,
        FieldNames.EventOriginal => static e => e.Original,
        _ => static e => e.ErrorMessage,
    };

    private static Func<EventRecord, bool> CompileFreeText(FreeTextNode node)
    {
        var matcher = TextMatcher.Create(node.Text, node.HasWildcard);
        return e => matcher.IsMatch(e.Message) || matcher.IsMatch(e.Original);
    }

    private static Func<EventRecord, bool> CompileTerm(FieldTermNode node)
    {
        if (QueryValues.IsTextField(node.Field))
        {
            var matcher = TextMatcher.Create(node.Value, node.HasWildcard);
            var text = TextAccessor(node.Field);
            return e => matcher.IsMatch(text(e));
        }

        var get = Accessor(node.Field);
        if (node.HasWildcard)
        {
            var glob = GlobPattern.Parse(node.Value);
            return e => AnyValue(get(e), glob, static (g, v) => QueryValues.ToText(v) is { } s && g.IsMatch(s));
        }

        var term = new ExactTerm(node.Value);
        return e => AnyValue(get(e), term, static (t, v) => t.IsMatch(v));
    }

    private static Func<EventRecord, bool> CompileExists(string field)
    {
        var get = Accessor(field);
        return e => get(e) switch
        {
            null => false,
            string => true,
            ICollection collection => collection.Count > 0,
            _ => true,
        };
    }

    private static Func<EventRecord, bool> CompileRange(FieldRangeNode node, DateTimeOffset now)
    {
        var asTime = QueryValues.IsTimeField(node.Field)
            || !((node.Lower is null || QueryValues.TryParseNumber(node.Lower.Value, out _))
                && (node.Upper is null || QueryValues.TryParseNumber(node.Upper.Value, out _)));
        if (asTime)
        {
            var range = new TimeRange(ResolveTime(node.Lower, now, node.Field), ResolveTime(node.Upper, now, node.Field), node.Lower, node.Upper);
            return node.Field switch
            {
                FieldNames.Timestamp => e => range.Contains(e.Timestamp),
                FieldNames.EventCreated => e => range.Contains(e.Received),
                _ => Bind(Accessor(node.Field), range),
            };

            static Func<EventRecord, bool> Bind(Func<EventRecord, object?> get, TimeRange range) =>
                e => AnyValue(get(e), range, static (r, v) => r.Contains(v));
        }

        var lower = node.Lower is null ? double.NegativeInfinity : ParseNumber(node.Lower, node.Field);
        var upper = node.Upper is null ? double.PositiveInfinity : ParseNumber(node.Upper, node.Field);
        var numbers = new NumberRange(lower, node.Lower?.Inclusive ?? true, upper, node.Upper?.Inclusive ?? true);
        var getNumber = Accessor(node.Field);
        return e => AnyValue(getNumber(e), numbers, static (r, v) => QueryValues.TryGetNumber(v, out var n) && r.Contains(n));

        static double ParseNumber(RangeBound bound, string field) =>
            QueryValues.TryParseNumber(bound.Value, out var value)
                ? value
                : throw new ArgumentException($"range bound '{bound.Value}' on '{field}' is not a number");
    }

    private static DateTimeOffset? ResolveTime(RangeBound? bound, DateTimeOffset now, string field)
    {
        if (bound is null)
        {
            return null;
        }

        return TryParseTime(bound.Value, now, out var value)
            ? value
            : throw new ArgumentException($"range bound '{bound.Value}' on '{field}' is not a time");
    }

    private static Func<EventRecord, bool> CompileCidr(FieldCidrNode node)
    {
        var get = Accessor(node.Field);
        var network = node.Network;
        if (network.BaseAddress.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> bytes = stackalloc byte[4];
            network.BaseAddress.TryWriteBytes(bytes, out _);
            var v4 = new IPv4Network(
                ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3],
                network.PrefixLength == 0 ? 0 : uint.MaxValue << (32 - network.PrefixLength));
            return e => AnyValue(get(e), v4, static (n, v) => v is string s && DottedQuad.TryParse(s, out var a) && n.Contains(a));
        }

        return e => AnyValue(get(e), network, static (n, v) =>
            v is string s && s.Contains(':') && IPAddress.TryParse(s, out var address) && n.Contains(address));
    }

    /// <summary>Applies <paramref name="match"/> to a value, or to each element of a list value.</summary>
    private static bool AnyValue<TState>(object? value, TState state, Func<TState, object?, bool> match)
    {
        switch (value)
        {
            case null:
                return false;
            case string:
                return match(state, value);
            case IReadOnlyList<string> strings:
                for (var i = 0; i < strings.Count; i++)
                {
                    if (match(state, strings[i]))
                    {
                        return true;
                    }
                }

                return false;
            case IList list:
                for (var i = 0; i < list.Count; i++)
                {
                    if (match(state, list[i]))
                    {
                        return true;
                    }
                }

                return false;
            case IEnumerable items:
                foreach (var item in items)
                {
                    if (match(state, item))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return match(state, value);
        }
    }

    /// <summary>Equality with one value: case-insensitive text, numeric when both sides are numbers.</summary>
    private sealed class ExactTerm
    {
        private readonly string _value;
        private readonly bool _isNumber;
        private readonly double _number;
        private readonly bool _isLong;
        private readonly long _long;
        private readonly DateTimeOffset? _time;

        public ExactTerm(string value)
        {
            _value = value;
            _isNumber = QueryValues.TryParseNumber(value, out _number);
            _isLong = long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _long);
            _time = QueryValues.TryParseAbsoluteTime(value, out var time) ? time : null;
        }

        public bool IsMatch(object? value) => value switch
        {
            string s => string.Equals(s, _value, StringComparison.OrdinalIgnoreCase),

            // Compare longs as longs: event ids and byte counts exceed a double's exact range.
            long l => _isLong ? l == _long : _isNumber ? l == _number : MatchText(value),
            int i => _isNumber ? i == _number : MatchText(value),
            double d => _isNumber ? d.Equals(_number) : MatchText(value),
            bool b => string.Equals(b ? "true" : "false", _value, StringComparison.OrdinalIgnoreCase),
            DateTimeOffset t => _time is { } time && t == time,
            null => false,
            _ => MatchText(value),
        };

        private bool MatchText(object value) => string.Equals(QueryValues.ToText(value), _value, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class NumberRange(double lower, bool lowerInclusive, double upper, bool upperInclusive)
    {
        public bool Contains(double value) =>
            (lowerInclusive ? value >= lower : value > lower) && (upperInclusive ? value <= upper : value < upper);
    }

    private sealed class TimeRange(DateTimeOffset? lower, DateTimeOffset? upper, RangeBound? lowerBound, RangeBound? upperBound)
    {
        private readonly bool _lowerInclusive = lowerBound?.Inclusive ?? true;
        private readonly bool _upperInclusive = upperBound?.Inclusive ?? true;

        public bool Contains(DateTimeOffset value) =>
            (lower is not { } l || (_lowerInclusive ? value >= l : value > l))
            && (upper is not { } u || (_upperInclusive ? value <= u : value < u));

        public bool Contains(object? value) => value switch
        {
            DateTimeOffset t => Contains(t),
            DateTime d => Contains(new DateTimeOffset(d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d)),
            string s => QueryValues.TryParseAbsoluteTime(s, out var t) && Contains(t),
            _ => false,
        };
    }

    private sealed class IPv4Network(uint network, uint mask)
    {
        public bool Contains(uint address) => (address & mask) == network;
    }
}

using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;

namespace Yagura.Detection.Sigma.Internal;

/// <summary>A compiled piece of a rule's detection: evaluated against one event.</summary>
internal abstract class Node
{
    public abstract bool Eval(EvalContext ctx);

    public virtual IEnumerable<Node> Children => [];
}

internal sealed class AndNode(Node[] children) : Node
{
    public override IEnumerable<Node> Children => children;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool Eval(EvalContext ctx)
    {
        foreach (var child in children)
        {
            if (!child.Eval(ctx))
            {
                return false;
            }
        }

        return true;
    }
}

internal sealed class OrNode(Node[] children) : Node
{
    public override IEnumerable<Node> Children => children;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool Eval(EvalContext ctx)
    {
        foreach (var child in children)
        {
            if (child.Eval(ctx))
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class NotNode(Node child) : Node
{
    public override IEnumerable<Node> Children => [child];

    public override bool Eval(EvalContext ctx) => !child.Eval(ctx);
}

internal sealed class ConstNode(bool value) : Node
{
    public static readonly ConstNode True = new(true);
    public static readonly ConstNode False = new(false);

    public override bool Eval(EvalContext ctx) => value;
}

/// <summary>Some of the field's string values match one of the matchers (or, with <c>all</c>, every matcher matches
/// one of them).</summary>
internal sealed class StringNode(int field, StringMatcher[] matchers, bool all) : Node
{
    public int Field => @field;

    public StringMatcher[] Matchers => matchers;

    public bool All => all;

    /// <summary>
    /// Per matcher, the prefilter's atom that decides it (-1: the matcher runs), set when the node's rule joins a
    /// group: the group's automaton has already looked for every literal of the event, so most matchers are a lookup.
    /// </summary>
    public int[]? AtomIds { get; set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool Eval(EvalContext ctx)
    {
        if (AtomIds is not { } atoms || ctx.Atoms is not { } marks)
        {
            return Test(ctx.Strings(@field), matchers, all);
        }

        string[]? values = null;
        for (var i = 0; i < matchers.Length; i++)
        {
            bool hit;
            if (atoms[i] >= 0)
            {
                hit = marks.IsMarked(atoms[i]);
            }
            else
            {
                values ??= ctx.Strings(@field);
                hit = Any(values, matchers[i]);
            }

            if (hit != all)
            {
                return hit;
            }
        }

        return all;
    }

    public static bool Test(string[] values, StringMatcher[] matchers, bool all)
    {
        if (values.Length == 0)
        {
            return false;
        }

        foreach (var matcher in matchers)
        {
            if (Any(values, matcher) != all)
            {
                return !all;
            }
        }

        return all;
    }

    private static bool Any(string[] values, StringMatcher matcher)
    {
        foreach (var value in values)
        {
            if (matcher.IsMatch(value))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary><c>field: null</c>: the field is absent, null or empty of values.</summary>
internal sealed class NullNode(int field) : Node
{
    public override bool Eval(EvalContext ctx) => ctx.Value(field) is null;
}

internal sealed class ExistsNode(int field, bool exists) : Node
{
    public int Field => @field;

    public bool Exists => exists;

    public override bool Eval(EvalContext ctx) => ctx.Exists(field) == exists;
}

internal enum CompareOp
{
    Lt,
    Lte,
    Gt,
    Gte,
    Eq,
}

internal sealed class NumberNode(int field, CompareOp op, double[] values, bool all, TimePart timePart = TimePart.None) : Node
{
    public override bool Eval(EvalContext ctx)
    {
        var strings = ctx.Strings(field);
        foreach (var value in values)
        {
            var hit = false;
            foreach (var s in strings)
            {
                if (TryNumber(s, timePart, out var n) && Compare(n, value))
                {
                    hit = true;
                    break;
                }
            }

            if (hit != all)
            {
                return hit;
            }
        }

        return all && strings.Length > 0;
    }

    private bool Compare(double n, double value) => op switch
    {
        CompareOp.Lt => n < value,
        CompareOp.Lte => n <= value,
        CompareOp.Gt => n > value,
        CompareOp.Gte => n >= value,
        _ => n == value,
    };

    private static bool TryNumber(string s, TimePart part, out double n)
    {
        if (part == TimePart.None)
        {
            return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out n);
        }

        n = 0;
        if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            return false;
        }

        n = part switch
        {
            TimePart.Minute => t.Minute,
            TimePart.Hour => t.Hour,
            TimePart.Day => t.Day,
            TimePart.Week => ISOWeek.GetWeekOfYear(t.UtcDateTime),
            TimePart.Month => t.Month,
            _ => t.Year,
        };
        return true;
    }
}

internal enum TimePart
{
    None,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

internal sealed class CidrNode(int field, IPNetwork[] networks, bool all) : Node
{
    public override bool Eval(EvalContext ctx)
    {
        var strings = ctx.Strings(field);
        foreach (var network in networks)
        {
            var hit = false;
            foreach (var s in strings)
            {
                if (IPAddress.TryParse(s, out var address) && Contains(network, address))
                {
                    hit = true;
                    break;
                }
            }

            if (hit != all)
            {
                return hit;
            }
        }

        return all && strings.Length > 0;
    }

    private static bool Contains(IPNetwork network, IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6 && network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            address = address.MapToIPv4();
        }

        return network.Contains(address);
    }
}

/// <summary><c>fieldref</c>: the field equals another field of the same event.</summary>
internal sealed class FieldRefNode(int field, int other, StringComparison comparison) : Node
{
    public override bool Eval(EvalContext ctx)
    {
        var others = ctx.Strings(other);
        foreach (var value in ctx.Strings(field))
        {
            foreach (var o in others)
            {
                if (string.Equals(value, o, comparison))
                {
                    return true;
                }
            }
        }

        return false;
    }
}

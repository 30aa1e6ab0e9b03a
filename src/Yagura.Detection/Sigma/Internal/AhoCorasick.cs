namespace Yagura.Detection.Sigma.Internal;

/// <summary>
/// Finds every occurrence of many literals in one pass over a value, ignoring case as OrdinalIgnoreCase does
/// (invariant upper case, one character at a time, so the value is never copied). Built once per rule group and field.
/// </summary>
/// <remarks>
/// Transitions are kept sparse (a sorted run of (char, target) pairs per node) with failure links; only the root has a
/// dense table, for ASCII. A full DFA over character classes was measured no faster and took ~460 MB for SigmaHQ's
/// Windows rules.
/// </remarks>
internal sealed class AhoCorasick
{
    private readonly int[] _rootAscii = new int[128];
    private readonly Dictionary<char, int> _rootOther = [];
    private readonly int[] _edgeStart;
    private readonly char[] _edgeChars;
    private readonly int[] _edgeTargets;
    private readonly int[] _fail;
    private readonly int[] _outputStart;
    private readonly int[] _outputs;

    public AhoCorasick(IReadOnlyList<string> patterns)
    {
        Lengths = [.. patterns.Select(p => p.Length)];
        var children = new List<SortedList<char, int>> { new() };
        var ends = new List<List<int>> { new() };
        for (var p = 0; p < patterns.Count; p++)
        {
            var node = 0;
            foreach (var raw in patterns[p])
            {
                var c = char.ToUpperInvariant(raw);
                if (!children[node].TryGetValue(c, out var next))
                {
                    next = children.Count;
                    children[node].Add(c, next);
                    children.Add(new());
                    ends.Add([]);
                }

                node = next;
            }

            ends[node].Add(p);
        }

        var count = children.Count;
        _fail = new int[count];
        var outputs = new List<int>[count];
        outputs[0] = ends[0];

        // Breadth first: a node's failure link points at a shallower node, whose outputs are final by then.
        var queue = new Queue<int>();
        foreach (var (_, child) in children[0])
        {
            queue.Enqueue(child);
            outputs[child] = ends[child];
        }

        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var (c, child) in children[node])
            {
                var f = _fail[node];
                while (f != 0 && !children[f].ContainsKey(c))
                {
                    f = _fail[f];
                }

                _fail[child] = children[f].TryGetValue(c, out var target) && target != child ? target : 0;
                outputs[child] = [.. ends[child], .. outputs[_fail[child]]];
                queue.Enqueue(child);
            }
        }

        _edgeStart = new int[count + 1];
        _edgeChars = new char[Math.Max(0, count - 1)];
        _edgeTargets = new int[Math.Max(0, count - 1)];
        _outputStart = new int[count + 1];
        var edges = 0;
        var outs = new List<int>();
        for (var n = 0; n < count; n++)
        {
            _edgeStart[n] = edges;
            foreach (var (c, child) in children[n])
            {
                _edgeChars[edges] = c;
                _edgeTargets[edges++] = child;
            }

            _outputStart[n] = outs.Count;
            outs.AddRange(outputs[n]);
        }

        _edgeStart[count] = edges;
        _outputStart[count] = outs.Count;
        _outputs = [.. outs];
        foreach (var (c, child) in children[0])
        {
            if (c < 128)
            {
                _rootAscii[c] = child;
            }
            else
            {
                _rootOther[c] = child;
            }
        }
    }

    /// <summary>Pattern lengths by pattern index, for the caller to place a match.</summary>
    public int[] Lengths { get; }

    /// <summary>Entries of the transition arrays (memory: six bytes each).</summary>
    public long TableSize => _edgeChars.LongLength;

    public delegate void FoundHandler<TState>(ref TState state, int pattern, int end);

    /// <summary>Calls <paramref name="found"/> with (pattern, end index exclusive) for every occurrence.</summary>
    public void Scan<TState>(string value, ref TState state, FoundHandler<TState> found)
    {
        var node = 0;
        var starts = _outputStart;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c >= 'a' && c <= 'z')
            {
                c = (char)(c & ~0x20);
            }
            else if (c >= 128)
            {
                c = char.ToUpperInvariant(c);
            }

            while (true)
            {
                var next = Step(node, c);
                if (next >= 0)
                {
                    node = next;
                    break;
                }

                if (node == 0)
                {
                    break;
                }

                node = _fail[node];
            }

            for (var o = starts[node]; o < starts[node + 1]; o++)
            {
                found(ref state, _outputs[o], i + 1);
            }
        }
    }

    private int Step(int node, char c)
    {
        if (node == 0)
        {
            return c < 128 ? (_rootAscii[c] is var t && t != 0 ? t : -1) : _rootOther.TryGetValue(c, out var o) ? o : -1;
        }

        var end = _edgeStart[node + 1];
        for (var e = _edgeStart[node]; e < end; e++)
        {
            if (_edgeChars[e] == c)
            {
                return _edgeTargets[e];
            }
        }

        return -1;
    }
}

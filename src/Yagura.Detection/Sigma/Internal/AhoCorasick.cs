using System.Runtime.CompilerServices;

namespace Yagura.Detection.Sigma.Internal;

/// <summary>
/// Finds every occurrence of many literals in one pass over a value, ignoring case as OrdinalIgnoreCase does
/// (invariant upper case, one character at a time, so the value is never copied). Built once per event field name.
/// </summary>
/// <remarks>
/// Characters are mapped to classes (one per character the patterns use; class 0 for every other character, which
/// sends the automaton back to its root). The shallow nodes, where a scan spends most of its time, have a full row of
/// transitions (failure links already followed), as many as fit in a budget of entries; deeper nodes keep
/// a record of four integers: their only child inline (most deep nodes have one: the rest of a long literal) or the
/// bounds of their run of (class, target) pairs, and a failure link, so that a step down a literal reads one cache
/// line. A full DFA over every node was measured no faster and took ~460 MB for SigmaHQ's Windows rules.
/// </remarks>
internal sealed class AhoCorasick
{
    /// <summary>Entries of the dense rows by default (four bytes each: 256 KiB). SigmaHQ's Windows rules, per event:
    /// 16 Ki to 256 Ki entries scanned in ~5.6 µs, one dense row (the root) in ~7 µs.</summary>
    public const int DefaultDenseBudget = 1 << 16;

    private readonly int[] _asciiClass = new int[128];
    private readonly Dictionary<char, int> _otherClass = [];
    private readonly int _classes;
    private readonly int _denseNodes;
    private readonly int[] _dense;
    private readonly int[] _nodes;
    private readonly int[] _edges;
    private readonly int[] _outputStart;
    private readonly int[] _outputs;

    /// <param name="patterns">The literals, numbered by their index.</param>
    /// <param name="denseBudget">At most this many entries of dense rows (at least the root has one).</param>
    public AhoCorasick(IReadOnlyList<string> patterns, int denseBudget = DefaultDenseBudget)
    {
        Lengths = [.. patterns.Select(p => p.Length)];

        // Character classes: the ASCII ones first, as only they have columns in the dense rows.
        var alphabet = patterns.SelectMany(p => p).Select(char.ToUpperInvariant).Distinct().OrderBy(c => c >= 128).ThenBy(c => c).ToList();
        _classes = alphabet.Count(c => c < 128) + 1;
        for (var i = 0; i < alphabet.Count; i++)
        {
            if (alphabet[i] < 128)
            {
                _asciiClass[alphabet[i]] = i + 1;
                if (alphabet[i] is >= 'A' and <= 'Z')
                {
                    _asciiClass[alphabet[i] | 0x20] = i + 1;
                }
            }
            else
            {
                _otherClass[alphabet[i]] = i + 1;
            }
        }

        // The trie, over character classes, in flat arrays (SigmaHQ's hashes make ~240,000 nodes): a node's children as a
        // list through firstChild/nextSibling, each child's class, and one table for finding a child by class.
        var childOf = new Dictionary<long, int>();
        var firstChild = new List<int> { -1 };
        var nextSibling = new List<int> { -1 };
        var classOfNode = new List<int> { 0 };
        var firstEnd = new List<int> { -1 };
        var nextEnd = new int[patterns.Count];
        long Key(int node, int c) => ((long)node << 32) | (uint)c;
        for (var p = 0; p < patterns.Count; p++)
        {
            var node = 0;
            foreach (var raw in patterns[p])
            {
                var c = ClassOf(char.ToUpperInvariant(raw));
                if (!childOf.TryGetValue(Key(node, c), out var next))
                {
                    next = firstChild.Count;
                    childOf[Key(node, c)] = next;
                    firstChild.Add(-1);
                    nextSibling.Add(firstChild[node]);
                    firstChild[node] = next;
                    classOfNode.Add(c);
                    firstEnd.Add(-1);
                }

                node = next;
            }

            nextEnd[p] = firstEnd[node];
            firstEnd[node] = p;
        }

        var count = firstChild.Count;
        int TrieChild(int node, int c) => childOf.TryGetValue(Key(node, c), out var child) ? child : -1;

        // Breadth first: a node's failure link points at a shallower node, whose outputs are final by then. Nodes are
        // renumbered in that order, so that the shallow ones come first and get the dense rows.
        var order = new int[count];
        var fail = new int[count];
        var outputCount = new int[count];
        var tail = 1;
        for (var head = 0; head < tail; head++)
        {
            var node = order[head];
            for (var child = firstChild[node]; child >= 0; child = nextSibling[child])
            {
                var c = classOfNode[child];
                var f = fail[node];
                while (node != 0 && f != 0 && TrieChild(f, c) < 0)
                {
                    f = fail[f];
                }

                fail[child] = node != 0 && TrieChild(f, c) is var target and >= 0 ? target : 0;
                outputCount[child] = outputCount[fail[child]];
                for (var e = firstEnd[child]; e >= 0; e = nextEnd[e])
                {
                    outputCount[child]++;
                }

                order[tail++] = child;
            }
        }

        var id = new int[count];
        for (var n = 0; n < count; n++)
        {
            id[order[n]] = n;
        }

        // A target with outputs is stored complemented (negative), so a step needs no other look-up to know it.
        int Target(int old) => outputCount[old] > 0 ? ~id[old] : id[old];
        _denseNodes = Math.Clamp(denseBudget / _classes, 1, count);
        _dense = new int[_denseNodes * _classes];
        _nodes = new int[count * NodeSize];
        var edges = new List<int>();
        _outputStart = new int[count + 1];
        for (var n = 0; n < count; n++)
        {
            _outputStart[n + 1] = _outputStart[n] + outputCount[order[n]];
        }

        _outputs = new int[_outputStart[count]];
        for (var n = 0; n < count; n++)
        {
            var old = order[n];
            var record = n * NodeSize;
            var only = firstChild[old] >= 0 && nextSibling[firstChild[old]] < 0;
            if (only)
            {
                _nodes[record] = 1;
                _nodes[record + 1] = classOfNode[firstChild[old]];
                _nodes[record + 2] = Target(firstChild[old]);
            }
            else
            {
                _nodes[record + 1] = edges.Count;
                for (var child = firstChild[old]; child >= 0; child = nextSibling[child])
                {
                    edges.Add(classOfNode[child]);
                    edges.Add(Target(child));
                }

                _nodes[record + 2] = edges.Count;
            }

            _nodes[record + 3] = id[fail[old]];

            // The node's own patterns, then its failure link's (a shallower node: already filled).
            var o = _outputStart[n];
            for (var e = firstEnd[old]; e >= 0; e = nextEnd[e])
            {
                _outputs[o++] = e;
            }

            var failed = id[fail[old]];
            Array.Copy(_outputs, _outputStart[failed], _outputs, o, _outputStart[failed + 1] - _outputStart[failed]);
            if (n < _denseNodes)
            {
                // The full row: the child for a class, or else where the failure link's row goes (already built, as
                // the failure link is shallower); class 0 and the root's missing children stay at the root.
                for (var c = 1; c < _classes; c++)
                {
                    _dense[(n * _classes) + c] = TrieChild(old, c) is var child and >= 0 ? Target(child) : n == 0 ? 0 : _dense[(id[fail[old]] * _classes) + c];
                }
            }
        }

        _edges = [.. edges];
    }

    private int ClassOf(char upper) => upper < 128 ? _asciiClass[upper] : _otherClass.GetValueOrDefault(upper);

    /// <summary>Pattern lengths by pattern index, for the caller to place a match.</summary>
    public int[] Lengths { get; }

    // A node's record: [0] 1 when it has a single child, [1] and [2] that child's class and target, or else the bounds
    // of its run of (class, target) pairs in _edges; [3] its failure link.
    private const int NodeSize = 4;

    /// <summary>The node's target for a class, or int.MinValue when it has no such child.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Child(int node, int c)
    {
        var record = node * NodeSize;
        var nodes = _nodes;
        if (nodes[record] == 1)
        {
            return nodes[record + 1] == c ? nodes[record + 2] : int.MinValue;
        }

        var edges = _edges;
        for (int e = nodes[record + 1], end = nodes[record + 2]; e < end; e += 2)
        {
            if (edges[e] == c)
            {
                return edges[e + 1];
            }
        }

        return int.MinValue;
    }

    public delegate void FoundHandler<TState>(ref TState state, int pattern, int end);

    /// <summary>Calls <paramref name="found"/> with (pattern, end index exclusive) for every occurrence.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Scan<TState>(string value, ref TState state, FoundHandler<TState> found)
    {
        var node = 0;
        var dense = _dense;
        var nodes = _nodes;
        var classes = _classes;
        var denseNodes = _denseNodes;
        var asciiClass = _asciiClass;
        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            var c = ch < 128 ? asciiClass[ch] : ClassOf(char.ToUpperInvariant(ch));
            if (c == 0)
            {
                // A character no pattern has: nothing in progress survives it.
                node = 0;
                continue;
            }

            int next;
            if (node < denseNodes && c < classes)
            {
                next = dense[(node * classes) + c];
            }
            else
            {
                // Sparse nodes, and the classes beyond ASCII (which dense rows have no column for), follow failure links
                // until a node has the child or the failure link reaches a dense node (or the root).
                while ((next = Child(node, c)) == int.MinValue && node != 0)
                {
                    node = nodes[(node * NodeSize) + 3];
                    if (node < denseNodes && c < classes)
                    {
                        next = dense[(node * classes) + c];
                        break;
                    }
                }

                if (next == int.MinValue)
                {
                    next = 0;
                }
            }

            if (next >= 0)
            {
                node = next;
                continue;
            }

            node = ~next;
            for (var o = _outputStart[node]; o < _outputStart[node + 1]; o++)
            {
                found(ref state, _outputs[o], i + 1);
            }
        }
    }
}

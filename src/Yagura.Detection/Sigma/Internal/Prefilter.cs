namespace Yagura.Detection.Sigma.Internal;

/// <summary>
/// Picks, for one event, the rules of a group that could match it, so that the cost per event grows with the rules
/// that could match and not with the rules loaded. For each rule, a set of literals is found such that the rule
/// cannot match unless the event holds one of them (at the start, the end, anywhere or as the whole value of a
/// field); all literals of a field are looked for in one pass of an Aho-Corasick automaton, over the fields the event
/// has. The same pass marks every literal a string matcher of the group is decided by (equals, startswith, endswith,
/// contains, ignoring case), so evaluating a candidate rule mostly reads marks. Rules without such a set (only
/// regular expressions, numbers, negations …) are always evaluated.
/// </summary>
internal sealed class Prefilter
{
    private const int MinExactLiteral = 3;
    private readonly FieldScan?[] _byField;
    private readonly FieldScan? _keywords;
    private readonly List<int>[] _atomRules;

    public Prefilter(IReadOnlyList<Node> rules)
    {
        var always = new List<int>();
        var atoms = new AtomTable();

        // Every literal a matcher is decided by gets an atom, so that evaluating the rules later reads marks. Except
        // one- and two-character literals ('-', ' /'): found all over every value, they cost the scan more than the
        // comparison they save (~20 % more events per CPU-second without them, SigmaHQ's Windows rules).
        foreach (var node in rules.SelectMany(Descendants).OfType<StringNode>().Distinct())
        {
            node.AtomIds = [.. node.Matchers.Select(m => m.Atom is { Exact: true, Text.Length: >= MinExactLiteral } atom ? atoms.IdOf(node.Field, atom) : -1)];
        }

        for (var r = 0; r < rules.Count; r++)
        {
            if (Necessary(rules[r]) is not { } needed)
            {
                always.Add(r);
                continue;
            }

            foreach (var (field, atom) in needed)
            {
                var list = atoms.RulesOf(atoms.IdOf(field, atom));
                if (list.Count == 0 || list[^1] != r)
                {
                    list.Add(r);
                }
            }
        }

        Always = [.. always];
        _atomRules = atoms.Rules;
        var scans = atoms.Scans();
        _byField = new FieldScan?[scans.Length == 0 ? 0 : scans.Max(f => f.Field) + 1];
        foreach (var scan in scans)
        {
            _byField[scan.Field] = scan;
        }

        _keywords = _byField.Length > FieldTable.AllValues ? _byField[FieldTable.AllValues] : null;
        AtomCount = _atomRules.Length;
    }

    private static IEnumerable<Node> Descendants(Node node) => node.Children.SelectMany(Descendants).Prepend(node);

    /// <summary>Rules evaluated for every event of the group.</summary>
    public int[] Always { get; }

    public int AtomCount { get; }

    /// <summary>Transitions of the automata (memory: about six bytes each).</summary>
    public long TableEntries => _byField.Sum(f => f?.Automaton.TableSize ?? 0);

    /// <summary>Adds the rules that could match the event to <paramref name="candidates"/> (each once).</summary>
    public void AddCandidates(EvalContext ctx, Stamps stamps, List<int> candidates)
    {
        var state = new ScanState(this, stamps, candidates);
        if (_keywords is { } keywords)
        {
            ScanField(ctx, keywords, ref state);
        }

        foreach (var field in ctx.Present)
        {
            if (field < _byField.Length && _byField[field] is { } scan)
            {
                ScanField(ctx, scan, ref state);
            }
        }
    }

    private static void ScanField(EvalContext ctx, FieldScan scan, ref ScanState state)
    {
        foreach (var value in ctx.Strings(scan.Field))
        {
            state.Value = value;
            state.Scan = scan;
            scan.Automaton.Scan(value, ref state, OnFound);
        }
    }

    private static void OnFound(ref ScanState state, int pattern, int end)
    {
        var length = state.Scan.Automaton.Lengths[pattern];
        foreach (var (place, atom) in state.Scan.PatternAtoms[pattern])
        {
            var holds = place switch
            {
                AtomPlace.Anywhere => true,
                AtomPlace.Start => end == length,
                AtomPlace.End => end == state.Value.Length,
                _ => end == length && end == state.Value.Length,
            };
            if (!holds || !state.Stamps.MarkAtom(atom))
            {
                continue;
            }

            foreach (var rule in state.Prefilter._atomRules[atom])
            {
                if (state.Stamps.MarkRule(rule))
                {
                    state.Candidates.Add(rule);
                }
            }
        }
    }

    /// <summary>
    /// Literals one of which every event the node matches must hold, or null when there is no such set. For an AND
    /// any child's set will do, and the most selective is taken; an OR needs a set from every child.
    /// </summary>
    internal static List<(int Field, LiteralAtom Atom)>? Necessary(Node node)
    {
        switch (node)
        {
            case StringNode s:
                var atoms = s.Matchers.Select(m => m.Atom).ToList();
                if (s.All)
                {
                    // Every matcher must hold, so any one's literal is necessary: the longest is the rarest.
                    return atoms.Where(a => a is not null).MaxBy(a => a!.Value.Text.Length) is { } best ? [(s.Field, best)] : null;
                }

                return atoms.All(a => a is not null) ? [.. atoms.Select(a => (s.Field, a!.Value))] : null;
            case AndNode and:
                return and.Children.Select(Necessary).Where(n => n is not null).MaxBy(Selectivity);
            case OrNode or:
                var union = new List<(int, LiteralAtom)>();
                foreach (var child in or.Children)
                {
                    if (Necessary(child) is not { } set)
                    {
                        return null;
                    }

                    union.AddRange(set);
                }

                return union;
            default:
                return null;
        }
    }

    // Longer literals are rarer; whole-value and edge matches are rarer than substrings of the same length.
    private static double Selectivity(List<(int Field, LiteralAtom Atom)>? set) =>
        set!.Min(a => a.Atom.Text.Length + (a.Atom.Place == AtomPlace.Anywhere ? 0 : 2)) - (0.01 * set!.Count);

    /// <summary>Atoms numbered by (field, place, literal), and per field the literals to look for.</summary>
    private sealed class AtomTable
    {
        private readonly Dictionary<(int Field, AtomPlace Place, string Text), int> _ids = [];
        private readonly List<List<int>> _rules = [];
        private readonly Dictionary<int, (List<string> Patterns, Dictionary<string, int> Index, List<List<(AtomPlace, int)>> Atoms)> _byField = [];

        public List<int>[] Rules => [.. _rules];

        public List<int> RulesOf(int atom) => _rules[atom];

        public int IdOf(int field, LiteralAtom atom)
        {
            var text = atom.Text.ToUpperInvariant();
            if (_ids.TryGetValue((field, atom.Place, text), out var id))
            {
                return id;
            }

            id = _rules.Count;
            _ids[(field, atom.Place, text)] = id;
            _rules.Add([]);
            if (!_byField.TryGetValue(field, out var scan))
            {
                _byField[field] = scan = ([], new Dictionary<string, int>(StringComparer.Ordinal), []);
            }

            if (!scan.Index.TryGetValue(text, out var pattern))
            {
                pattern = scan.Patterns.Count;
                scan.Index[text] = pattern;
                scan.Patterns.Add(text);
                scan.Atoms.Add([]);
            }

            scan.Atoms[pattern].Add((atom.Place, id));
            return id;
        }

        public FieldScan[] Scans() => [.. _byField.Select(f => new FieldScan(f.Key, new AhoCorasick(f.Value.Patterns), [.. f.Value.Atoms.Select(a => a.ToArray())]))];
    }

    private sealed record FieldScan(int Field, AhoCorasick Automaton, (AtomPlace Place, int Atom)[][] PatternAtoms);

    private struct ScanState(Prefilter prefilter, Stamps stamps, List<int> candidates)
    {
        public Prefilter Prefilter = prefilter;
        public Stamps Stamps = stamps;
        public List<int> Candidates = candidates;
        public string Value = "";
        public FieldScan Scan = null!;
    }

    /// <summary>Per-thread marks of the atoms and rules already seen for the current event.</summary>
    internal sealed class Stamps(Prefilter prefilter, int ruleCount)
    {
        private readonly int[] _atoms = new int[prefilter.AtomCount];
        private readonly int[] _rules = new int[ruleCount];
        private int _stamp;

        public void Next()
        {
            if (++_stamp == int.MaxValue)
            {
                Array.Clear(_atoms);
                Array.Clear(_rules);
                _stamp = 1;
            }
        }

        public bool MarkAtom(int atom) => Mark(_atoms, atom);

        public bool IsMarked(int atom) => _atoms[atom] == _stamp;

        public bool MarkRule(int rule) => Mark(_rules, rule);

        private bool Mark(int[] marks, int index)
        {
            if (marks[index] == _stamp)
            {
                return false;
            }

            marks[index] = _stamp;
            return true;
        }
    }
}

using System.Runtime.CompilerServices;

namespace Yagura.Detection.Sigma.Internal;

/// <summary>
/// Picks, for one event, the rules that could match it, so that the cost per event grows with the rules that could
/// match and not with the rules loaded. Rules come in sets (the log-source predicates, then each log source's rules).
/// For each rule, a set of literals is found such that the rule cannot match unless the event holds one of them (at
/// the start, the end, anywhere or as the whole value of a field). Each value of the event is scanned once, by one
/// Aho-Corasick automaton holding every literal of every field that reads the value's name, for all sets at once, and
/// the literals of keyword (unnamed) searches. The same pass marks every literal a string matcher is decided by
/// (equals, startswith, endswith, contains, ignoring case), so evaluating a candidate rule mostly reads marks. Rules
/// without such a set (only regular expressions, numbers, negations …) are always evaluated.
/// </summary>
internal sealed class Prefilter
{
    private const int MinExactLiteral = 3;
    private readonly int[] _setStart;
    private readonly int[] _ruleSet;
    private readonly int[][] _atomRules;

    /// <param name="sets">The rule sets; a rule is numbered by its index within its set.</param>
    /// <param name="fields">The fields the rules read: each event field name they read gets the scan for its value.</param>
    public Prefilter(IReadOnlyList<IReadOnlyList<Node>> sets, FieldTable fields)
    {
        var atoms = new AtomTable();

        // Every literal a matcher is decided by gets an atom, so that evaluating the rules later reads marks. Except
        // one- and two-character literals ('-', ' /'): found all over every value, they cost the scan more than the
        // comparison they save (~20 % more events per CPU-second without them, SigmaHQ's Windows rules).
        foreach (var node in sets.SelectMany(s => s).SelectMany(Descendants).OfType<StringNode>().Distinct())
        {
            node.AtomIds = [.. node.Matchers.Select(m => m.Atom is { Exact: true, Text.Length: >= MinExactLiteral } atom ? atoms.IdOf(node.Field, atom) : -1)];
        }

        var predicates = PredicateSelectivity(sets[0]);
        var rules = RuleSelectivity([.. sets.Skip(1).SelectMany(s => s)]);
        _setStart = new int[sets.Count + 1];
        Always = new int[sets.Count][];
        var ruleSet = new List<int>();
        for (var s = 0; s < sets.Count; s++)
        {
            var first = _setStart[s] = ruleSet.Count;
            var always = new List<int>();
            var selectivity = s == 0 ? predicates : rules;
            for (var r = 0; r < sets[s].Count; r++)
            {
                ruleSet.Add(s);
                if (Necessary(sets[s][r], selectivity) is not { } needed)
                {
                    always.Add(r);
                    continue;
                }

                foreach (var (field, atom) in needed)
                {
                    var list = atoms.RulesOf(atoms.IdOf(field, atom));
                    if (list.Count == 0 || list[^1] != first + r)
                    {
                        list.Add(first + r);
                    }
                }
            }

            Always[s] = [.. always];
        }

        _setStart[^1] = ruleSet.Count;
        _ruleSet = [.. ruleSet];
        _atomRules = [.. atoms.Rules.Select(r => r.ToArray())];
        atoms.AttachScans(fields);
    }

    /// <summary>Per set, the rules evaluated for every event.</summary>
    public int[][] Always { get; }

    public int AtomCount => _atomRules.Length;

    public int RuleCount => _ruleSet.Length;

    /// <summary>
    /// Scans the values of the event <paramref name="ctx"/> was reset to, marking in <paramref name="state"/> the
    /// literals found and the rules they make candidates.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Scan(EvalContext ctx, State state)
    {
        foreach (var name in ctx.PresentNames)
        {
            foreach (var atom in name.Presence)
            {
                Mark(state, atom);
            }
        }

        var scanState = new ScanState(this, ctx, state);
        foreach (var (scan, value, tally) in ctx.Scans)
        {
            scanState.Scan = scan;
            scanState.Value = value;
            var automaton = scan.Automaton;
            switch (value)
            {
                case string text:
                    scanState.Text = text;
                    ScanRemembering(ref scanState, text, tally is null ? null : state.Remember(text, tally));
                    break;
                case System.Collections.IList list:
                    foreach (var item in list)
                    {
                        if (item is not null)
                        {
                            scanState.Text = EvalContext.Format(item);
                            automaton.Scan(scanState.Text, ref scanState, OnFound);
                        }
                    }

                    break;
                default:
                    scanState.Text = EvalContext.Format(value);
                    automaton.Scan(scanState.Text, ref scanState, OnFound);
                    break;
            }
        }
    }

    /// <summary>
    /// Scans a value, or replays what the scan found when the thread has scanned the same value with the same scan before:
    /// most values repeat (image paths, channels, users, hosts), and a step through a large automaton costs 10–20 ns a
    /// character, far more than hashing the value. Command lines and scripts are too long to be remembered, and values of
    /// names whose values seldom repeat are not (<paramref name="remembered"/> is null): those are always scanned.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScanRemembering(ref ScanState state, string text, Remembered? remembered)
    {
        if (remembered is null)
        {
            state.Scan.Automaton.Scan(text, ref state, OnFound);
            return;
        }

        if (remembered.Find(state.Scan.Id) is { } found)
        {
            // (field, atom) pairs whose literal was found at its place: only whether the field reads this value depends
            // on the event.
            state.Marks.Replayed++;
            for (var i = 0; i < found.Length; i += 2)
            {
                MarkIfRead(ref state, found[i], found[i + 1]);
            }

            return;
        }

        var recording = state.Recording = state.Marks.Recording;
        recording.Clear();
        state.Scan.Automaton.Scan(text, ref state, OnFound);
        state.Recording = null;
        remembered.Add(state.Scan.Id, [.. recording]);
    }

    /// <summary>What one thread's scans found in a value: per scan, the (field, atom) pairs whose literal is at its place.</summary>
    internal sealed class Remembered
    {
        private int[] _scans = [];
        private int[][] _found = [];

        public int[]? Find(int scan)
        {
            var at = Array.IndexOf(_scans, scan);
            return at >= 0 ? _found[at] : null;
        }

        public void Add(int scan, int[] found)
        {
            _scans = [.. _scans, scan];
            _found = [.. _found, found];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OnFound(ref ScanState state, int pattern, int end)
    {
        var recording = state.Recording;
        var length = state.Scan.Automaton.Lengths[pattern];
        foreach (var (field, place, atom) in state.Scan.Outputs[pattern])
        {
            var holds = place switch
            {
                AtomPlace.Anywhere => true,
                AtomPlace.Start => end == length,
                AtomPlace.End => end == state.Text.Length,
                _ => end == length && end == state.Text.Length,
            };

            if (holds)
            {
                recording?.Add(field);
                recording?.Add(atom);
                MarkIfRead(ref state, field, atom);
            }
        }
    }

    // A field reads the value only when its name won among the field's candidate names in this event.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MarkIfRead(ref ScanState state, int field, int atom)
    {
        if (field == FieldTable.AllValues || ReferenceEquals(state.Context.Value(field), state.Value))
        {
            state.Prefilter.Mark(state.Marks, atom);
        }
    }

    /// <summary>Marks an atom found, and the rules it makes candidates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Mark(State marks, int atom)
    {
        if (!marks.MarkAtom(atom))
        {
            return;
        }

        foreach (var rule in _atomRules[atom])
        {
            if (marks.MarkRule(rule))
            {
                var set = _ruleSet[rule];
                marks.AddCandidate(set, rule - _setStart[set]);
            }
        }
    }

    private static IEnumerable<Node> Descendants(Node node) => node.Children.SelectMany(Descendants).Prepend(node);

    /// <summary>
    /// Literals one of which every event the node matches must hold, or null when there is no such set. For an AND
    /// any child's set will do, and the most selective is taken (by <paramref name="selectivity"/>); an OR needs a set
    /// from every child.
    /// </summary>
    private static List<(int Field, LiteralAtom Atom)>? Necessary(Node node, Func<List<(int Field, LiteralAtom Atom)>?, double> selectivity)
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
            case ExistsNode { Exists: true } e:
                return [(e.Field, new LiteralAtom(AtomPlace.Present, ""))];
            case AndNode and:
                return and.Children.Select(c => Necessary(c, selectivity)).Where(n => n is not null).MaxBy(selectivity);
            case OrNode or:
                var union = new List<(int, LiteralAtom)>();
                foreach (var child in or.Children)
                {
                    if (Necessary(child, selectivity) is not { } set)
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
    private static double LengthSelectivity(List<(int Field, LiteralAtom Atom)>? set) =>
        set!.Min(a => a.Atom.Text.Length + (a.Atom.Place == AtomPlace.Anywhere ? 0 : 2)) - (0.01 * set!.Count);

    /// <summary>
    /// For the rules: longer literals, and literals fewer rules share. A literal hundreds of rules hold (an image such
    /// as <c>\powershell.exe</c>) is in many events too: SigmaHQ's Windows rules, 12.2 → 10.4 rules evaluated per event.
    /// </summary>
    private static Func<List<(int Field, LiteralAtom Atom)>?, double> RuleSelectivity(IReadOnlyList<Node> rules)
    {
        var sharing = Sharing(rules);
        return set => LengthSelectivity(set) - Math.Log2(set!.Sum(a => sharing.GetValueOrDefault(Key(a.Field, a.Atom), 1)));
    }

    /// <summary>
    /// For the log-source predicates: a literal fewer predicates share is the better route. Sysmon's channel is in every
    /// Sysmon category's predicate, its event ids each in one or two; routing by the channel made every Sysmon event
    /// evaluate ~35 predicates, by the event id about 3.
    /// </summary>
    private static Func<List<(int Field, LiteralAtom Atom)>?, double> PredicateSelectivity(IReadOnlyList<Node> predicates)
    {
        var sharing = Sharing(predicates);
        return set => -set!.Sum(a => sharing.GetValueOrDefault(Key(a.Field, a.Atom), 1)) + (0.001 * LengthSelectivity(set));
    }

    /// <summary>How many of the nodes hold each literal, and each field's presence (<c>|exists: true</c>): Windows's
    /// channel is present in every Windows event, and routing its predicates by that made each event evaluate ~17 of
    /// them instead of ~3.</summary>
    private static Dictionary<(int, AtomPlace, string), int> Sharing(IReadOnlyList<Node> nodes) => nodes
        .SelectMany(p => Descendants(p).SelectMany(AtomsOf).Distinct())
        .CountBy(k => k)
        .ToDictionary(p => p.Key, p => p.Value);

    private static IEnumerable<(int, AtomPlace, string)> AtomsOf(Node node) => node switch
    {
        StringNode n => n.Matchers.Select(m => m.Atom).OfType<LiteralAtom>().Select(a => Key(n.Field, a)),
        ExistsNode { Exists: true } e => [Key(e.Field, new LiteralAtom(AtomPlace.Present, ""))],
        _ => [],
    };

    private static (int, AtomPlace, string) Key(int field, LiteralAtom atom) => (field, atom.Place, atom.Text.ToUpperInvariant());

    /// <summary>Atoms numbered by (field, place, literal), and the literals each event field name is scanned for.</summary>
    private sealed class AtomTable
    {
        private readonly Dictionary<(int Field, AtomPlace Place, string Text), int> _ids = [];
        private readonly Dictionary<int, List<(string Text, AtomPlace Place, int Atom)>> _byField = [];
        private readonly Dictionary<int, int> _presence = [];

        public List<List<int>> Rules { get; } = [];

        /// <summary>The scans made so far, numbered from 0.</summary>
        public int ScanCount { get; private set; }

        public List<int> RulesOf(int atom) => Rules[atom];

        public int IdOf(int field, LiteralAtom atom)
        {
            var text = atom.Text.ToUpperInvariant();
            if (_ids.TryGetValue((field, atom.Place, text), out var id))
            {
                return id;
            }

            id = Rules.Count;
            _ids[(field, atom.Place, text)] = id;
            Rules.Add([]);
            if (atom.Place == AtomPlace.Present)
            {
                _presence[field] = id;
            }
            else
            {
                (_byField.TryGetValue(field, out var literals) ? literals : _byField[field] = []).Add((text, atom.Place, id));
            }

            return id;
        }

        /// <summary>
        /// Gives each event field name rules read the scan for the literals of those fields, plus the keyword literals
        /// (which every value is searched for); names no rule reads get the keyword scan alone. Names read by the same
        /// fields share one scan.
        /// </summary>
        public void AttachScans(FieldTable fields)
        {
            var keywords = _byField.GetValueOrDefault(FieldTable.AllValues) ?? [];
            var shared = new Dictionary<string, NameScan?>(StringComparer.Ordinal);
            foreach (var name in fields.ByName.Values)
            {
                var readers = name.Readers.Select(r => r.Field).Where(f => f != FieldTable.AllValues && _byField.ContainsKey(f)).Distinct().Order().ToList();
                var key = string.Join(',', readers);
                if (!shared.TryGetValue(key, out var scan))
                {
                    var literals = readers.SelectMany(f => _byField[f].Select(l => (l.Text, Field: f, l.Place, l.Atom)))
                        .Concat(keywords.Select(l => (l.Text, Field: FieldTable.AllValues, l.Place, l.Atom)))
                        .ToList();
                    shared[key] = scan = literals.Count == 0 ? null : new NameScan(literals, ScanCount++);
                }

                name.Scan = scan;
                name.Presence = [.. name.Readers.Where(r => _presence.ContainsKey(r.Field)).Select(r => _presence[r.Field]).Distinct()];
            }

            fields.OtherNames = shared.GetValueOrDefault("") ?? (keywords.Count == 0 ? null
                : new NameScan([.. keywords.Select(l => (l.Text, FieldTable.AllValues, l.Place, l.Atom))], ScanCount++));
        }
    }

    /// <summary>The literals one event field name's values are searched for: its automaton is built on first use, as
    /// an event source usually spells its fields one way (flat, <c>Event.EventData.*</c>, <c>winlog.*</c> …).</summary>
    internal sealed class NameScan(List<(string Text, int Field, AtomPlace Place, int Atom)> literals, int id)
    {
        /// <summary>The scan's number, for per-thread state kept per scan.</summary>
        public int Id => id;

        private Built? _built;

        public AhoCorasick Automaton => Build().Automaton;

        /// <summary>Per pattern of the automaton, the atoms it stands for.</summary>
        public (int Field, AtomPlace Place, int Atom)[][] Outputs => Build().Outputs;

        private Built Build() => _built ?? LazyInitializer.EnsureInitialized(ref _built, () =>
        {
            var patterns = literals.GroupBy(l => l.Text, StringComparer.Ordinal).ToList();
            return new Built(
                new AhoCorasick([.. patterns.Select(p => p.Key)]),
                [.. patterns.Select(p => p.Select(l => (l.Field, l.Place, l.Atom)).ToArray())]);
        });

        private sealed record Built(AhoCorasick Automaton, (int Field, AtomPlace Place, int Atom)[][] Outputs);
    }

    private struct ScanState(Prefilter prefilter, EvalContext context, State marks)
    {
        public readonly Prefilter Prefilter = prefilter;
        public readonly EvalContext Context = context;
        public readonly State Marks = marks;
        public NameScan Scan = null!;
        public object Value = null!;
        public string Text = "";

        /// <summary>Where the scan records the (field, atom) pairs it finds at their place, to remember them (null: it
        /// does not).</summary>
        public List<int>? Recording;
    }

    /// <summary>Per-thread marks of the atoms found and the candidate rules of each set, for the current event.</summary>
    internal sealed class State
    {
        private readonly int[] _atoms;
        private readonly int[] _rules;
        private readonly List<int>[] _candidates;
        private readonly List<int> _touched = [];
        private int _stamp;

        public State(Prefilter prefilter)
        {
            _atoms = new int[prefilter.AtomCount];
            _rules = new int[prefilter.RuleCount];
            _candidates = [.. prefilter.Always.Select(_ => new List<int>())];
        }

        /// <summary>Values whose scan was replayed rather than run, for profiling.</summary>
        public long Replayed { get; set; }

        /// <summary>Values remembered now, for profiling.</summary>
        public int RememberedCount => _remembered.Count;

        /// <summary>A buffer for what one scan finds.</summary>
        public List<int> Recording { get; } = [];

        /// <summary>Values no longer than this are remembered with what the scans found in them.</summary>
        private const int MaxRemembered = 128;

        /// <summary>When this many values are remembered, they are all forgotten and remembering starts again.</summary>
        private const int MaxValues = 65_536;

        private readonly Dictionary<string, Remembered> _remembered = new(StringComparer.Ordinal);

        /// <summary>What the scans found in <paramref name="text"/> so far, or null when it is not to be remembered: too
        /// long, or the values of its name (<paramref name="tally"/>) seldom repeat.</summary>
        public Remembered? Remember(string text, RepeatTally tally)
        {
            if (text.Length > MaxRemembered || !tally.Keeps)
            {
                return null;
            }

            var repeated = _remembered.TryGetValue(text, out var remembered);
            tally.Note(repeated);
            if (!repeated)
            {
                if (_remembered.Count >= MaxValues)
                {
                    _remembered.Clear();
                }

                _remembered[text] = remembered = new();
            }

            return remembered;
        }

        /// <summary>Forgets the previous event.</summary>
        public void Next()
        {
            if (++_stamp == int.MaxValue)
            {
                Array.Clear(_atoms);
                Array.Clear(_rules);
                _stamp = 1;
            }

            foreach (var set in _touched)
            {
                _candidates[set].Clear();
            }

            _touched.Clear();
        }

        public bool MarkAtom(int atom) => Mark(_atoms, atom);

        public bool IsMarked(int atom) => _atoms[atom] == _stamp;

        public bool MarkRule(int rule) => Mark(_rules, rule);

        public void AddCandidate(int set, int rule)
        {
            var list = _candidates[set];
            if (list.Count == 0)
            {
                _touched.Add(set);
            }

            list.Add(rule);
        }

        /// <summary>The rules of <paramref name="set"/> to evaluate for this event, in order: those always evaluated
        /// and those the scan made candidates.</summary>
        public void Candidates(int[] always, int set, List<int> into)
        {
            into.Clear();
            into.AddRange(always);
            into.AddRange(_candidates[set]);
            into.Sort();
        }

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

/// <summary>
/// Whether the values of one event field name repeat enough to be remembered with what the prefilter found in them:
/// remembering a value that never comes again costs a look-up in a large table (a cache miss or two) for nothing. The
/// first <see cref="Trial"/> values are remembered; when fewer than half of them had been seen before (times, process
/// GUIDs, temporary file names), the name's values no longer are. Shared by threads: a count lost to a race only shifts
/// the trial, and once it is over nothing is written (no counter shared by every thread's every value).
/// </summary>
internal sealed class RepeatTally
{
    private const int Trial = 1024;
    private int _values;
    private int _repeated;

    public bool Keeps { get; private set; } = true;

    public void Note(bool repeated)
    {
        if (_values >= Trial)
        {
            return;
        }

        _repeated += repeated ? 1 : 0;
        if (++_values == Trial)
        {
            Keeps = _repeated * 2 >= Trial;
        }
    }
}

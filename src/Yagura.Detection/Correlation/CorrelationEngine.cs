using Yagura.Detection.Correlation.Internal;
using Yagura.Detection.Events;

namespace Yagura.Detection.Correlation;

/// <summary>
/// Runs Sigma correlation rules over the stream of base-rule matches, on event time only, so that replaying a stream
/// into a fresh engine gives the same alerts. Not thread-safe: one engine per detection worker.
/// </summary>
/// <remarks>
/// <para><b>Time.</b> Each rule keeps, per tenant, a watermark: the newest event time it has seen. Nothing reads the
/// wall clock. An event without a timestamp takes the newest event time the engine has seen for its tenant (the
/// Unix epoch before any), so it lands in the current window and never moves a clock. Windows that end while a
/// stream is idle are closed by <see cref="AdvanceTime(string, DateTimeOffset)"/>, which the host may call from its
/// own clock or at the end of a replay.</para>
/// <para><b>Two ways to evaluate.</b> A condition made only of <c>gt</c>/<c>gte</c> on a count, distinct count,
/// sum or number of matched rules (event_count, value_count, value_sum, temporal, temporal_ordered) is checked as
/// each event arrives, over a sliding window: the events of the group within the timespan before the watermark,
/// both ends included. That alerts on the event that makes the condition true, and catches bursts that straddle
/// any boundary. Every other condition (any <c>lt</c>, <c>lte</c>, <c>eq</c> or <c>neq</c>, and every value_avg and
/// value_percentile) is about a whole window: "fewer than 3 in an hour" is true after the first event and only
/// false later, and an average of the first event is no average. Those are evaluated once per window, when the
/// watermark passes its end (plus <see cref="CorrelationEngineOptions.AllowedLateness"/>), over fixed windows
/// aligned on the Unix epoch, [k·timespan, (k+1)·timespan) in UTC, as a Splunk <c>bin</c> would cut them. Fixed
/// windows make the result independent of arrival order within a window; a window only exists for a group that has
/// at least one event in it (so <c>lt: 3</c> means "one or two", never "none").</para>
/// <para><b>Firing.</b> A sliding window fires once, when the condition becomes true, and the group then starts
/// again empty: a burst of 25 failed logins against <c>gte: 10</c> gives two alerts (at the 10th and the 20th), not
/// sixteen, and a continuing attack keeps alerting at the rate it crosses the threshold. A fixed window fires at
/// most once, at its close.</para>
/// <para><b>Late and out-of-order events.</b> Events out of order within a window are counted where their time puts
/// them. An event is late, and only counted in <see cref="CorrelationRuleStatistics.LateEvents"/>, when it is older
/// than the timespan before the watermark (sliding) or when its window is already closed (fixed).</para>
/// <para><b>Memory.</b> Sliding state older than the timespan before the watermark is dropped (idle groups are
/// swept once per timespan of event time); a fixed window's state goes when it closes. Each rule also has limits on
/// groups and held events (<see cref="CorrelationEngineOptions"/>): reaching one evicts the least recently active
/// groups (by event time) down to 90 % of it, counts in <see cref="StateLimitHits"/>, and raises one
/// <see cref="CorrelationAlertKind.StateLimitReached"/> alert per rule per timespan of event time.</para>
/// <para><b>Grouping.</b> Groups are per tenant: a correlation never joins events of different tenants. Values are
/// grouped by their text. An event without one of the group-by fields, or without the field a value_* type reads,
/// does not take part. Aliases are resolved by the matching rule's name, then by its id.</para>
/// <para><b>Correlations of correlations.</b> A correlation's alert is fed to the correlations that reference it (by
/// id or name), as a match at its last-seen time carrying its group-by fields and the events behind it. Reference
/// cycles are refused (<see cref="Problems"/>).</para>
/// <para><b>generate.</b> As in pySigma, a rule referenced by a correlation whose <c>generate</c> is false (the
/// default) does not alert on its own: <see cref="SuppressesBaseAlerts"/> says so for base rules, and the engine
/// withholds such intermediate correlations' alerts itself while still feeding them upward.</para>
/// </remarks>
public sealed class CorrelationEngine
{
    private static readonly long UnixEpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    private static readonly Func<DetectionEvent, string, object?> FieldsByName =
        static (e, name) => e.Fields.TryGetValue(name, out var value) ? value : null;

    private static readonly List<(RuleState State, int Index)> NoTargets = [];

    private readonly CorrelationEngineOptions _options;
    private readonly Func<DetectionEvent, string, object?> _fieldValue;
    private readonly List<RuleState> _rules = [];
    private readonly Dictionary<string, RuleState> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(RuleState State, int Index)>> _byReference = new(StringComparer.Ordinal);
    private readonly HashSet<string> _suppressedReferences = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _tenantClocks = new(StringComparer.Ordinal);
    private readonly List<CorrelationRuleProblem> _problems = [];
    private long _seq;
    private List<CorrelationAlert>? _output;

    /// <param name="rules">The correlation rules, in the order their alerts should come out when several fire at once.</param>
    /// <param name="fieldValue">
    /// Reads a field of an event (the detection engine passes one that applies its field mapping); by default the
    /// event's <see cref="DetectionEvent.Fields"/> by exact name.
    /// </param>
    /// <param name="options">State limits; the defaults when null.</param>
    public CorrelationEngine(
        IEnumerable<CorrelationRule> rules,
        Func<DetectionEvent, string, object?>? fieldValue = null,
        CorrelationEngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _options = options ?? new CorrelationEngineOptions();
        _options.Validate();
        _fieldValue = fieldValue ?? FieldsByName;

        var accepted = new List<CorrelationRule>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var disabled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            ArgumentNullException.ThrowIfNull(rule);
            if (!keys.Add(rule.Key))
            {
                _problems.Add(new CorrelationRuleProblem(rule.Key, $"another correlation rule already uses '{rule.Key}' as its id, name or title", Disabled: true));
                continue;
            }

            accepted.Add(rule);
        }

        foreach (var rule in accepted)
        {
            if (OnReferenceCycle(rule, accepted))
            {
                _problems.Add(new CorrelationRuleProblem(rule.Key, "the rule is on a cycle of correlations referencing each other", Disabled: true));
                disabled.UnionWith(new[] { rule.Id, rule.Name }.OfType<string>());
                continue;
            }

            var state = new RuleState(rule, _rules.Count);
            _rules.Add(state);
            _byKey[rule.Key] = state;
        }

        Link(disabled);
    }

    /// <summary>Rules refused or warned about when the engine was built.</summary>
    public IReadOnlyList<CorrelationRuleProblem> Problems => _problems;

    /// <summary>How many times a rule's state limit forced evictions, over all rules (see <see cref="GetStatistics()"/> per rule).</summary>
    public long StateLimitHits { get; private set; }

    /// <summary>
    /// Feeds one base-rule match. <paramref name="ruleId"/> and <paramref name="ruleName"/> are the matching rule's
    /// id and name; correlations may reference either. Returns the alerts this event caused, which may include
    /// alerts of windows it closed and of correlations of correlations; empty when none.
    /// </summary>
    public IReadOnlyList<CorrelationAlert> Process(string ruleId, string? ruleName, DetectionEvent e)
    {
        ArgumentNullException.ThrowIfNull(ruleId);
        ArgumentNullException.ThrowIfNull(e);
        long ticks;
        if (e.Timestamp is { } timestamp)
        {
            ticks = timestamp.UtcTicks;
            AdvanceTenantClock(e.TenantId, ticks);
        }
        else
        {
            ticks = _tenantClocks.GetValueOrDefault(e.TenantId, UnixEpochTicks);
            AdvanceTenantClock(e.TenantId, ticks);
        }

        var targets = Targets(ruleId, ruleName);
        if (targets.Count == 0)
        {
            return [];
        }

        var observation = new Observation(e, null, e.TenantId, ticks, e.Id, null, 1, false);
        foreach (var (state, index) in targets)
        {
            Feed(state, index, ruleId, ruleName, observation);
        }

        return TakeOutput();
    }

    /// <summary>
    /// Moves the tenant's event time forward to <paramref name="eventTime"/> without an event, closing the windows
    /// that end by then. Returns the alerts they raise.
    /// </summary>
    public IReadOnlyList<CorrelationAlert> AdvanceTime(string tenantId, DateTimeOffset eventTime)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var ticks = eventTime.UtcTicks;
        AdvanceTenantClock(tenantId, ticks);
        foreach (var state in _rules)
        {
            if (state.Partitions.TryGetValue(tenantId, out var partition))
            {
                Advance(state, partition, ticks);
            }
        }

        return TakeOutput();
    }

    /// <summary><see cref="AdvanceTime(string, DateTimeOffset)"/> for every tenant seen so far, in tenant-id order.</summary>
    public IReadOnlyList<CorrelationAlert> AdvanceTime(DateTimeOffset eventTime)
    {
        var alerts = new List<CorrelationAlert>();
        foreach (var tenantId in _tenantClocks.Keys.Order(StringComparer.Ordinal).ToList())
        {
            alerts.AddRange(AdvanceTime(tenantId, eventTime));
        }

        return alerts;
    }

    /// <summary>Whether any correlation references the rule, so that the caller can skip <see cref="Process"/> for the others.</summary>
    public bool References(string ruleId, string? ruleName = null) =>
        _byReference.ContainsKey(ruleId) || (ruleName is not null && _byReference.ContainsKey(ruleName));

    /// <summary>
    /// True when the base rule must not raise its own alerts: a correlation with <c>generate: false</c> (the
    /// specification's default) references it by id or name.
    /// </summary>
    public bool SuppressesBaseAlerts(string ruleId, string? ruleName = null) =>
        _suppressedReferences.Contains(ruleId) || (ruleName is not null && _suppressedReferences.Contains(ruleName));

    /// <summary>Every running rule's statistics, in load order.</summary>
    public IReadOnlyList<CorrelationRuleStatistics> GetStatistics() => _rules.Select(Statistics).ToList();

    /// <summary>One rule's statistics by its <see cref="CorrelationRule.Key"/>; null when no such rule runs.</summary>
    public CorrelationRuleStatistics? GetStatistics(string ruleId) =>
        _byKey.TryGetValue(ruleId, out var state) ? Statistics(state) : null;

    private static CorrelationRuleStatistics Statistics(RuleState s) => new(
        s.Rule.Key, s.GroupCount, s.EntryCount, s.LateEvents, s.EventsWithoutGroupKey, s.EventsWithoutValue,
        s.StateLimitHits, s.EvictedGroups, s.DroppedEvents);

    /// <summary>
    /// Whether the rule's alerts would come back to it through correlations referencing each other (feeding itself
    /// forever). Rule sets are small (hundreds), so a search from each rule is cheap enough.
    /// </summary>
    private static bool OnReferenceCycle(CorrelationRule rule, List<CorrelationRule> rules)
    {
        var seen = new HashSet<CorrelationRule>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<CorrelationRule>();
        pending.Push(rule);
        while (pending.Count > 0)
        {
            var lower = pending.Pop();
            foreach (var upper in rules)
            {
                if (!References(upper, lower))
                {
                    continue;
                }

                if (ReferenceEquals(upper, rule))
                {
                    return true;
                }

                if (seen.Add(upper))
                {
                    pending.Push(upper);
                }
            }
        }

        return false;
    }

    private static bool References(CorrelationRule upper, CorrelationRule lower) =>
        upper.Rules.Any(r => r == lower.Id || r == lower.Name);

    /// <summary>Resolves references: to running correlations (fed internally) or to base rules (fed by <see cref="Process"/>).</summary>
    private void Link(HashSet<string> disabled)
    {
        foreach (var upper in _rules)
        {
            var rule = upper.Rule;
            for (var index = 0; index < rule.Rules.Count; index++)
            {
                var reference = rule.Rules[index];
                var lower = _rules.FirstOrDefault(l => l != upper && (l.Rule.Id == reference || l.Rule.Name == reference));
                if (lower is not null)
                {
                    if (!lower.Uppers.Any(u => u.Upper == upper))
                    {
                        lower.Uppers.Add((upper, index));
                    }

                    lower.Suppressed |= !rule.Generate;
                }
                else if (!disabled.Contains(reference))
                {
                    if (!_byReference.TryGetValue(reference, out var list))
                    {
                        _byReference[reference] = list = [];
                    }

                    list.Add((upper, index));
                    if (!rule.Generate)
                    {
                        _suppressedReferences.Add(reference);
                    }
                }
            }

            if (rule.Type == CorrelationType.EventCount && upper.Immediate
                && rule.Condition.Bounds.Any(b => b.Threshold >= _options.MaxEventsPerRule))
            {
                _problems.Add(new CorrelationRuleProblem(rule.Key, $"the threshold reaches MaxEventsPerRule ({_options.MaxEventsPerRule}), so the condition can only be met if the limit is raised", Disabled: false));
            }
        }
    }

    private List<(RuleState State, int Index)> Targets(string ruleId, string? ruleName)
    {
        _byReference.TryGetValue(ruleId, out var byId);
        List<(RuleState State, int Index)>? byName = null;
        if (ruleName is not null && ruleName != ruleId)
        {
            _byReference.TryGetValue(ruleName, out byName);
        }

        if (byName is null)
        {
            return byId ?? NoTargets;
        }

        if (byId is null)
        {
            return byName;
        }

        // Referenced by id in some rules and by name in others (or both in one): each rule once, at its first listing.
        var merged = new List<(RuleState State, int Index)>(byId);
        foreach (var target in byName)
        {
            var at = merged.FindIndex(m => m.State == target.State);
            if (at < 0)
            {
                merged.Add(target);
            }
            else if (target.Index < merged[at].Index)
            {
                merged[at] = target;
            }
        }

        merged.Sort(static (a, b) => a.State.Order.CompareTo(b.State.Order));
        return merged;
    }

    private void Feed(RuleState state, int index, string ruleId, string? ruleName, Observation observation)
    {
        var rule = state.Rule;
        if (!state.Partitions.TryGetValue(observation.TenantId, out var partition))
        {
            state.Partitions[observation.TenantId] = partition = new Partition(observation.TenantId, observation.Ticks);
        }

        Advance(state, partition, observation.Ticks);
        var late = state.Immediate
            ? observation.Ticks < partition.Watermark - state.SpanTicks
            : CloseTicks(state, BucketStart(state, observation.Ticks)) <= partition.Watermark;
        if (late)
        {
            state.LateEvents++;
            return;
        }

        var key = GroupKeyOf(rule, observation, ruleId, ruleName);
        if (key is null)
        {
            state.EventsWithoutGroupKey++;
            return;
        }

        double number = 0;
        string? text = null;
        if (rule.Type == CorrelationType.ValueCount)
        {
            text = DistinctValueOf(rule, observation, ruleId, ruleName);
            if (text is null)
            {
                state.EventsWithoutValue++;
                return;
            }
        }
        else if (rule.Type is CorrelationType.ValueSum or CorrelationType.ValueAvg or CorrelationType.ValuePercentile)
        {
            var field = rule.ResolveField(rule.Condition.Fields[0], ruleId, ruleName);
            if (FieldValues.Number(observation.Field(field, _fieldValue)) is not { } value)
            {
                state.EventsWithoutValue++;
                return;
            }

            number = value;
        }

        var group = GroupFor(state, partition, key, observation.Ticks);
        var entry = new Entry(observation.Ticks, ++_seq, index, observation.EventId, observation.EventIds,
            observation.EventCount, observation.IdsTruncated, number, text);
        group.Insert(entry);
        state.EntryCount++;
        if (state.Immediate)
        {
            group.AddToAggregates(entry);
        }

        EnforceEventLimit(state, partition, group, observation.Ticks);
        if (state.Immediate)
        {
            EvaluateSliding(state, partition, group);
        }
        else
        {
            ScheduleClose(state, partition, group, BucketStart(state, observation.Ticks));
        }
    }

    private GroupKey? GroupKeyOf(CorrelationRule rule, Observation observation, string ruleId, string? ruleName)
    {
        var values = new string[rule.GroupBy.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var field = rule.ResolveField(rule.GroupBy[i], ruleId, ruleName);
            if (FieldValues.Text(observation.Field(field, _fieldValue)) is not { } text)
            {
                return null;
            }

            values[i] = text;
        }

        return new GroupKey(observation.TenantId, values);
    }

    /// <summary>The value value_count counts; with several fields, their values together (all must be present).</summary>
    private string? DistinctValueOf(CorrelationRule rule, Observation observation, string ruleId, string? ruleName)
    {
        var fields = rule.Condition.Fields;
        if (fields.Count == 1)
        {
            return FieldValues.Text(observation.Field(rule.ResolveField(fields[0], ruleId, ruleName), _fieldValue));
        }

        var parts = new string[fields.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            if (FieldValues.Text(observation.Field(rule.ResolveField(fields[i], ruleId, ruleName), _fieldValue)) is not { } text)
            {
                return null;
            }

            parts[i] = text;
        }

        // A control character no field value is expected to hold keeps ("a b", "c") apart from ("a", "b c").
        return string.Join('\u001F', parts);
    }

    /// <summary>Moves a rule's clock for one tenant forward: closes fixed windows that end, sweeps expired sliding state.</summary>
    private void Advance(RuleState state, Partition partition, long ticks)
    {
        if (ticks <= partition.Watermark)
        {
            return;
        }

        partition.Watermark = ticks;
        if (state.Immediate)
        {
            if (ticks - partition.LastSweep >= state.SpanTicks)
            {
                Sweep(state, partition);
            }

            return;
        }

        while (partition.Closes.TryPeek(out var due, out var at) && at.CloseTicks <= ticks)
        {
            partition.Closes.Dequeue();
            if (!due.Group.Evicted)
            {
                CloseWindow(state, partition, due.Group, due.BucketStart);
            }
        }
    }

    /// <summary>Drops sliding-window events older than the timespan before the watermark, and the groups left empty.</summary>
    private static void Sweep(RuleState state, Partition partition)
    {
        partition.LastSweep = partition.Watermark;
        var cutoff = partition.Watermark - state.SpanTicks;
        List<Group>? empty = null;
        foreach (var group in partition.Groups.Values)
        {
            var expired = group.LowerBound(cutoff);
            group.RemoveFront(expired, aggregates: true);
            state.EntryCount -= expired;
            if (group.Entries.Count == 0)
            {
                (empty ??= []).Add(group);
            }
        }

        foreach (var group in empty ?? [])
        {
            partition.Groups.Remove(group.Key);
            state.GroupCount--;
        }
    }

    private void EvaluateSliding(RuleState state, Partition partition, Group group)
    {
        var expired = group.LowerBound(partition.Watermark - state.SpanTicks);
        group.RemoveFront(expired, aggregates: true);
        state.EntryCount -= expired;

        var rule = state.Rule;
        double value = rule.Type switch
        {
            CorrelationType.EventCount => group.Entries.Count,
            CorrelationType.ValueCount => group.DistinctCounts?.Count ?? 0,
            CorrelationType.ValueSum => group.Sum,
            CorrelationType.Temporal => group.DistinctRules,
            _ => Measures.OrderedRuleCount(group.Entries, 0, group.Entries.Count, rule.Rules.Count),
        };
        if (!rule.Condition.IsSatisfiedBy(value))
        {
            return;
        }

        var alert = MatchAlert(state, group, 0, group.Entries.Count, value);
        partition.Groups.Remove(group.Key);
        state.GroupCount--;
        state.EntryCount -= group.Entries.Count;
        Emit(state, alert);
    }

    private void ScheduleClose(RuleState state, Partition partition, Group group, long bucketStart)
    {
        if (group.OpenBuckets.Contains(bucketStart))
        {
            return;
        }

        group.OpenBuckets.Add(bucketStart);
        partition.Closes.Enqueue((group, bucketStart), (CloseTicks(state, bucketStart), ++_seq));
    }

    private void CloseWindow(RuleState state, Partition partition, Group group, long bucketStart)
    {
        group.OpenBuckets.Remove(bucketStart);
        var start = group.LowerBound(bucketStart);
        var end = group.LowerBound(SaturatingAdd(bucketStart, state.SpanTicks));
        CorrelationAlert? alert = null;
        if (end > start)
        {
            var value = Measures.Compute(state.Rule, group.Entries, start, end);
            if (state.Rule.Condition.IsSatisfiedBy(value))
            {
                alert = MatchAlert(state, group, start, end, value);
            }

            group.Entries.RemoveRange(start, end - start);
            state.EntryCount -= end - start;
        }

        if (group.Entries.Count == 0 && group.OpenBuckets.Count == 0)
        {
            partition.Groups.Remove(group.Key);
            state.GroupCount--;
        }

        if (alert is not null)
        {
            Emit(state, alert);
        }
    }

    /// <summary>The start of the fixed window holding <paramref name="ticks"/>: windows are aligned on the Unix epoch.</summary>
    private static long BucketStart(RuleState state, long ticks)
    {
        var offset = ticks - UnixEpochTicks;
        var index = offset / state.SpanTicks;
        if (offset < 0 && offset % state.SpanTicks != 0)
        {
            index--;
        }

        return UnixEpochTicks + (index * state.SpanTicks);
    }

    private long CloseTicks(RuleState state, long bucketStart) =>
        SaturatingAdd(SaturatingAdd(bucketStart, state.SpanTicks), _options.AllowedLateness.Ticks);

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private Group GroupFor(RuleState state, Partition partition, GroupKey key, long ticks)
    {
        if (partition.Groups.TryGetValue(key, out var group))
        {
            return group;
        }

        var max = _options.MaxGroupsPerRule;
        if (state.GroupCount >= max)
        {
            // Expired groups go first. Unless that frees a tenth of the limit, the least recently active go too: each
            // full pass over the groups then buys room for a tenth of the limit, so a flood of new keys costs
            // amortised constant time per key instead of a pass per key.
            var keep = Math.Min(max - (max / 10), max - 1);
            SweepAll(state);
            if (state.GroupCount > keep)
            {
                EvictLeastRecent(state, except: null, () => state.GroupCount <= keep);
                StateLimitHit(state, partition, ticks, $"group limit ({max} groups)", max);
            }
        }

        group = new Group(key, ++_seq, state.Rule.Type, state.Rule.Rules.Count);
        partition.Groups.Add(key, group);
        state.GroupCount++;
        return group;
    }

    private void EnforceEventLimit(RuleState state, Partition partition, Group current, long ticks)
    {
        var max = _options.MaxEventsPerRule;
        if (state.EntryCount <= max)
        {
            return;
        }

        // As for groups: a pass over the rule's state must free a tenth of the limit, by expiry or by eviction.
        var keep = max - (max / 10);
        SweepAll(state);
        if (state.EntryCount <= keep)
        {
            return;
        }

        EvictLeastRecent(state, current, () => state.EntryCount <= keep);
        if (state.EntryCount > keep)
        {
            // The current group alone holds too much: lose its oldest events, not the group.
            var cut = Math.Min(state.EntryCount - keep, current.Entries.Count - 1);
            current.RemoveFront(cut, state.Immediate);
            state.EntryCount -= cut;
            state.DroppedEvents += cut;
        }

        StateLimitHit(state, partition, ticks, $"event limit ({max} events)", max);
    }

    private static void SweepAll(RuleState state)
    {
        if (!state.Immediate)
        {
            // Fixed windows hold nothing expired: each one's state goes when it closes.
            return;
        }

        foreach (var partition in state.Partitions.Values)
        {
            Sweep(state, partition);
        }
    }

    /// <summary>Evicts groups, least recently active by event time first, until <paramref name="enough"/>.</summary>
    private static void EvictLeastRecent(RuleState state, Group? except, Func<bool> enough)
    {
        var candidates = state.Partitions.Values
            .SelectMany(p => p.Groups.Values)
            .Where(g => g != except)
            .OrderBy(g => g.NewestTicks)
            .ThenBy(g => g.Seq)
            .ToList();
        foreach (var group in candidates)
        {
            if (enough())
            {
                break;
            }

            var partition = state.Partitions[group.Key.TenantId];
            partition.Groups.Remove(group.Key);
            group.Evicted = true;
            state.GroupCount--;
            state.EntryCount -= group.Entries.Count;
            state.DroppedEvents += group.Entries.Count;
            state.EvictedGroups++;
        }

        foreach (var partition in state.Partitions.Values)
        {
            // Evicted groups leave their scheduled closes behind; without this a flood of new keys would grow the
            // queue past every limit.
            if (partition.Closes.Count > (2 * partition.Groups.Count) + 64)
            {
                var live = partition.Closes.UnorderedItems.Where(i => !i.Element.Group.Evicted).ToList();
                partition.Closes.Clear();
                partition.Closes.EnqueueRange(live);
            }
        }
    }

    private void StateLimitHit(RuleState state, Partition partition, long ticks, string reason, int limit)
    {
        state.StateLimitHits++;
        StateLimitHits++;
        if (ticks < state.LimitAlertUntil)
        {
            return;
        }

        state.LimitAlertUntil = SaturatingAdd(ticks, state.SpanTicks);
        var rule = state.Rule;
        var time = new DateTimeOffset(ticks, TimeSpan.Zero);
        Output.Add(new CorrelationAlert(
            CorrelationAlertKind.StateLimitReached, rule.Key, rule.Title, rule.Name, rule.Level, rule.Type,
            partition.TenantId, [], [], false, 0, time, time, limit,
            $"correlation state limit reached: {reason}; least recently active groups evicted, matches may be missed"));
    }

    private CorrelationAlert MatchAlert(RuleState state, Group group, int start, int end, double value)
    {
        var rule = state.Rule;
        var entries = group.Entries;
        var cap = _options.MaxEventIdsPerAlert;
        var ids = new List<long>(Math.Min(cap, end - start));
        // An event can come twice: matched by two referenced rules, or directly and through a lower correlation.
        var listed = new HashSet<long>();
        var truncated = false;
        long total = 0;
        for (var i = start; i < end; i++)
        {
            var entry = entries[i];
            total += entry.EventCount;
            truncated |= entry.IdsTruncated;
            if (entry.EventIds is null)
            {
                AddId(entry.EventId);
            }
            else
            {
                foreach (var id in entry.EventIds)
                {
                    AddId(id);
                }
            }
        }

        var groupKey = new KeyValuePair<string, string>[rule.GroupBy.Count];
        for (var i = 0; i < groupKey.Length; i++)
        {
            groupKey[i] = new(rule.GroupBy[i], group.Key.Values[i]);
        }

        return new CorrelationAlert(
            CorrelationAlertKind.Match, rule.Key, rule.Title, rule.Name, rule.Level, rule.Type, group.Key.TenantId,
            groupKey, ids.ToArray(), truncated, total,
            new DateTimeOffset(entries[start].Ticks, TimeSpan.Zero), new DateTimeOffset(entries[end - 1].Ticks, TimeSpan.Zero),
            value);

        void AddId(long id)
        {
            // Every event has its own id (stored events their spool position, offline events their index), 0 included.
            if (!listed.Add(id))
            {
                return;
            }

            if (ids.Count < cap)
            {
                ids.Add(id);
            }
            else
            {
                truncated = true;
            }
        }
    }

    /// <summary>Outputs a match alert (unless withheld by generate) and feeds it to the correlations referencing its rule.</summary>
    private void Emit(RuleState state, CorrelationAlert alert)
    {
        if (!state.Suppressed)
        {
            Output.Add(alert);
        }

        if (state.Uppers.Count == 0)
        {
            return;
        }

        var fields = new Dictionary<string, string>(alert.GroupKey.Count, StringComparer.Ordinal);
        foreach (var (name, value) in alert.GroupKey)
        {
            fields[name] = value;
        }

        var observation = new Observation(null, fields, alert.TenantId, alert.LastSeen.UtcTicks, 0,
            alert.EventIds as long[] ?? [.. alert.EventIds], alert.EventCount, alert.EventIdsTruncated);
        var rule = state.Rule;
        foreach (var (upper, index) in state.Uppers)
        {
            Feed(upper, index, rule.Id ?? rule.Key, rule.Name, observation);
        }
    }

    private void AdvanceTenantClock(string tenantId, long ticks)
    {
        if (!_tenantClocks.TryGetValue(tenantId, out var clock) || ticks > clock)
        {
            _tenantClocks[tenantId] = ticks;
        }
    }

    private List<CorrelationAlert> Output => _output ??= [];

    private IReadOnlyList<CorrelationAlert> TakeOutput()
    {
        IReadOnlyList<CorrelationAlert>? output = _output;
        _output = null;
        return output ?? Array.Empty<CorrelationAlert>();
    }
}

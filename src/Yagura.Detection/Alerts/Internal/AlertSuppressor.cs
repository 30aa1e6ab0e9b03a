using Yagura.Core.Alerts;

namespace Yagura.Detection.Alerts.Internal;

/// <summary>
/// Open suppression windows. The first alert of a tenant, rule and group key opens one at its time (its last seen: the
/// event's time, or when a correlation fired); a later alert of the same key whose time is at most the window after
/// that is counted into it instead of standing alone. Decided on event time only, so a replay of the same events
/// decides the same way, whatever the batches. Not thread-safe.
/// </summary>
/// <remarks>
/// Memory is bounded twice. A window no alert has joined for longer than its length, measured on the times Yagura
/// received the events (one clock for every source, so a source whose own clock lags does not lose its windows), is
/// dropped by a sweep that runs once as many windows were opened as half of those open (constant time per alert on
/// average). And at most <see cref="SuppressionOptions.MaxOpenWindows"/> are held: beyond it the least recently joined
/// is closed early and counted in <see cref="Evictions"/>.
/// </remarks>
internal sealed class AlertSuppressor(SuppressionOptions options)
{
    private readonly Dictionary<(string Tenant, string Rule, string? GroupKey), LinkedListNode<Window>> _open = [];

    // Least recently joined first: the next to be evicted.
    private readonly LinkedList<Window> _byActivity = new();
    private readonly List<Window> _changed = [];
    private DateTimeOffset _newestReceived = DateTimeOffset.MinValue;
    private int _openedSinceSweep;

    /// <summary>Windows closed early because <see cref="SuppressionOptions.MaxOpenWindows"/> were open.</summary>
    public long Evictions { get; private set; }

    public int OpenWindows => _open.Count;

    /// <summary>
    /// Takes an alert raised from an event received at <paramref name="received"/>: it opens a window of
    /// <paramref name="window"/>, is counted into the open one of its key, or (a zero window) stands alone.
    /// </summary>
    public void Add(Alert alert, TimeSpan window, DateTimeOffset received)
    {
        if (window <= TimeSpan.Zero)
        {
            _changed.Add(new Window(alert, window, received, options.MaxEventIdsPerAlert));
            return;
        }

        if (received > _newestReceived)
        {
            _newestReceived = received;
        }

        var key = (alert.TenantId, alert.RuleId, alert.GroupKey);
        if (_open.TryGetValue(key, out var node))
        {
            var open = node.Value;
            if (alert.LastSeen - open.Opened <= open.Length)
            {
                open.Join(alert, received, options.MaxEventIdsPerAlert);
                _byActivity.Remove(node);
                _byActivity.AddLast(node);
                Changed(open);
                return;
            }

            Close(node);
        }

        if (_openedSinceSweep * 2 >= _open.Count)
        {
            Sweep();
        }

        if (_open.Count >= options.MaxOpenWindows)
        {
            Close(_byActivity.First!);
            Evictions++;
        }

        var opened = new Window(alert, window, received, options.MaxEventIdsPerAlert);
        _open[key] = _byActivity.AddLast(opened);
        _openedSinceSweep++;
        Changed(opened);
    }

    /// <summary>
    /// Adds every alert opened or joined since the last call, once each, in its latest state (after a fault in the
    /// middle of a batch, what it raised comes with the next one).
    /// </summary>
    public void Flush(List<Alert> alerts)
    {
        foreach (var window in _changed)
        {
            alerts.Add(window.ToAlert());
            window.Changed = false;
        }

        _changed.Clear();
    }

    private void Changed(Window window)
    {
        if (!window.Changed)
        {
            window.Changed = true;
            _changed.Add(window);
        }
    }

    private void Sweep()
    {
        _openedSinceSweep = 0;
        for (var node = _byActivity.First; node is not null;)
        {
            var next = node.Next;
            if (_newestReceived - node.Value.LastReceived > node.Value.Length)
            {
                Close(node);
            }

            node = next;
        }
    }

    private void Close(LinkedListNode<Window> node)
    {
        var window = node.Value;
        _open.Remove((window.First.TenantId, window.First.RuleId, window.First.GroupKey));
        _byActivity.Remove(node);
    }

    /// <summary>One open window: the alert that opened it, and what the alerts that joined it added.</summary>
    private sealed class Window
    {
        private readonly List<long> _eventIds;
        private int _count;
        private DateTimeOffset _firstSeen;
        private DateTimeOffset _lastSeen;

        public Window(Alert first, TimeSpan length, DateTimeOffset received, int maxEventIds)
        {
            First = first;
            Length = length;
            Opened = first.LastSeen;
            LastReceived = received;
            _eventIds = [.. first.EventIds.Take(maxEventIds)];
            _count = first.Count;
            _firstSeen = first.FirstSeen;
            _lastSeen = first.LastSeen;
        }

        public Alert First { get; }

        public TimeSpan Length { get; }

        public DateTimeOffset Opened { get; }

        public DateTimeOffset LastReceived { get; private set; }

        /// <summary>Whether the window is waiting in the list of alerts to flush.</summary>
        public bool Changed { get; set; }

        public void Join(Alert alert, DateTimeOffset received, int maxEventIds)
        {
            // The count stays exact when the list of ids is full.
            _eventIds.AddRange(alert.EventIds.Take(maxEventIds - _eventIds.Count));
            _count = (int)Math.Min((long)_count + alert.Count, int.MaxValue);
            _firstSeen = alert.FirstSeen < _firstSeen ? alert.FirstSeen : _firstSeen;
            _lastSeen = alert.LastSeen > _lastSeen ? alert.LastSeen : _lastSeen;
            LastReceived = received > LastReceived ? received : LastReceived;
        }

        public Alert ToAlert() => _count == First.Count && _eventIds.Count == First.EventIds.Count
            ? First
            : First with { EventIds = [.. _eventIds], Count = _count, FirstSeen = _firstSeen, LastSeen = _lastSeen };
    }
}

namespace Yagura.Storage.Sqlite.Internal;

/// <summary>
/// A set of Bloom keys for one block: open addressing over the keys themselves (they are already well mixed), so an
/// add is a probe or two with no hashing or bucket chains; about three times cheaper than <c>HashSet&lt;ulong&gt;</c>.
/// </summary>
internal sealed class KeySet
{
    private ulong[] _slots = new ulong[1024];
    private ulong[] _items = new ulong[512];
    private int _count;
    private bool _hasZero;

    public int Count => _count;

    /// <summary>The distinct keys, in the order first added.</summary>
    public ReadOnlySpan<ulong> Items => _items.AsSpan(0, _count);

    public void Clear()
    {
        if (_count > 0)
        {
            Array.Clear(_slots);
            _count = 0;
            _hasZero = false;
        }
    }

    public void Add(ulong key)
    {
        if (key == 0)
        {
            // 0 marks an empty slot, so the key 0 is tracked on its own.
            if (!_hasZero)
            {
                _hasZero = true;
                Append(0);
            }

            return;
        }

        var slots = _slots;
        var mask = slots.Length - 1;
        var i = (int)(key >> 32) & mask;
        while (true)
        {
            var slot = slots[i];
            if (slot == key)
            {
                return;
            }

            if (slot == 0)
            {
                slots[i] = key;
                Append(key);
                if (_count * 2 > slots.Length)
                {
                    Grow();
                }

                return;
            }

            i = (i + 1) & mask;
        }
    }

    private void Append(ulong key)
    {
        if (_count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[_count++] = key;
    }

    private void Grow()
    {
        var slots = new ulong[_slots.Length * 2];
        var mask = slots.Length - 1;
        foreach (var key in Items)
        {
            if (key == 0)
            {
                continue;
            }

            var i = (int)(key >> 32) & mask;
            while (slots[i] != 0)
            {
                i = (i + 1) & mask;
            }

            slots[i] = key;
        }

        _slots = slots;
    }
}

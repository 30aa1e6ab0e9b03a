using System.Collections.Frozen;
using System.Numerics;

namespace Yagura.Detection.Ioc.Internal;

/// <summary>
/// Addresses and networks of one family (IPv4 as <see cref="uint"/>, IPv6 as <see cref="UInt128"/>). Networks are kept
/// in one hash set per prefix length, holding their masked addresses, so finding every network that holds an address
/// costs one lookup per prefix length in use (at most 33 or 129), however many networks are listed.
/// </summary>
internal sealed class AddressTable<T>
    where T : struct, IBinaryInteger<T>
{
    private readonly FrozenDictionary<T, IocEntry[]> _addresses;
    private readonly (T Mask, FrozenDictionary<T, IocEntry[]> Networks)[] _networks;

    private AddressTable(FrozenDictionary<T, IocEntry[]> addresses, (T Mask, FrozenDictionary<T, IocEntry[]> Networks)[] networks)
    {
        _addresses = addresses;
        _networks = networks;
    }

    public IocEntry[]? Address(T address) => _addresses.TryGetValue(address, out var bucket) ? bucket : null;

    /// <summary>The number of prefix lengths in use, for <see cref="Network"/>.</summary>
    public int PrefixCount => _networks.Length;

    public IocEntry[]? Network(int prefixIndex, T address)
    {
        var (mask, networks) = _networks[prefixIndex];
        return networks.TryGetValue(address & mask, out var bucket) ? bucket : null;
    }

    public sealed class Builder
    {
        private readonly Dictionary<T, List<IocEntry>> _addresses = [];
        private readonly SortedDictionary<int, Dictionary<T, List<IocEntry>>> _networks = [];

        public void AddAddress(T address, IocEntry entry) => IocEntry.AddTo(_addresses, address, entry);

        public void AddNetwork(T network, int prefix, IocEntry entry)
        {
            if (!_networks.TryGetValue(prefix, out var networks))
            {
                _networks[prefix] = networks = [];
            }

            IocEntry.AddTo(networks, network, entry);
        }

        public AddressTable<T> Build()
        {
            var width = T.Zero.GetByteCount() * 8;
            var networks = _networks
                .Select(n => (Mask: n.Key == 0 ? T.Zero : T.AllBitsSet << (width - n.Key), Networks: IocEntry.Freeze(n.Value)))
                .ToArray();
            return new AddressTable<T>(IocEntry.Freeze(_addresses), networks);
        }
    }
}

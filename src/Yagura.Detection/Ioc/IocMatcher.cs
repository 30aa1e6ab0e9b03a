using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;

using Yagura.Core.Text;
using Yagura.Detection.Events;
using Yagura.Detection.Ioc.Internal;

namespace Yagura.Detection.Ioc;

/// <summary>
/// Finds the indicators of many lists in events. Built once per set of lists (rebuild it when a list changes); then
/// every lookup is a hash lookup: exact addresses, URLs and hashes directly, domains once per label suffix
/// (<c>a.b.evil.com</c>, <c>b.evil.com</c>, <c>evil.com</c> …), networks once per prefix length in use.
/// Safe to use from many threads at once.
/// </summary>
public sealed partial class IocMatcher
{
    private const int AddressTypes = (1 << (int)IocType.Ip) | (1 << (int)IocType.Cidr);
    private const int DomainType = 1 << (int)IocType.Domain;
    private const int UrlType = 1 << (int)IocType.Url;
    private const int HashTypes = (1 << (int)IocType.Md5) | (1 << (int)IocType.Sha1) | (1 << (int)IocType.Sha256);

    // URLs longer than this are normalised in a pooled buffer instead of on the stack.
    private const int StackUrlLength = 512;

    private readonly (string Field, int Types)[] _fields;
    private readonly FrozenDictionary<string, int> _typesByField;
    private readonly AddressTable<uint> _v4;
    private readonly AddressTable<UInt128> _v6;
    private readonly FrozenDictionary<string, IocEntry[]>.AlternateLookup<ReadOnlySpan<char>> _domains;
    private readonly FrozenDictionary<string, IocEntry[]>.AlternateLookup<ReadOnlySpan<char>> _urls;
    private readonly FrozenDictionary<string, IocEntry[]>.AlternateLookup<ReadOnlySpan<char>> _hashes;

    /// <param name="lists">The lists to match; an indicator in several lists gives a hit for each.</param>
    /// <param name="fields">
    /// Which event fields are checked for which type of indicator; <see cref="DefaultFields"/> when null. A field
    /// checked for IPs, CIDRs or domains may also hold a URL, whose host is then what is checked.
    /// </param>
    public IocMatcher(IEnumerable<IocList> lists, IReadOnlyDictionary<IocType, IReadOnlyList<string>>? fields = null)
    {
        ArgumentNullException.ThrowIfNull(lists);
        var v4 = new AddressTable<uint>.Builder();
        var v6 = new AddressTable<UInt128>.Builder();
        var domains = new Dictionary<string, List<IocEntry>>(StringComparer.Ordinal);
        var urls = new Dictionary<string, List<IocEntry>>(StringComparer.Ordinal);
        var hashes = new Dictionary<string, List<IocEntry>>(StringComparer.Ordinal);
        var typesInUse = 0;
        foreach (var list in lists)
        {
            foreach (var indicator in list.Indicators)
            {
                var entry = new IocEntry(indicator, list.Name);
                switch (indicator.Type)
                {
                    case IocType.Ip or IocType.Cidr:
                        AddAddress(entry, v4, v6);
                        break;
                    case IocType.Domain:
                        IocEntry.AddTo(domains, indicator.Value, entry);
                        break;
                    case IocType.Url:
                        IocEntry.AddTo(urls, indicator.Value, entry);
                        break;
                    default:
                        IocEntry.AddTo(hashes, indicator.Value, entry);
                        break;
                }

                typesInUse |= 1 << (int)indicator.Type;
                Count++;
            }
        }

        _v4 = v4.Build();
        _v6 = v6.Build();

        // Indicator values are already normalised (lower-case); ignoring case here spares lower-casing event values.
        _domains = IocEntry.Freeze(domains, StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        _hashes = IocEntry.Freeze(hashes, StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        _urls = IocEntry.Freeze(urls, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        _fields = FieldsToCheck(fields ?? DefaultFields, typesInUse);
        _typesByField = _fields.ToFrozenDictionary(f => f.Field, f => f.Types, StringComparer.Ordinal);
    }

    /// <summary>How many indicators the lists held.</summary>
    public int Count { get; }

    /// <summary>
    /// The indicators found in <paramref name="e"/>'s fields, each with the field and value it was found in.
    /// Indicators that expired before <paramref name="now"/> are not reported.
    /// </summary>
    public IReadOnlyList<IocHit> Match(DetectionEvent e, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(e);
        List<IocHit>? hits = null;

        // Looking a name up costs about the same either way, so walk whichever side has fewer names: a small event's
        // own fields, or the fields to check for a large one. Only a Dictionary (for its struct enumerator) and the
        // fields of an event read from JSON are walked.
        if (e.Fields is FieldList list && list.Count < _fields.Length)
        {
            for (var i = 0; i < list.Count; i++)
            {
                var name = list.NameAt(i).Name;
                if (_typesByField.TryGetValue(name, out var types))
                {
                    MatchField(name, types, list.ValueAt(i), now, ref hits);
                }
            }
        }
        else if (e.Fields is Dictionary<string, object?> fields && fields.Count < _fields.Length)
        {
            foreach (var (field, value) in fields)
            {
                if (_typesByField.TryGetValue(field, out var types))
                {
                    MatchField(field, types, value, now, ref hits);
                }
            }
        }
        else
        {
            foreach (var (field, types) in _fields)
            {
                if (e.Fields.TryGetValue(field, out var value))
                {
                    MatchField(field, types, value, now, ref hits);
                }
            }
        }

        return hits is null ? Array.Empty<IocHit>() : hits;
    }

    private void MatchField(string field, int types, object? value, DateTimeOffset now, ref List<IocHit>? hits)
    {
        switch (value)
        {
            case string text:
                MatchValue(field, types, text, now, ref hits);
                break;
            case List<object?> items:
                foreach (var item in items)
                {
                    if (item is string itemText)
                    {
                        MatchValue(field, types, itemText, now, ref hits);
                    }
                }

                break;
            case IEnumerable items:
                foreach (var item in items)
                {
                    if (item is string itemText)
                    {
                        MatchValue(field, types, itemText, now, ref hits);
                    }
                }

                break;
        }
    }

    private void MatchValue(string field, int types, string value, DateTimeOffset now, ref List<IocHit>? hits)
    {
        var text = value.AsSpan().Trim();
        if (text.IsEmpty)
        {
            return;
        }

        var isUrl = text.Contains("://", StringComparison.Ordinal);
        UrlParts url = default;
        var urlParsed = isUrl && UrlParts.TryParse(text, out url);
        if ((types & UrlType) != 0 && urlParsed)
        {
            MatchUrl(text, url, field, types, value, now, ref hits);
        }

        if ((types & (AddressTypes | DomainType)) != 0 && (!isUrl || urlParsed))
        {
            var host = isUrl ? text.Slice(url.HostStart, url.HostLength) : text;
            MatchHost(host.TrimEnd('.'), field, types, value, now, ref hits);
        }

        if ((types & HashTypes) != 0 && !isUrl)
        {
            MatchHashes(text, field, types, value, now, ref hits);
        }
    }

    private void MatchHost(ReadOnlySpan<char> host, string field, int types, string value, DateTimeOffset now, ref List<IocHit>? hits)
    {
        if (DottedQuad.TryParse(host, out var v4))
        {
            MatchAddress(_v4, v4, field, types, value, now, ref hits);
            return;
        }

        if (host.Contains(':'))
        {
            // Only IPv6 is parsed by the BCL here: it allocates, and IPv4 (the common case) is parsed above without.
            if ((types & AddressTypes) != 0 && IPAddress.TryParse(host, out var address)
                && address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                Span<byte> bytes = stackalloc byte[16];
                address.TryWriteBytes(bytes, out _);
                if (address.IsIPv4MappedToIPv6)
                {
                    MatchAddress(_v4, BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]), field, types, value, now, ref hits);
                }
                else
                {
                    MatchAddress(_v6, BinaryPrimitives.ReadUInt128BigEndian(bytes), field, types, value, now, ref hits);
                }
            }

            return;
        }

        if ((types & DomainType) == 0)
        {
            return;
        }

        var name = host;
        while (true)
        {
            if (_domains.TryGetValue(name, out var bucket))
            {
                Emit(bucket, field, types, value, now, ref hits);
            }

            var dot = name.IndexOf('.');
            if (dot < 0)
            {
                return;
            }

            name = name[(dot + 1)..];
        }
    }

    private static void MatchAddress<T>(AddressTable<T> table, T address, string field, int types, string value, DateTimeOffset now, ref List<IocHit>? hits)
        where T : struct, System.Numerics.IBinaryInteger<T>
    {
        if ((types & (1 << (int)IocType.Ip)) != 0 && table.Address(address) is { } exact)
        {
            Emit(exact, field, types, value, now, ref hits);
        }

        if ((types & (1 << (int)IocType.Cidr)) == 0)
        {
            return;
        }

        for (var i = 0; i < table.PrefixCount; i++)
        {
            if (table.Network(i, address) is { } networks)
            {
                Emit(networks, field, types, value, now, ref hits);
            }
        }
    }

    private void MatchUrl(ReadOnlySpan<char> text, UrlParts url, string field, int types, string value, DateTimeOffset now, ref List<IocHit>? hits)
    {
        var length = UrlParts.MaxNormalisedLength(text);
        char[]? rented = null;
        var buffer = length <= StackUrlLength ? stackalloc char[StackUrlLength] : (rented = ArrayPool<char>.Shared.Rent(length));
        if (_urls.TryGetValue(buffer[..url.Normalise(text, buffer)], out var bucket))
        {
            Emit(bucket, field, types, value, now, ref hits);
        }

        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// A hash field holds one hash, or a list of them such as Sysmon's <c>SHA1=…,MD5=…,SHA256=…,IMPHASH=…</c>. A part
    /// named after another algorithm (IMPHASH is 32 hex digits too) is skipped, so it cannot pass for an MD5.
    /// </summary>
    private void MatchHashes(ReadOnlySpan<char> text, string field, int types, string value, DateTimeOffset now, ref List<IocHit>? hits)
    {
        foreach (var range in text.Split(','))
        {
            var part = text[range].Trim();
            IocType? named = null;
            var equals = part.IndexOf('=');
            if (equals >= 0)
            {
                named = IndicatorText.HashAlgorithm(part[..equals].Trim());
                if (named is null)
                {
                    continue;
                }

                part = part[(equals + 1)..].Trim();
            }

            if (IndicatorText.HashType(part) is { } type && (named is null || named == type) && (types & (1 << (int)type)) != 0
                && _hashes.TryGetValue(part, out var bucket))
            {
                Emit(bucket, field, types, value, now, ref hits);
            }
        }
    }

    private static void Emit(IocEntry[] bucket, string field, int types, string value, DateTimeOffset now, ref List<IocHit>? hits)
    {
        foreach (var entry in bucket)
        {
            var indicator = entry.Indicator;
            if ((types & (1 << (int)indicator.Type)) == 0 || indicator.IsExpired(now))
            {
                continue;
            }

            (hits ??= []).Add(new IocHit(indicator.Value, indicator.Type, entry.Source, entry.List, field, value, indicator.Description));
        }
    }

    private static void AddAddress(IocEntry entry, AddressTable<uint>.Builder v4, AddressTable<UInt128>.Builder v6)
    {
        var indicator = entry.Indicator;
        IPAddress address;
        var prefix = -1;
        if (indicator.Type == IocType.Cidr)
        {
            if (!IndicatorText.TryParseCidr(indicator.Value, out address, out prefix))
            {
                throw new InvalidOperationException($"Indicator '{indicator.Value}' was normalised but does not read back as a network.");
            }
        }
        else if (!IndicatorText.TryParseAddress(indicator.Value, out address))
        {
            throw new InvalidOperationException($"Indicator '{indicator.Value}' was normalised but does not read back as an address.");
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        if (written == 4)
        {
            var key = BinaryPrimitives.ReadUInt32BigEndian(bytes);
            if (prefix < 0)
            {
                v4.AddAddress(key, entry);
            }
            else
            {
                v4.AddNetwork(key, prefix, entry);
            }
        }
        else
        {
            var key = BinaryPrimitives.ReadUInt128BigEndian(bytes);
            if (prefix < 0)
            {
                v6.AddAddress(key, entry);
            }
            else
            {
                v6.AddNetwork(key, prefix, entry);
            }
        }
    }

    /// <summary>
    /// Inverts the map to field → types, in a stable order, keeping only the types some list has: with no URL lists
    /// loaded, URL fields cost nothing.
    /// </summary>
    private static (string Field, int Types)[] FieldsToCheck(IReadOnlyDictionary<IocType, IReadOnlyList<string>> map, int typesInUse)
    {
        var fields = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var type in Enum.GetValues<IocType>())
        {
            var bit = 1 << (int)type;
            if ((typesInUse & bit) == 0 || !map.TryGetValue(type, out var names))
            {
                continue;
            }

            foreach (var name in names)
            {
                fields[name] = fields.GetValueOrDefault(name) | bit;
            }
        }

        return [.. fields.Select(f => (f.Key, f.Value))];
    }
}

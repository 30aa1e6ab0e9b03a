using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Yagura.Detection.Ioc.Internal;

/// <summary>Reads list files line by line; a bad line becomes an <see cref="IocLoadError"/> and reading goes on.</summary>
internal static class IocFileReader
{
    private static readonly string[] IndicatorColumns = ["indicator", "value", "ioc"];
    private static readonly string[] ExpiresColumns = ["expires", "expiry"];

    /// <summary>
    /// Type names as people and feeds write them (MISP's <c>ip-dst</c>, STIX's <c>domain-name</c> …); null means
    /// "detect it", which is also what <c>hash</c> means since the length tells the algorithm.
    /// </summary>
    private static readonly FrozenDictionary<string, IocType?> TypeNames = new Dictionary<string, IocType?>
    {
        ["ip"] = IocType.Ip, ["ipv4"] = IocType.Ip, ["ipv6"] = IocType.Ip, ["ip-src"] = IocType.Ip, ["ip-dst"] = IocType.Ip,
        ["ipv4-addr"] = IocType.Ip, ["ipv6-addr"] = IocType.Ip, ["address"] = IocType.Ip,
        ["cidr"] = IocType.Cidr, ["network"] = IocType.Cidr, ["subnet"] = IocType.Cidr,
        ["domain"] = IocType.Domain, ["domain-name"] = IocType.Domain, ["hostname"] = IocType.Domain, ["host"] = IocType.Domain,
        ["fqdn"] = IocType.Domain,
        ["url"] = IocType.Url, ["uri"] = IocType.Url,
        ["md5"] = IocType.Md5,
        ["sha1"] = IocType.Sha1, ["sha-1"] = IocType.Sha1,
        ["sha256"] = IocType.Sha256, ["sha-256"] = IocType.Sha256,
        ["hash"] = null, ["filehash"] = null, ["file-hash"] = null,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static void ReadText(TextReader reader, string file, List<IocIndicator> indicators, List<IocLoadError> errors)
    {
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var text = line.AsSpan().Trim();
            if (text.IsEmpty || text[0] == '#')
            {
                continue;
            }

            // Blocklists often put a comment after the indicator ("192.0.2.0/24 ; SBL123", "evil.com  # phishing");
            // indicators hold no white space, so the first word is the indicator and the rest describes it.
            var end = text.IndexOfAny(' ', '\t');
            var value = end < 0 ? text : text[..end];
            var rest = end < 0 ? default : text[end..].TrimStart().TrimStart("#;").Trim();
            var description = rest.IsEmpty ? null : rest.ToString();
            if (IocIndicator.TryCreate(value.ToString(), null, null, null, description, out var indicator, out var error))
            {
                indicators.Add(indicator!);
            }
            else
            {
                errors.Add(new IocLoadError(file, number, error));
            }
        }
    }

    public static void ReadCsv(TextReader reader, string file, List<IocIndicator> indicators, List<IocLoadError> errors)
    {
        var number = 0;
        var fields = new List<string>();
        Columns? columns = null;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.AsSpan().Trim().IsEmpty || line.AsSpan().TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (!TrySplit(line, fields, out var splitError))
            {
                errors.Add(new IocLoadError(file, number, splitError));
                continue;
            }

            if (columns is null)
            {
                columns = Columns.FromHeader(fields);
                if (columns.Indicator < 0)
                {
                    errors.Add(new IocLoadError(file, number,
                        $"the header row names no indicator column ({string.Join(", ", IndicatorColumns)}); no line of the file was read"));
                    return;
                }

                continue;
            }

            if (fields.TrueForAll(static f => f.Length == 0))
            {
                continue;
            }

            if (TryReadRow(fields, columns, out var indicator, out var error))
            {
                indicators.Add(indicator!);
            }
            else
            {
                errors.Add(new IocLoadError(file, number, error));
            }
        }
    }

    private static bool TryReadRow(List<string> fields, Columns columns, out IocIndicator? indicator, out string error)
    {
        indicator = null;
        var value = Columns.Get(fields, columns.Indicator);
        if (value is null)
        {
            error = "empty indicator";
            return false;
        }

        IocType? type = null;
        if (Columns.Get(fields, columns.Type) is { } typeName)
        {
            if (!TryParseTypeName(typeName, out type))
            {
                error = $"unknown indicator type '{typeName}' (ip, cidr, domain, url, md5, sha1, sha256 or hash)";
                return false;
            }
        }

        DateTimeOffset? expires = null;
        if (Columns.Get(fields, columns.Expires) is { } expiresText)
        {
            if (!TryParseExpiry(expiresText, out var time))
            {
                error = $"'{expiresText}' is not an ISO 8601 date (2026-12-31) or date-time (2026-12-31T23:00:00Z)";
                return false;
            }

            expires = time;
        }

        return IocIndicator.TryCreate(value, type, expires, Columns.Get(fields, columns.Source), Columns.Get(fields, columns.Description),
            out indicator, out error);
    }

    /// <summary>
    /// Type names as people and feeds write them (MISP's <c>ip-dst</c>, STIX's <c>domain-name</c> …); null means
    /// "detect it", which is also what <c>hash</c> means since the length tells the algorithm.
    /// </summary>
    internal static bool TryParseTypeName(string name, out IocType? type) => TypeNames.TryGetValue(name.Trim(), out type);

    /// <summary>
    /// ISO 8601 only, so <c>01/02/2026</c> is an error rather than a guess. A date alone means the whole of that day
    /// (UTC); a date-time without an offset is UTC.
    /// </summary>
    internal static bool TryParseExpiry(string text, out DateTimeOffset expires)
    {
        expires = default;
        var span = text.AsSpan().Trim();
        if (span.Length < 10 || span[4] != '-' || span[7] != '-')
        {
            return false;
        }

        if (span.Length == 10)
        {
            if (!DateTime.TryParseExact(span, "yyyy-MM-dd", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
            {
                return false;
            }

            expires = new DateTimeOffset(date, TimeSpan.Zero).AddDays(1).AddTicks(-1);
            return true;
        }

        return span[10] is 'T' or 't' or ' '
            && DateTimeOffset.TryParse(span, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out expires);
    }

    /// <summary>
    /// Splits one CSV line (RFC 4180 quoting: <c>"a, b"</c>, <c>""</c> for a quote). A quoted field cannot go on to
    /// the next line: indicators never need that, and it keeps a stray quote from swallowing the rest of the file.
    /// </summary>
    internal static bool TrySplit(string line, List<string> fields, out string error)
    {
        fields.Clear();
        error = "";
        var field = new StringBuilder();
        var i = 0;
        while (true)
        {
            field.Clear();
            while (i < line.Length && line[i] is ' ' or '\t')
            {
                i++;
            }

            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        error = "unterminated quoted field";
                        return false;
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(line[i++]);
                }

                while (i < line.Length && line[i] is ' ' or '\t')
                {
                    i++;
                }

                if (i < line.Length && line[i] != ',')
                {
                    error = $"text after a closing quote at column {i + 1}";
                    return false;
                }

                fields.Add(field.ToString());
            }
            else
            {
                var comma = line.IndexOf(',', i);
                var end = comma < 0 ? line.Length : comma;
                fields.Add(line.AsSpan(i, end - i).Trim().ToString());
                i = end;
            }

            if (i >= line.Length)
            {
                return true;
            }

            i++; // past the comma
        }
    }

    private sealed class Columns
    {
        public int Indicator { get; private init; } = -1;

        public int Type { get; private init; } = -1;

        public int Source { get; private init; } = -1;

        public int Expires { get; private init; } = -1;

        public int Description { get; private init; } = -1;

        public static Columns FromHeader(List<string> header)
        {
            int Find(string[] names) => header.FindIndex(h => Array.Exists(names, n => h.Trim().Equals(n, StringComparison.OrdinalIgnoreCase)));

            return new Columns
            {
                Indicator = Find(IndicatorColumns),
                Type = Find(["type"]),
                Source = Find(["source"]),
                Expires = Find(ExpiresColumns),
                Description = Find(["description"]),
            };
        }

        /// <summary>The trimmed cell, or null when the column is absent, the row too short, or the cell empty.</summary>
        public static string? Get(List<string> row, int column)
        {
            if (column < 0 || column >= row.Count)
            {
                return null;
            }

            var value = row[column].Trim();
            return value.Length == 0 ? null : value;
        }
    }
}

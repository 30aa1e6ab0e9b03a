using System.CommandLine;

using Yagura.Core.Search;
using Yagura.Core.Tenancy;

namespace Yagura.Cli.Commands;

internal static class CommonOptions
{
    public static Option<string> Data() => new("--data")
    {
        Description = "The data directory (default ./data)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("YAGURA_DATA") ?? "./data",
    };

    public static Option<string?> Tenant() => new("--tenant")
    {
        Description = "Only this tenant (default: every tenant; the local data directory is an administrator's view)",
    };

    /// <summary>
    /// The <c>--from</c>, <c>--to</c> and <c>--limit</c> the listing commands share, or null once the error is printed.
    /// </summary>
    public static (DateTimeOffset? From, DateTimeOffset? To, int Limit)? ReadWindow(ParseResult parse, Option<string?> from, Option<string?> to, Option<int> limit)
    {
        var now = TimeProvider.System.GetUtcNow();
        DateTimeOffset? fromTime = null, toTime = null;
        if (parse.GetValue(from) is { } f)
        {
            if (!QueryEvaluator.TryParseTime(f, now, out var t))
            {
                Fail($"--from '{f}' is not a time (ISO 8601 such as 2026-11-01T00:00:00Z, or now-1h)");
                return null;
            }

            fromTime = t;
        }

        if (parse.GetValue(to) is { } tt)
        {
            if (!QueryEvaluator.TryParseTime(tt, now, out var t))
            {
                Fail($"--to '{tt}' is not a time (ISO 8601 such as 2026-11-01T00:00:00Z, or now)");
                return null;
            }

            toTime = t;
        }

        var max = parse.GetValue(limit);
        if (max is < 1 or > 10_000)
        {
            Fail("--limit must be from 1 to 10000");
            return null;
        }

        return (fromTime, toTime, max);
    }

    /// <summary>
    /// The data directory (it must exist) and the tenant scope (<c>--tenant</c>, or every tenant) the reading commands
    /// share, or null once the error is printed.
    /// </summary>
    public static (string Root, TenantScope Scope)? ReadScope(ParseResult parse, Option<string> data, Option<string?> tenant)
    {
        var root = Path.GetFullPath(parse.GetValue(data)!);
        if (!Directory.Exists(root))
        {
            Fail($"no data directory at {root}");
            return null;
        }

        var tenantId = parse.GetValue(tenant);
        if (tenantId is not null && !Yagura.Core.Tenancy.Tenant.IsValidId(tenantId))
        {
            Fail($"'{tenantId}' is not a valid tenant id");
            return null;
        }

        return (root, tenantId is null ? TenantScope.AllTenants : TenantScope.Only(tenantId));
    }

    /// <summary>Prints an error for the operator (no stack trace) and returns the exit code for it.</summary>
    public static int Fail(string message)
    {
        Console.Error.WriteLine($"yagura: {message}");
        return 2;
    }
}

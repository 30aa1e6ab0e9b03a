using System.CommandLine;
using Yagura.Core.Tenancy;
using Yagura.Storage.Sqlite;
using Yagura.Storage.Sqlite.Tenancy;

namespace Yagura.Cli.Commands;

/// <summary><c>yagura tenant create|list</c>.</summary>
internal static class TenantCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var id = new Option<string>("--id") { Description = "Tenant id: lower-case letters, digits, '-', '_'", Required = true };
        var name = new Option<string>("--name") { Description = "Display name", Required = true };
        var lang = new Option<string>("--lang") { Description = "Language of reports and notices: ja or en", DefaultValueFactory = _ => "ja" };
        lang.AcceptOnlyFromAmong("ja", "en");
        var tz = new Option<string>("--tz") { Description = "IANA time zone, e.g. Asia/Tokyo (used for syslog timestamps without a zone)", DefaultValueFactory = _ => "Asia/Tokyo" };
        var retention = new Option<int>("--retention-days") { Description = "Days to keep events", DefaultValueFactory = _ => Tenant.DefaultRetentionDays };
        var create = new Command("create", "Add a tenant") { data, id, name, lang, tz, retention };
        create.SetAction(async (parse, cancellationToken) =>
        {
            var tenantId = parse.GetValue(id)!;
            if (!Tenant.IsValidId(tenantId))
            {
                return CommonOptions.Fail($"'{tenantId}' is not a valid tenant id: use lower-case letters, digits, '-' and '_' (at most 64)");
            }

            var zone = parse.GetValue(tz)!;
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
            {
                return CommonOptions.Fail($"unknown time zone '{zone}' (use an IANA id such as Asia/Tokyo or UTC)");
            }

            var days = parse.GetValue(retention);
            if (days is < 1 or > 36500)
            {
                return CommonOptions.Fail("--retention-days must be from 1 to 36500");
            }

            var directory = SqliteTenantDirectory.Open(Path.GetFullPath(parse.GetValue(data)!), TimeProvider.System);
            try
            {
                var tenant = await directory.CreateTenantAsync(new Tenant(tenantId, parse.GetValue(name)!, parse.GetValue(lang)!, zone, days, TimeProvider.System.GetUtcNow()), cancellationToken);
                Console.WriteLine($"created tenant {tenant.Id} ({tenant.Name}, {tenant.Language}, {tenant.TimeZone}, retention {tenant.RetentionDays} days)");
                return 0;
            }
            catch (InvalidOperationException ex)
            {
                return CommonOptions.Fail(ex.Message);
            }
        });

        var listData = CommonOptions.Data();
        var list = new Command("list", "List tenants") { listData };
        list.SetAction(async (parse, cancellationToken) =>
        {
            var directory = SqliteTenantDirectory.Open(Path.GetFullPath(parse.GetValue(listData)!), TimeProvider.System);
            await directory.EnsureDefaultTenantAsync(cancellationToken);
            foreach (var t in await directory.ListTenantsAsync(cancellationToken))
            {
                Console.WriteLine($"{t.Id}\t{t.Name}\t{t.Language}\t{t.TimeZone}\t{t.RetentionDays}d");
            }

            return 0;
        });
        return new Command("tenant", "Manage tenants (customers)") { create, list };
    }
}

using System.CommandLine;
using Yagura.Core.Tenancy;
using Yagura.Storage.Sqlite;
using Yagura.Storage.Sqlite.Tenancy;

namespace Yagura.Cli.Commands;

/// <summary><c>yagura token create</c>: prints a new API token once; only its hash is kept.</summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var tenant = new Option<string>("--tenant") { Description = "Tenant the token belongs to", Required = true };
        var role = new Option<string>("--role") { Description = "ingest (send logs), analyst (also search), admin (everything)", Required = true };
        role.AcceptOnlyFromAmong("ingest", "analyst", "admin");
        var description = new Option<string?>("--description") { Description = "What the token is for (e.g. the sending host)" };
        var create = new Command("create", "Create an API token and print it (it cannot be shown again)") { data, tenant, role, description };
        create.SetAction(async (parse, cancellationToken) =>
        {
            var roleValue = Enum.Parse<TokenRole>(parse.GetValue(role)!, ignoreCase: true);
            var directory = SqliteTenantDirectory.Open(Path.GetFullPath(parse.GetValue(data)!), TimeProvider.System);
            await directory.EnsureDefaultTenantAsync(cancellationToken);
            try
            {
                Console.WriteLine(await directory.CreateTokenAsync(parse.GetValue(tenant)!, roleValue, parse.GetValue(description), cancellationToken));
                return 0;
            }
            catch (InvalidOperationException ex)
            {
                return CommonOptions.Fail(ex.Message);
            }
        });
        var revokeData = CommonOptions.Data();
        var id = new Option<string>("--id") { Description = "The token's id: the part between 'yg_' and the next '_'", Required = true };
        var revoke = new Command("revoke", "Revoke a token (a running server stops accepting it within 30 seconds)") { revokeData, id };
        revoke.SetAction(async (parse, cancellationToken) =>
        {
            var directory = SqliteTenantDirectory.Open(Path.GetFullPath(parse.GetValue(revokeData)!), TimeProvider.System);
            var tokenId = parse.GetValue(id)!;
            if (!await directory.RevokeTokenAsync(tokenId, cancellationToken))
            {
                return CommonOptions.Fail($"no token with id '{tokenId}'");
            }

            Console.WriteLine($"revoked token {tokenId}");
            return 0;
        });
        return new Command("token", "Manage API tokens") { create, revoke };
    }
}

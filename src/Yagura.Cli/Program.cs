using System.CommandLine;
using Yagura.Cli.Commands;

var root = new RootCommand("Yagura: collect, store and search security logs for a SOC / CSIRT (yagura.dev)")
{
    ServeCommand.Create(),
    IngestCommand.Create(),
    SearchCommand.Create(),
    TenantCommand.Create(),
    TokenCommand.Create(),
    CertCommand.Create(),
};
return await root.Parse(args).InvokeAsync();

using System.CommandLine;
using Yagura.Cli.Commands;

var root = new RootCommand("Yagura: collect, store and search security logs for a SOC / CSIRT")
{
    ServeCommand.Create(),
    IngestCommand.Create(),
    SearchCommand.Create(),
    AlertsCommand.Create(),
    TenantCommand.Create(),
    TokenCommand.Create(),
    CertCommand.Create(),
    RulesCommand.Create(),
    AssessCommand.Create(),
};

// Ctrl-C / SIGTERM cancel the running command, which then stores everything it accepted. The default would kill the
// process two seconds later, in the middle of storing a backlog (safe, since the spool replays it, but not clean).
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromMinutes(10) });

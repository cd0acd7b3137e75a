using PgReachExporter;
using PgReachExporter.Cli;
using PgReachExporter.Configuration;

if (args.Length > 0 && args[0] == DiagnoseCommand.Name)
{
    return await DiagnoseCommand.RunFromConsoleAsync(args[1..]);
}

if (args.Length > 0 && args[0] == LintHbaCommand.Name) return await LintHbaCommand.RunFromConsoleAsync(args[1..]);

if (args.Length > 0 && args[0] == DemoCommand.Name)
{
    return await DemoCommand.RunAsync(args[1..]);
}

if (AgentUsage.For(args) is { } usage)
{
    Console.WriteLine(usage);
    return 0;
}

Microsoft.AspNetCore.Builder.WebApplication app;
try
{
    app = AgentHost.Build(args);
}
catch (ConfigurationException ex)
{
    Console.Error.WriteLine($"pgreach: {ex.Message}");
    return 2;
}

return await AgentHost.RunAsync(app);

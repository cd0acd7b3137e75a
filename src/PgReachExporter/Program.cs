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

try
{
    var app = AgentHost.Build(args);
    await app.RunAsync();
    return 0;
}
catch (ConfigurationException ex)
{
    Console.Error.WriteLine($"pgreach: {ex.Message}");
    return 2;
}

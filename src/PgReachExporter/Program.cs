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

var invocation = AgentCommandLine.Read(args);
if (invocation.Problem is { } problem)
{
    Console.Error.WriteLine($"pgreach: {problem}");
    return 2;
}

if (invocation.Output is { } output)
{
    Console.WriteLine(output);
    return 0;
}

Microsoft.AspNetCore.Builder.WebApplication app;
try
{
    app = AgentHost.Build(invocation.HostArgs);
}
catch (ConfigurationException ex)
{
    Console.Error.WriteLine($"pgreach: {ex.Message}");
    return 2;
}

return await AgentHost.RunAsync(app);

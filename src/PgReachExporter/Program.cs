using PgReachExporter;
using PgReachExporter.Configuration;

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

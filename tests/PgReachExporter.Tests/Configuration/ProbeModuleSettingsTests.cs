using System.Net;
using Npgsql;
using PgReachExporter.Configuration;
using static PgReachExporter.Tests.Configuration.ConfigurationReading;

namespace PgReachExporter.Tests.Configuration;

public sealed class ProbeModuleSettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pgreach-modules-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Modules(string modules, string probe = "") =>
        $$"""{ "PgReach": { "Targets": [ { "Name": "a", "Host": "db" } ], "Modules": {{modules}} {{probe}} } }""";

    private string Secret()
    {
        var file = Path.Combine(_directory, "app");
        File.WriteAllText(file, "s3cret-module-pw\n");
        return file;
    }

    [Fact]
    public void The_documented_module_is_read()
    {
        var settings = Read(Modules($$"""
            { "app": { "Username": "app", "Database": "app", "PasswordFile": "{{Secret()}}", "SslMode": "Prefer", "ConnectTimeout": "3s",
                       "Allow": ["10.0.0.0/8", "*.db.internal"] } }
            """));

        var module = settings.Modules["app"];
        Assert.Equal(("app", "app", "app", SslMode.Prefer, TimeSpan.FromSeconds(3)), (module.Name, module.Username, module.Database, module.SslMode, module.ConnectTimeout));
        Assert.Equal("s3cret-module-pw", module.Password.Read());
        Assert.True(module.Allow.Permits(IPAddress.Parse("10.1.1.1")));
        Assert.True(module.Allow.PermitsName("x.db.internal"));
        Assert.Same(settings.Modules["app"], settings.Modules["APP"]);
        Assert.Equal(ProbeSettings.Default, settings.Probe);
    }

    [Fact]
    public void Without_modules_there_are_none_and_probe_settings_are_the_defaults()
    {
        var settings = Read(Target("\"Host\": \"db\""));

        Assert.Empty(settings.Modules);
        Assert.Equal(TimeSpan.FromMilliseconds(500), settings.Probe.TimeoutOffset);
        Assert.Equal(16, settings.Probe.MaxConcurrent);
    }

    [Fact]
    public void Probe_settings_are_read()
    {
        var settings = Read(Modules("""{ "m": { "Allow": ["10.0.0.0/8"] } }""", """, "Probe": { "TimeoutOffset": "250ms", "MaxConcurrent": 3 }"""));

        Assert.Equal(new ProbeSettings { TimeoutOffset = TimeSpan.FromMilliseconds(250), MaxConcurrent = 3 }, settings.Probe);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.Modules["m"].ConnectTimeout);
    }

    [Theory]
    [InlineData("""{ "app": { "Username": "app" } }""", "field 'PgReach:Modules:app:Allow': is required")]
    [InlineData("""{ "app": { "Allow": [] } }""", "field 'PgReach:Modules:app:Allow': is empty")]
    [InlineData("""{ "app": { "Allow": "10.0.0.0/8" } }""", "field 'PgReach:Modules:app:Allow': must be a list of CIDRs")]
    [InlineData("""{ "app": { "Allow": [["10.0.0.0/8"]] } }""", "field 'PgReach:Modules:app:Allow:0': must be a CIDR or a host-name pattern")]
    [InlineData("""{ "app": { "Allow": ["10.0.0.1/8"] } }""", "field 'PgReach:Modules:app:Allow': '10.0.0.1/8' is not a CIDR")]
    [InlineData("""{ "app": { "Allow": ["10.0.0.0/8"], "Host": "db" } }""", "field 'PgReach:Modules:app:Host': unknown field")]
    [InlineData("""{ "app": { "Allow": ["10.0.0.0/8"], "ConnectTimeout": 3 } }""", "")]
    [InlineData("""{ "app": { "Allow": ["10.0.0.0/8"], "ConnectTimeout": "soon" } }""", "field 'PgReach:Modules:app:ConnectTimeout': 'soon' is not a duration")]
    [InlineData("""{ "app": { "Allow": ["10.0.0.0/8"], "SslMode": "Sometimes" } }""", "field 'PgReach:Modules:app:SslMode'")]
    [InlineData("""{ "app": { "Allow": ["10.0.0.0/8"], "Username": ["app"] } }""", "field 'PgReach:Modules:app:Username': must be a single value")]
    [InlineData("""{ "app": { "Allow": ["10.0.0.0/8"], "PasswordFile": "/nonexistent/pw" } }""", "field 'PgReach:Modules:app:PasswordFile': '/nonexistent/pw' cannot be read")]
    [InlineData("""{ "a b": { "Allow": ["10.0.0.0/8"] } }""", "field 'PgReach:Modules:a b': the module name 'a b' must be")]
    [InlineData("""{ "app": "x" }""", "field 'PgReach:Modules:app': must be a module")]
    [InlineData("\"app\"", "field 'PgReach:Modules': must be a section of modules")]
    public void A_bad_module_is_an_error_naming_file_and_field(string modules, string expected)
    {
        if (expected.Length == 0)
        {
            // A number of seconds is a valid duration: the module reads it as the targets do.
            Assert.Equal(TimeSpan.FromSeconds(3), Read(Modules(modules)).Modules["app"].ConnectTimeout);
            return;
        }

        var message = ErrorOf(Modules(modules));
        Assert.Contains("targets.json: field", message);
        Assert.Contains(expected, message);
    }

    [Theory]
    [InlineData(""", "Probe": { "MaxConcurrent": 0 }""", "field 'PgReach:Probe:MaxConcurrent': must be a whole number from 1 to 1024, got '0'")]
    [InlineData(""", "Probe": { "MaxConcurrent": "many" }""", "field 'PgReach:Probe:MaxConcurrent'")]
    [InlineData(""", "Probe": { "TimeoutOffset": "2m" }""", "field 'PgReach:Probe:TimeoutOffset': must be from")]
    [InlineData(""", "Probe": { "Offset": "1s" }""", "field 'PgReach:Probe:Offset': unknown field")]
    [InlineData(""", "Probe": 5""", "field 'PgReach:Probe': must be a section")]
    public void Bad_probe_settings_are_errors_naming_the_field(string probe, string expected) =>
        Assert.Contains(expected, ErrorOf(Modules("""{ "m": { "Allow": ["10.0.0.0/8"] } }""", probe)));

    [Fact]
    public void A_password_never_appears_in_a_module_error()
    {
        var message = ErrorOf(Modules("""{ "app": { "Password": "Very-Secret-Pw-7731", "PasswordFile": "/x", "Allow": ["10.0.0.0/8"] } }"""));

        Assert.DoesNotContain("Very-Secret-Pw-7731", message);
    }

    [Theory]
    [InlineData("db1.db.internal:6432", "db1.db.internal", 6432, "db1.db.internal:6432")]
    [InlineData("db1.db.internal", "db1.db.internal", 5432, "db1.db.internal:5432")]
    [InlineData("10.1.2.3:5433", "10.1.2.3", 5433, "10.1.2.3:5433")]
    [InlineData("[fd00::5]:5432", "fd00::5", 5432, "[fd00::5]:5432")]
    [InlineData("[fd00::5]", "fd00::5", 5432, "[fd00::5]:5432")]
    public void A_module_turns_host_and_port_into_a_target_with_its_identity(string text, string host, int port, string name)
    {
        var module = Read(Modules($$"""{ "app": { "Username": "app", "Database": "orders", "PasswordFile": "{{Secret()}}", "ConnectTimeout": "2s", "Allow": ["10.0.0.0/8"] } }""")).Modules["app"];

        var target = module.ToTarget(text, out var problem);

        Assert.Null(problem);
        Assert.Equal((name, host, port, "app", "orders", TimeSpan.FromSeconds(2)), (target!.Name, target.Host, target.Port, target.Username, target.Database, target.ConnectTimeout));
        Assert.Equal("s3cret-module-pw", target.Password.Read());
    }

    [Theory]
    [InlineData("db:0", "port")]
    [InlineData("db:65536", "port")]
    [InlineData("db:54x", "port")]
    [InlineData("fd00::5", "IPv6 address without brackets")]
    [InlineData("[db]:5432", "brackets")]
    [InlineData("[fd00::5]5432", "HOST:PORT")]
    [InlineData("/var/run/postgresql", "path")]
    [InlineData("db host:5432", "unusable host")]
    [InlineData(":5432", "unusable host")]
    public void A_bad_host_and_port_is_refused(string text, string expected)
    {
        Assert.False(ProbeModule.TrySplit(text, out _, out _, out var problem));
        Assert.Contains(expected, problem);
    }
}

namespace PgReachExporter.Tests.Architecture.Fixture.Diagnosis;

/// <summary>
/// A deliberately impure "engine" the architecture rules must reject: proof that they can fail (see
/// <see cref="ArchitectureRuleSelfTests"/>).
/// </summary>
internal static class ForbiddenReferenceFixture
{
    public static bool Reads(string path) => System.IO.File.Exists(path);

    public static string Socket() => typeof(System.Net.Sockets.Socket).Name;
}

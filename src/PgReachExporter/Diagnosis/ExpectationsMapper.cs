using PgReachExporter.Configuration;

namespace PgReachExporter.Diagnosis;

/// <summary>A target's configured expectations (Expect) as the engine reads them.</summary>
internal static class ExpectationsMapper
{
    public static TargetExpectations? From(ExpectedIdentity expect) => expect.IsEmpty
        ? null
        : new TargetExpectations { Port = expect.Port, VersionMajor = expect.VersionMajor, SystemIdentifier = expect.SystemIdentifier };
}

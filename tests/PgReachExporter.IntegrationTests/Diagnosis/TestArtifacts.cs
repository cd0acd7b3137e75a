namespace PgReachExporter.IntegrationTests.Diagnosis;

/// <summary>Where tests keep files for people to look at (screenshots): $PGREACH_TEST_ARTIFACTS, else TestResults/artifacts in the test output directory.</summary>
internal static class TestArtifacts
{
    public static string Directory
    {
        get
        {
            var directory = Environment.GetEnvironmentVariable("PGREACH_TEST_ARTIFACTS") is { Length: > 0 } configured
                ? configured
                : Path.Combine(AppContext.BaseDirectory, "TestResults", "artifacts");
            System.IO.Directory.CreateDirectory(directory);
            return directory;
        }
    }

    public static string PathFor(string fileName) => Path.Combine(Directory, fileName);
}

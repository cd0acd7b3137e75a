namespace PgReachExporter.Configuration;

/// <summary>
/// One PgReach:TargetFiles entry: an absolute path whose file name may hold the wildcards '*' and '?' (as Prometheus's
/// file_sd_configs, only in the last part), and the module its targets are probed with unless a group names one.
/// </summary>
internal sealed record TargetFileSource(string Pattern, string? Module)
{
    /// <summary>The directory the pattern's files live in: the one watched for changes.</summary>
    public string Directory => Path.GetDirectoryName(Pattern)!;

    /// <summary>The file-name part, possibly with wildcards.</summary>
    public string FileName => Path.GetFileName(Pattern);

    public bool IsGlob => FileName.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>The files the pattern matches now, in ordinal order (so that messages and duplicates are reported the same way every time).</summary>
    public IReadOnlyList<string> MatchingFiles()
    {
        if (!IsGlob)
        {
            return File.Exists(Pattern) ? [Pattern] : [];
        }

        // Files starting with a dot are skipped (editors' temporary files); Kubernetes' ..data links are directories.
        var options = new EnumerationOptions { MatchType = MatchType.Simple, RecurseSubdirectories = false, IgnoreInaccessible = false };
        return [.. System.IO.Directory.EnumerateFiles(Directory, FileName, options).Where(f => f.EndsWith(Path.GetExtension(Pattern), StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
    }
}

namespace PgReachExporter.Hba.Lint;

/// <summary>What the pg_hba.conf syntax of one PostgreSQL major version allows.</summary>
internal sealed record HbaDialect(int Major)
{
    public const int Oldest = 15;
    public const int Newest = 18;
    public const int Default = Newest;

    /// <summary>include, include_if_exists and include_dir lines (16+); before that "include" is an unknown connection type.</summary>
    public bool HasIncludeDirectives => Major >= 16;

    /// <summary>Entries starting with "/" are regular expressions (16+); before that they are plain names.</summary>
    public bool HasRegularExpressions => Major >= 16;

    /// <summary>The oauth method and its options (18+).</summary>
    public bool HasOAuth => Major >= 18;

    /// <summary>15 lexes into a fixed buffer (MAX_TOKEN 10240, one byte for the terminator); 16 lifted the limit.</summary>
    public int? MaxTokenBytes => Major < 16 ? 10239 : null;

    /// <summary>Include files nest at most this deep (CONF_FILE_MAX_DEPTH); 15 has no limit for @files, we keep one to stop loops.</summary>
    public int MaxIncludeDepth => 10;

    public static bool IsSupported(int major) => major is >= Oldest and <= Newest;
}

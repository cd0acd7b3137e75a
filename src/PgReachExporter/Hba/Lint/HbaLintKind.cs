namespace PgReachExporter.Hba.Lint;

/// <summary>What a finding is about.</summary>
internal enum HbaLintKind
{
    /// <summary>The server rejects the line (and with it the whole file), or needs something to ever match it.</summary>
    Syntax,

    /// <summary>Earlier lines match every connection the line could match.</summary>
    Shadowed,

    /// <summary>The line loads and can match, but admits more than is usually meant.</summary>
    Risky,
}

namespace PgReachExporter.Configuration;

/// <summary>Where a target's password comes from; never prints the password itself.</summary>
internal abstract record PasswordSource
{
    public static readonly PasswordSource None = new NoPassword();

    /// <summary>Reads the current password; a file is re-read each time so rotated secrets are picked up.</summary>
    public abstract string? Read();

    public sealed override string ToString() => Describe();

    protected abstract string Describe();

    private sealed record NoPassword : PasswordSource
    {
        public override string? Read() => null;
        protected override string Describe() => "none";
    }
}

/// <summary>A password given inline (configuration, URI or PGPASSWORD).</summary>
internal sealed record LiteralPassword(string Value) : PasswordSource
{
    public override string? Read() => Value;
    protected override string Describe() => "inline (redacted)";
    public bool Equals(LiteralPassword? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);
    public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);
}

/// <summary>A password kept in a file, such as a mounted Kubernetes or Docker secret.</summary>
internal sealed record PasswordFile(string Path) : PasswordSource
{
    public override string? Read() => PasswordFileReader.Read(Path);
    protected override string Describe() => $"file {Path}";
}

/// <summary>Reads a password file the way secret mounts are written: first line, trailing newline removed.</summary>
internal static class PasswordFileReader
{
    public static string Read(string path)
    {
        var text = File.ReadAllText(path);
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}

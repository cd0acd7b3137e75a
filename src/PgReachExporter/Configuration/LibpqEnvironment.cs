namespace PgReachExporter.Configuration;

/// <summary>The libpq environment variables (PGHOST, PGPORT, ...) that define the default target when nothing is configured.</summary>
internal sealed record LibpqEnvironment(IReadOnlyDictionary<string, string?> Variables)
{
    public static LibpqEnvironment FromProcess()
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in Names)
        {
            variables[name] = Environment.GetEnvironmentVariable(name);
        }

        return new LibpqEnvironment(variables);
    }

    public static readonly string[] Names =
        ["PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSSLMODE", "PGCONNECT_TIMEOUT"];

    public string? this[string name] => Variables.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    /// <summary>libpq's default user: PGUSER, else the operating-system user.</summary>
    public string DefaultUser => this["PGUSER"] ?? Environment.UserName;
}

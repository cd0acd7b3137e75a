namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>Quoting and the superuser statements of <see cref="PostgresServerSql"/>.</summary>
internal static class SqlText
{
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string CreateRole(string name, string? password, bool login) =>
        $"CREATE ROLE {Identifier(name)} {(login ? "LOGIN" : "NOLOGIN")}" +
        (password is null ? string.Empty : $" PASSWORD {Literal(password)}");

    public static string CreateDatabase(string name, string? owner) =>
        $"CREATE DATABASE {Identifier(name)}" + (owner is null ? string.Empty : $" OWNER {Identifier(owner)}");
}

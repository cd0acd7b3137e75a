using Npgsql;
using PgReachExporter.Observations;
using PgReachExporter.Probes.ServerChecks;

namespace PgReachExporter.Tests.ServerChecks;

public sealed class ServerCheckFailureTests
{
    private static PostgresException Server(string sqlState) => new("message", "ERROR", "ERROR", sqlState);

    [Theory]
    [InlineData(PostgresErrorCodes.InsufficientPrivilege, "permission_denied")]
    [InlineData(PostgresErrorCodes.UndefinedFunction, "unsupported")]
    [InlineData(PostgresErrorCodes.UndefinedColumn, "unsupported")]
    [InlineData(PostgresErrorCodes.UndefinedTable, "unsupported")]
    [InlineData(PostgresErrorCodes.FeatureNotSupported, "unsupported")]
    [InlineData(PostgresErrorCodes.QueryCanceled, "error")]
    [InlineData(PostgresErrorCodes.AdminShutdown, "error")]
    public void Server_errors_are_classified_by_sqlstate(string sqlState, string expected)
    {
        Assert.Equal(expected, ServerCheckFailure.Classify(Server(sqlState)).Label());
    }

    [Fact]
    public void Failures_outside_the_server_are_errors()
    {
        Assert.Equal("error", ServerCheckFailure.Classify(new NpgsqlException("Exception while reading from stream", new IOException("reset"))).Label());
        Assert.Equal("error", ServerCheckFailure.Classify(new TimeoutException()).Label());
    }

    [Fact]
    public void Descriptions_carry_the_sqlstate_and_the_server_text()
    {
        Assert.Equal("42501: message", ServerCheckFailure.Describe(Server(PostgresErrorCodes.InsufficientPrivilege)));
        Assert.Equal("no answer before the deadline", ServerCheckFailure.Describe(new TimeoutException()));
    }
}

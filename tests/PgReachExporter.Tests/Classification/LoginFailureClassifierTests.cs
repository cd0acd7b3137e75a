using System.Net.Sockets;
using Npgsql;
using PgReachExporter.Probes;
using PgReachExporter.Classification;
using PgReachExporter.Observations;

namespace PgReachExporter.Tests.Classification;

public sealed class LoginFailureClassifierTests
{
    [Theory]
    [InlineData("28000", "no pg_hba.conf entry for host \"127.0.0.2\", user \"app\", database \"orders\", no encryption", LoginResult.NoHbaEntry)]
    [InlineData("08P01", "SSL required", LoginResult.SslRequired)]
    [InlineData("28000", "no pg_hba.conf entry for host \"127.0.0.2\", user \"app\", database \"orders\", SSL encryption", LoginResult.NoHbaEntry)]
    [InlineData("28000", "pg_hba.conf rejects connection for host \"127.0.0.1\", user \"app\", database \"orders\", no encryption", LoginResult.HbaReject)]
    [InlineData("28000", "role \"ghost\" does not exist", LoginResult.RoleMissing)]
    [InlineData("28000", "Ident authentication failed for user \"app\"", LoginResult.AuthFailed)]
    [InlineData("28P01", "password authentication failed for user \"app\"", LoginResult.PasswordFailed)]
    [InlineData("3D000", "database \"nope\" does not exist", LoginResult.DatabaseMissing)]
    [InlineData("53300", "sorry, too many clients already", LoginResult.TooManyConnections)]
    [InlineData("53300", "remaining connection slots are reserved for roles with the SUPERUSER attribute", LoginResult.TooManyConnections)]
    [InlineData("57P03", "the database system is starting up", LoginResult.ServerStarting)]
    [InlineData("57P03", "the database system is shutting down", LoginResult.ServerShuttingDown)]
    [InlineData("57P03", "the database system is not yet accepting connections", LoginResult.Recovery)]
    [InlineData("57P03", "the database system is in recovery mode", LoginResult.Recovery)]
    [InlineData("57P01", "terminating connection due to administrator command", LoginResult.ServerShuttingDown)]
    [InlineData("28001", "some other authorization problem", LoginResult.AuthFailed)]
    [InlineData("XX000", "internal error", LoginResult.Error)]
    public void Server_errors_are_classified_by_sqlstate_then_message(string sqlState, string message, LoginResult expected) =>
        Assert.Equal(expected, LoginFailureClassifier.FromServerError(sqlState, message));

    [Theory]
    [InlineData("SSL Handshake failed with OpenSSL error - SSL_ERROR_SSL.: error:0A00042E:SSL routines::tlsv1 alert protocol version", LoginResult.TlsProtocolMismatch)]
    [InlineData("error:0A000102:SSL routines::unsupported protocol", LoginResult.TlsProtocolMismatch)]
    [InlineData("error:0A00045C:SSL routines::tlsv13 alert certificate required", LoginResult.ClientCertificateRejected)]
    [InlineData("The remote certificate is invalid because of errors in the certificate chain: NotTimeValid", LoginResult.TlsFailed)]
    public void A_failed_handshake_is_told_apart_by_the_alerts_words(string message, LoginResult expected) =>
        Assert.Equal(expected, LoginFailureClassifier.Classify(new LoginFailure(LoginFailureKind.Tls, Message: message)).Result);

    [Fact]
    public void Postgres_exception_uses_its_sqlstate()
    {
        var ex = new PostgresException("password authentication failed for user \"app\"", "FATAL", "FATAL", "28P01");

        Assert.Equal(new LoginClassification(LoginResult.PasswordFailed), LoginFailures.Classify(ex));
    }

    [Theory]
    [InlineData(SocketError.ConnectionRefused, LoginResult.Refused)]
    [InlineData(SocketError.HostUnreachable, LoginResult.Unreachable)]
    [InlineData(SocketError.HostNotFound, LoginResult.DnsError)]
    [InlineData(SocketError.TimedOut, LoginResult.Timeout)]
    public void Network_failures_wrapped_by_npgsql_keep_their_socket_code(SocketError error, LoginResult expected)
    {
        var ex = new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)error));

        Assert.Equal(expected, LoginFailures.Classify(ex).Result);
    }

    [Fact]
    public void Timeouts_and_cancellation_are_timeouts()
    {
        Assert.Equal(LoginResult.Timeout, LoginFailures.Classify(new OperationCanceledException()).Result);
        Assert.Equal(LoginResult.Timeout, LoginFailures.Classify(new NpgsqlException("Exception while connecting", new TimeoutException())).Result);
    }

    [Fact]
    public void Stream_ending_early_asks_for_a_greeting_check()
    {
        var classification = LoginFailures.Classify(new NpgsqlException("Exception while reading from stream", new EndOfStreamException()));

        Assert.True(classification.NeedsGreetingCheck);
    }

    [Fact]
    public void Missing_password_is_named()
    {
        var ex = new NpgsqlException("No password has been provided but the backend requires one (in SASL/SCRAM-SHA-256)");

        Assert.Equal(LoginResult.PasswordMissing, LoginFailures.Classify(ex).Result);
    }

    [Fact]
    public void Every_login_result_has_a_distinct_snake_case_label()
    {
        var labels = LoginResults.All.Select(r => r.Label()).ToList();

        Assert.Equal(labels.Count, labels.Distinct().Count());
        Assert.All(labels, l => Assert.Matches("^[a-z_]+$", l));
    }
}

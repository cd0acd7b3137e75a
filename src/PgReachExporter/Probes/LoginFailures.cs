using System.Net.Sockets;
using System.Security.Authentication;
using Npgsql;
using PgReachExporter.Classification;

namespace PgReachExporter.Probes;

/// <summary>Reads a failed open off the driver's exception into a <see cref="LoginFailure"/>, for the pure classifier.</summary>
internal static class LoginFailures
{
    public static LoginClassification Classify(Exception exception) => LoginFailureClassifier.Classify(Read(exception));

    public static LoginFailure Read(Exception exception)
    {
        switch (exception)
        {
            case PostgresException pg:
                return new(LoginFailureKind.ServerError, pg.SqlState, pg.MessageText);
            case OperationCanceledException or TimeoutException:
                return new(LoginFailureKind.Timeout);
            case SocketException socket:
                return new(LoginFailureKind.Socket, SocketError: socket.SocketErrorCode);
        }

        // Npgsql wraps network failures; look at what it wraps first, then at its own messages.
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case PostgresException pg:
                    return new(LoginFailureKind.ServerError, pg.SqlState, pg.MessageText);
                case SocketException socket:
                    return new(LoginFailureKind.Socket, SocketError: socket.SocketErrorCode);
                case TimeoutException or OperationCanceledException:
                    return new(LoginFailureKind.Timeout);
                case AuthenticationException tls:
                    return new(LoginFailureKind.Tls, Message: TlsFailureText.Describe(tls));
                case EndOfStreamException or IOException:
                    return new(LoginFailureKind.Stream);
            }
        }

        var protocol = exception is NpgsqlException or EndOfStreamException or IOException or InvalidOperationException;
        return new(protocol ? LoginFailureKind.DriverProtocol : LoginFailureKind.Other, Message: exception.Message);
    }
}

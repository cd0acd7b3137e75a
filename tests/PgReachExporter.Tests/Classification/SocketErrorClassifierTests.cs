using System.Net.Sockets;
using PgReachExporter.Classification;
using PgReachExporter.Observations;

namespace PgReachExporter.Tests.Classification;

public sealed class SocketErrorClassifierTests
{
    [Theory]
    [InlineData(SocketError.ConnectionRefused, TcpConnectResult.Refused)]
    [InlineData(SocketError.TimedOut, TcpConnectResult.Timeout)]
    [InlineData(SocketError.OperationAborted, TcpConnectResult.Timeout)]
    [InlineData(SocketError.HostUnreachable, TcpConnectResult.Unreachable)]
    [InlineData(SocketError.NetworkUnreachable, TcpConnectResult.Unreachable)]
    [InlineData(SocketError.AccessDenied, TcpConnectResult.Unreachable)]
    [InlineData(SocketError.HostDown, TcpConnectResult.Unreachable)]
    [InlineData(SocketError.HostNotFound, TcpConnectResult.DnsError)]
    [InlineData(SocketError.TryAgain, TcpConnectResult.DnsError)]
    [InlineData(SocketError.ConnectionReset, TcpConnectResult.Error)]
    [InlineData(SocketError.SocketError, TcpConnectResult.Error)]
    public void Socket_error_codes_map_to_results(SocketError error, TcpConnectResult expected) =>
        Assert.Equal(expected, SocketErrorClassifier.Classify(error));

    [Fact]
    public void Every_result_has_a_distinct_snake_case_label()
    {
        var labels = TcpConnectResults.All.Select(r => r.Label()).ToList();

        Assert.Equal(labels.Count, labels.Distinct().Count());
        Assert.All(labels, l => Assert.Matches("^[a-z_]+$", l));
    }
}

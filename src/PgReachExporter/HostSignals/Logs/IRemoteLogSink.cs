using PgReachExporter.Configuration;
using PgReachExporter.Observations;

namespace PgReachExporter.HostSignals;

/// <summary>Receives the server log lines the remote log check read through a monitoring connection. Must be fast and never throw.</summary>
internal interface IRemoteLogSink
{
    void LinesRead(TargetDefinition target, RemoteLogRead read);
}

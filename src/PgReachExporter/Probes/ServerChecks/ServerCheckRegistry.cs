using PgReachExporter.Configuration;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes.ServerChecks;

/// <summary>
/// Every server-side check, in the order they run on the one monitoring connection. A new check is one file (its SQL, a
/// <c>Name</c> and a <c>RunAsync</c> returning a <see cref="CheckOutcome{T}"/> of its observation) and one line here;
/// it is then run, timed, reported in <c>pgreach_server_check_result</c> and the change log, and its observation is in
/// the <see cref="ServerView"/> for the evidence mapper and the metrics writer to read (<see cref="ServerView.Find{T}"/>).
/// </summary>
internal static class ServerCheckRegistry
{
    /// <summary>The checks of one target; fresh instances, since a check may keep its place between runs (the remote log).</summary>
    public static IReadOnlyList<IServerCheck> For(TargetDefinition target, TimeProvider time) =>
    [
        Check<ServerSettings>(SettingsCheck.Name, SettingsCheck.RunAsync),
        Check<FileSettings>(FileSettingsCheck.Name, FileSettingsCheck.RunAsync),
        Check<ServerIdentity>(IdentityCheck.Name, IdentityCheck.RunAsync),
        Check<HbaFileRules>(HbaRulesCheck.Name, HbaRulesCheck.RunAsync),
        Check<HbaReloadState>(HbaReloadCheck.Name, HbaReloadCheck.RunAsync),
        Check<ConnectionCounts>(ConnectionsCheck.Name, ConnectionsCheck.RunAsync),
        Check<RoleGraph>(RolesCheck.Name, RolesCheck.RunAsync),
        Check<ServerCertificateFile>(CertificateFileCheck.Name, new CertificateFileCheck(target, time).RunAsync),
        .. target.Monitoring?.ReadServerLog == true ? [Check<RemoteLogRead>(RemoteLogCheck.Name, new RemoteLogCheck().RunAsync)] : (IServerCheck[])[],
    ];

    private static IServerCheck Check<T>(string name, Func<MonitoringSession, CancellationToken, Task<CheckOutcome<T>>> run)
        where T : class => new Registered<T>(name, run);

    private sealed class Registered<T>(string name, Func<MonitoringSession, CancellationToken, Task<CheckOutcome<T>>> run) : IServerCheck
        where T : class
    {
        public string Name => name;

        public async Task<IServerCheckOutcome> RunAsync(MonitoringSession session, CancellationToken stopping) =>
            await run(session, stopping).ConfigureAwait(false);
    }
}

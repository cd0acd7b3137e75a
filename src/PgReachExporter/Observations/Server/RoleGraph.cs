using System.Collections.Immutable;

namespace PgReachExporter.Observations;

/// <summary>All roles and the direct grants between them (member, role granted to it).</summary>
internal sealed record RoleGraph(ImmutableArray<string> Roles, ImmutableArray<(string Member, string Role)> Grants);

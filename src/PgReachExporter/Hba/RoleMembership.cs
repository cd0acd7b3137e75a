namespace PgReachExporter.Hba;

/// <summary>Which roles exist and which roles each is a member of, directly or through other roles.</summary>
/// <remarks>
/// Built from pg_roles and pg_auth_members. Mirrors PostgreSQL's is_member_of_role_nosuper as used by pg_hba
/// matching: a role counts as a member of itself, membership is transitive whatever the INHERIT option, superusers
/// get no implicit membership, and a role that does not exist is a member of nothing.
/// Pass null instead of an instance when pg_auth_members could not be read: +role and samerole then become unknown.
/// </remarks>
internal sealed class RoleMembership
{
    private readonly Dictionary<string, HashSet<string>> _memberOf;

    private RoleMembership(Dictionary<string, HashSet<string>> memberOf) => _memberOf = memberOf;

    /// <summary>All roles and the direct grants between them (member is granted role).</summary>
    public static RoleMembership FromGrants(IEnumerable<string> roles, IEnumerable<(string Member, string Role)> grants)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(grants);
        var direct = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var role in roles)
            direct.TryAdd(role, []);
        foreach (var (member, role) in grants)
        {
            // A grant naming a role missing from the role list cannot be resolved the way the server would; skip it.
            if (direct.TryGetValue(member, out var list) && direct.ContainsKey(role))
                list.Add(role);
        }

        var closure = new Dictionary<string, HashSet<string>>(direct.Count, StringComparer.Ordinal);
        var pending = new Stack<string>();
        foreach (var role in direct.Keys)
        {
            var reached = new HashSet<string>(StringComparer.Ordinal) { role };
            pending.Push(role);
            while (pending.Count > 0)
            {
                foreach (var next in direct[pending.Pop()])
                {
                    if (reached.Add(next))
                        pending.Push(next);
                }
            }

            closure[role] = reached;
        }

        return new RoleMembership(closure);
    }

    public bool RoleExists(string role) => _memberOf.ContainsKey(role);

    /// <summary>True when <paramref name="member"/> is <paramref name="role"/> or belongs to it through any chain of grants.</summary>
    public bool IsMember(string member, string role) =>
        _memberOf.TryGetValue(member, out var roles) && roles.Contains(role);
}

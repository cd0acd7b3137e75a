using System.Text.Json;
using System.Text.Json.Nodes;

namespace PgReachExporter.Soak;

/// <summary>
/// The agent's --config file, alone in its directory (the agent watches the directory). Every write replaces the
/// file by a rename, as editors and ConfigMaps do, so the agent never reads half a file unless we mean it to.
/// </summary>
internal sealed class AgentConfigFile(string directory, SoakOptions options, IReadOnlyList<SoakTarget> initial)
{
    private readonly List<SoakTarget> _targets = [.. initial];

    public string Path { get; } = System.IO.Path.Combine(directory, "pgreach.json");

    public IReadOnlyList<SoakTarget> Targets => _targets;

    public void WriteGood() => Replace(Render(_targets).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    public void Add(SoakTarget target)
    {
        _targets.Add(target);
        WriteGood();
    }

    public void Remove(SoakTarget target)
    {
        _targets.Remove(target);
        WriteGood();
    }

    /// <summary>The good file cut short: not JSON.</summary>
    public void WriteInvalidJson()
    {
        var good = Render(_targets).ToJsonString();
        Replace(good[..(good.Length * 2 / 3)]);
    }

    /// <summary>Valid JSON, but one target's port is out of range.</summary>
    public void WriteBadPort(string targetName)
    {
        var config = Render(_targets);
        foreach (var target in config["PgReach"]!["Targets"]!.AsArray())
        {
            if ((string?)target!["Name"] == targetName)
            {
                target["Port"] = 70000;
            }
        }

        Replace(config.ToJsonString());
    }

    private JsonObject Render(IEnumerable<SoakTarget> targets) => new()
    {
        ["PgReach"] = new JsonObject
        {
            ["Interval"] = $"{options.Interval.TotalMilliseconds:0}ms",
            ["ConnectTimeout"] = $"{options.ConnectTimeout.TotalMilliseconds:0}ms",
            ["Targets"] = new JsonArray([.. targets.Select(t => t.Json.DeepClone())]),
        },
    };

    private void Replace(string text)
    {
        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, Path, overwrite: true);
    }
}

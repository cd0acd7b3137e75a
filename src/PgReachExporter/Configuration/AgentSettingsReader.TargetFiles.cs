using System.Collections.Immutable;
using Microsoft.Extensions.Configuration;

namespace PgReachExporter.Configuration;

/// <summary>
/// Targets from discovery files (PgReach:TargetFiles, Prometheus's file_sd format, each target probed with a module's
/// identity) and the labels that pgreach_target_info carries (PgReach:TargetInfoLabels, a target's Labels).
/// </summary>
internal static partial class AgentSettingsReader
{
    public const string TargetFilesField = "TargetFiles";
    public const string TargetInfoLabelsField = "TargetInfoLabels";
    private const string LabelsField = "Labels";

    /// <summary>The group label naming a target's module: Prometheus's own name for /probe's module= parameter, so one file serves both.</summary>
    public const string ModuleLabel = "__param_module";

    public const int MaxTargetInfoLabels = 16;
    private static readonly string[] TargetFileFields = ["Path", "Module"];

    /// <summary>A target read from a discovery file, with where it was written and the group's labels.</summary>
    private sealed record DiscoveredTarget(TargetDefinition Target, string File, int Group, IReadOnlyList<KeyValuePair<string, string>> Labels);

    private static ImmutableArray<TargetFileSource> ReadTargetFileSources(
        SectionFields agent, string baseDirectory, IReadOnlyDictionary<string, ProbeModule> modules, Action<string, string> failAgent)
    {
        const string Expected = "a list of file patterns ([\"targets/*.json\", { \"Path\": \"fleet/*.yml\", \"Module\": \"app\" }])";
        var list = agent.Section(TargetFilesField, Expected);
        if (list is null)
        {
            return [];
        }

        var sources = ImmutableArray.CreateBuilder<TargetFileSource>();
        foreach (var entry in list.GetChildren())
        {
            var at = $"{TargetFilesField}:{entry.Key}";
            void Fail(string field, string problem) => failAgent(field.Length == 0 ? at : $"{at}:{field}", problem);
            string? path;
            string? module = null;
            if (entry.Value is not null)
            {
                path = string.IsNullOrWhiteSpace(entry.Value) ? null : entry.Value;
                if (path is null)
                {
                    Fail("", "is empty; give a file pattern");
                }
            }
            else
            {
                var fields = new SectionFields(entry, Fail);
                foreach (var key in fields.Keys.Where(k => !TargetFileFields.Contains(k, StringComparer.OrdinalIgnoreCase)))
                {
                    Fail(key, $"unknown field (known: {string.Join(", ", TargetFileFields)})");
                }

                path = fields.Scalar("Path");
                if (path is null && !fields.Has("Path"))
                {
                    Fail("Path", "is required: the file pattern, e.g. targets/*.json");
                }

                module = fields.Scalar("Module");
                if (module is not null && !modules.ContainsKey(module))
                {
                    Fail("Module", $"{ConfigurationError.Quote(module)} is not a module of {SectionName}:{ModulesField} ({KnownModules(modules)})");
                    module = null;
                }
            }

            if (path is not null && CheckedPattern(path, baseDirectory, Fail) is { } pattern)
            {
                sources.Add(new TargetFileSource(pattern, module));
            }
        }

        return sources.ToImmutable();
    }

    /// <summary>The pattern made absolute against <paramref name="baseDirectory"/>, or null after reporting why it cannot be used.</summary>
    private static string? CheckedPattern(string path, string baseDirectory, Action<string, string> fail)
    {
        var pattern = Path.GetFullPath(path, baseDirectory);
        var source = new TargetFileSource(pattern, null);
        if (source.Directory.AsSpan().IndexOfAny('*', '?') >= 0)
        {
            fail("", $"{ConfigurationError.Quote(path)} has a wildcard in a directory; as in Prometheus's file_sd, only the file name may have one");
        }
        else if (!TargetFileReader.HasKnownExtension(pattern))
        {
            fail("", $"{ConfigurationError.Quote(path)} must end in .json, .yml or .yaml (the extension says how the files are read)");
        }
        else if (!Directory.Exists(source.Directory))
        {
            fail("", $"{ConfigurationError.Quote(path)}: the directory {ConfigurationError.Quote(source.Directory)} does not exist (it is watched for files to appear)");
        }
        else if (!source.IsGlob && !File.Exists(pattern))
        {
            fail("", $"{ConfigurationError.Quote(path)}: the file does not exist (use a wildcard for files that may come later)");
        }
        else
        {
            return pattern;
        }

        return null;
    }

    private static ImmutableArray<string> ReadTargetInfoLabels(SectionFields agent, Action<string, string> failAgent)
    {
        var list = agent.Section(TargetInfoLabelsField, "a list of label names ([\"team\", \"env\"])");
        if (list is null)
        {
            return [];
        }

        var names = new List<string>();
        foreach (var entry in list.GetChildren())
        {
            void Fail(string problem) => failAgent($"{TargetInfoLabelsField}:{entry.Key}", problem);
            if (entry.Value is not { Length: > 0 } name)
            {
                Fail("must be a label name, not a list, a section or an empty value");
            }
            else if (!TargetFileReader.IsLabelName(name) || name.StartsWith("__", StringComparison.Ordinal))
            {
                Fail($"{ConfigurationError.Quote(name)} is not a label name (ASCII letters, digits and '_', not starting with a digit or '__')");
            }
            else if (name == "target")
            {
                Fail("'target' is the target's name on every series already; list the other labels");
            }
            else if (names.Contains(name, StringComparer.Ordinal))
            {
                Fail($"{ConfigurationError.Quote(name)} is listed twice");
            }
            else
            {
                names.Add(name);
            }
        }

        if (names.Count > MaxTargetInfoLabels)
        {
            failAgent(TargetInfoLabelsField, $"lists {names.Count} labels; at most {MaxTargetInfoLabels} (each is a label of one series per target)");
        }

        return [.. names];
    }

    /// <summary>Reads every file the sources match now; the targets' names must not repeat each other's or the main file's.</summary>
    private static List<DiscoveredTarget> ReadTargetFiles(
        ImmutableArray<TargetFileSource> sources, IReadOnlyDictionary<string, ProbeModule> modules, TimeSpan interval,
        IReadOnlyCollection<TargetDefinition> mainTargets, string mainSource, List<ConfigurationError> errors)
    {
        var found = new List<DiscoveredTarget>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var target in mainTargets)
        {
            seen.TryAdd(target.Name, mainSource);
        }

        var matched = sources.Select((s, i) => (Index: i, Source: s)).SelectMany(s => MatchingFiles(s.Source, errors).Select(f => (s.Index, s.Source, File: f))).ToList();
        foreach (var twice in matched.GroupBy(m => m.File, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            // Read once either way; only a disagreement about the default module would make the result depend on order.
            if (twice.Select(m => m.Source.Module).Distinct().Count() > 1)
            {
                errors.Add(new(twice.Key, null, $"{SectionName}:{TargetFilesField}",
                    $"is matched by entries {string.Join(" and ", twice.Select(m => m.Index))} with different modules; match it once"));
            }
        }

        foreach (var file in matched.DistinctBy(m => m.File))
        {
            foreach (var group in TargetFileReader.Read(file.File, errors))
            {
                var at = $"[{group.Index}]";
                void Fail(string field, string problem) => errors.Add(new(file.File, null, $"{at}.{field}", problem));
                var module = GroupModule(group, file.Source, modules, Fail);
                foreach (var label in group.Labels.Where(l => l.Key.StartsWith("__param_", StringComparison.Ordinal) && l.Key != ModuleLabel))
                {
                    Fail($"labels.{label.Key}", $"is a /probe parameter the agent does not take (only {ModuleLabel})");
                }

                for (var i = 0; i < group.Targets.Count && module is not null; i++)
                {
                    var target = module.ToTarget(group.Targets[i].Trim(), out var problem);
                    if (target is null)
                    {
                        Fail($"targets[{i}]", $"{ConfigurationError.Quote(group.Targets[i])} {problem}");
                        continue;
                    }

                    if (module.ConnectTimeout >= interval)
                    {
                        Fail($"targets[{i}]", $"module {ConfigurationError.Quote(module.Name)}'s ConnectTimeout {DurationParser.Format(module.ConnectTimeout)} must be shorter than the interval {DurationParser.Format(interval)}");
                        continue;
                    }

                    var where = $"{file.File} {at}";
                    if (!seen.TryAdd(target.Name, where))
                    {
                        errors.Add(new(file.File, target.Name, $"{at}.targets[{i}]", $"is also a target in {seen[target.Name]}; target names must be unique"));
                        continue;
                    }

                    found.Add(new DiscoveredTarget(target with { Interval = interval }, file.File, group.Index, group.Labels));
                }
            }
        }

        return found;
    }

    private static IReadOnlyList<string> MatchingFiles(TargetFileSource source, List<ConfigurationError> errors)
    {
        try
        {
            return source.MatchingFiles();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add(new(source.Pattern, null, $"{SectionName}:{TargetFilesField}", $"cannot be listed: {ex.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)}"));
            return [];
        }
    }

    private static ProbeModule? GroupModule(TargetGroup group, TargetFileSource source, IReadOnlyDictionary<string, ProbeModule> modules, Action<string, string> fail)
    {
        var named = group.Labels.FirstOrDefault(l => l.Key == ModuleLabel).Value;
        var name = named ?? source.Module;
        if (name is null)
        {
            if (group.Targets.Count > 0)
            {
                fail("labels", $"names no module: add the label {ModuleLabel}, or a Module to this file's {SectionName}:{TargetFilesField} entry");
            }

            return null;
        }

        if (modules.TryGetValue(name, out var module))
        {
            return module;
        }

        fail($"labels.{ModuleLabel}", $"{ConfigurationError.Quote(name)} is not a module of {SectionName}:{ModulesField} ({KnownModules(modules)})");
        return null;
    }

    private static string KnownModules(IReadOnlyDictionary<string, ProbeModule> modules) =>
        modules.Count == 0 ? "none is configured" : "known: " + string.Join(", ", modules.Keys.Order(StringComparer.Ordinal));

    /// <summary>The Labels of each main-file target, by target name (a target that failed to read has none).</summary>
    private static Dictionary<string, IReadOnlyList<KeyValuePair<string, string>>> ReadTargetLabels(
        IReadOnlyList<IConfigurationSection> sections, IReadOnlyList<TargetDefinition?> targets, string source, List<ConfigurationError> errors)
    {
        var labels = new Dictionary<string, IReadOnlyList<KeyValuePair<string, string>>>(StringComparer.Ordinal);
        for (var i = 0; i < sections.Count && i < targets.Count; i++)
        {
            var section = sections[i].GetChildren().FirstOrDefault(c => string.Equals(c.Key, LabelsField, StringComparison.OrdinalIgnoreCase));
            if (section is null)
            {
                continue;
            }

            var name = targets[i]?.Name ?? $"#{sections[i].Key}";
            void Fail(string field, string problem) => errors.Add(new(source, name, field, problem));
            if (section.Value is not null)
            {
                Fail(LabelsField, "must be an object of label names and values ({ \"team\": \"payments\" })");
                continue;
            }

            var read = new List<KeyValuePair<string, string>>();
            foreach (var label in section.GetChildren())
            {
                if (!TargetFileReader.IsLabelName(label.Key) || label.Key.StartsWith("__", StringComparison.Ordinal))
                {
                    Fail($"{LabelsField}:{label.Key}", "is not a label name (ASCII letters, digits and '_', not starting with a digit or '__')");
                }
                else if (label.Value is null)
                {
                    Fail($"{LabelsField}:{label.Key}", "must be a single value, not a list, a section or null");
                }
                else
                {
                    read.Add(new(label.Key, label.Value));
                }
            }

            if (targets[i] is { } target)
            {
                labels[target.Name] = read;
            }
        }

        return labels;
    }

    /// <summary>Each target's values of the listed label names, in the list's order; nothing when no name is listed.</summary>
    private static ImmutableDictionary<string, ImmutableArray<string>> TargetInfoValues(
        ImmutableArray<string> names, IEnumerable<(string Target, IReadOnlyList<KeyValuePair<string, string>> Labels)> labelled)
    {
        if (names.IsEmpty)
        {
            return ImmutableDictionary<string, ImmutableArray<string>>.Empty;
        }

        var values = ImmutableDictionary.CreateBuilder<string, ImmutableArray<string>>(StringComparer.Ordinal);
        foreach (var (target, labels) in labelled)
        {
            values[target] = [.. names.Select(n => labels.LastOrDefault(l => l.Key == n).Value ?? "")];
        }

        return values.ToImmutable();
    }
}

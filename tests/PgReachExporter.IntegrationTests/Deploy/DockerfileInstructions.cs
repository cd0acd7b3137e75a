namespace PgReachExporter.IntegrationTests.Deploy;

/// <summary>One instruction of a Dockerfile, with the index of the build stage it belongs to.</summary>
internal sealed record DockerInstruction(int Stage, string Keyword, string Arguments);

/// <summary>Splits a Dockerfile into instructions: comments dropped, continuation lines joined.</summary>
internal static class DockerfileInstructions
{
    public static IReadOnlyList<DockerInstruction> Parse(string text)
    {
        var instructions = new List<DockerInstruction>();
        var stage = -1;
        var pending = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var full = (pending + line).Trim();
            pending = "";
            var space = full.IndexOf(' ');
            var keyword = (space < 0 ? full : full[..space]).ToUpperInvariant();
            if (keyword == "FROM")
            {
                stage++;
            }

            instructions.Add(new DockerInstruction(stage, keyword, space < 0 ? "" : full[(space + 1)..].Trim()));
        }

        return instructions;
    }
}

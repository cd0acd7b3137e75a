namespace PgReachExporter.Hba.Lint;

/// <summary>SplitGUCList(): a comma list whose items may be double-quoted ("" is one "), with blanks around items.</summary>
internal static class HbaGucList
{
    public static bool TrySplit(string text, out List<string> items)
    {
        items = [];
        var i = 0;
        SkipSpace(text, ref i);
        if (i == text.Length)
            return true;
        while (true)
        {
            // After a comma an item must follow: "a," is as wrong as "a,,b".
            if (i == text.Length)
                return false;
            string item;
            if (text[i] == '"')
            {
                var value = new System.Text.StringBuilder();
                i++;
                while (true)
                {
                    if (i == text.Length)
                        return false;
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            value.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    value.Append(text[i++]);
                }

                item = value.ToString();
            }
            else
            {
                var start = i;
                while (i < text.Length && text[i] != ',' && !char.IsWhiteSpace(text[i]))
                    i++;
                if (i == start)
                    return false;
                item = text[start..i];
            }

            items.Add(item);
            SkipSpace(text, ref i);
            if (i == text.Length)
                return true;
            if (text[i] != ',')
                return false;
            i++;
            SkipSpace(text, ref i);
        }
    }

    private static void SkipSpace(string text, ref int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
            i++;
    }
}

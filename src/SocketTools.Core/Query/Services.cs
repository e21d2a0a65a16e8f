namespace SocketTools.Query;

/// <summary>Service names to ports from /etc/services, read once.</summary>
public static class Services
{
    private static readonly Lazy<Dictionary<string, int>> Table = new(() => Load("/etc/services"));

    /// <summary>The port of a service name (case-insensitive), or null.</summary>
    public static int? Lookup(string name) => Table.Value.TryGetValue(name, out int port) ? port : null;

    /// <summary>All names, for completion.</summary>
    public static IEnumerable<string> Names => Table.Value.Keys;

    internal static Dictionary<string, int> Load(string path)
    {
        var table = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return table;
        }

        foreach (string raw in File.ReadLines(path))
        {
            int hash = raw.IndexOf('#');
            string line = hash >= 0 ? raw[..hash] : raw;
            string[] parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2)
            {
                continue;
            }

            int slash = parts[1].IndexOf('/');
            if (slash <= 0 || !int.TryParse(parts[1][..slash], out int port) || port is < 0 or > 65535)
            {
                continue;
            }

            foreach (string name in parts.Take(1).Concat(parts.Skip(2)))
            {
                table.TryAdd(name, port);
            }
        }

        return table;
    }
}

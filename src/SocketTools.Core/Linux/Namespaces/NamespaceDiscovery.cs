using System.Globalization;
using SocketTools.Native;
using SocketTools.Query;

namespace SocketTools.Linux;

/// <summary>
/// Finds the network namespaces on the host the way <c>lsns -t net</c> does: the bind mounts of
/// nsfs files (/run/netns/NAME from 'ip netns add', and any other, listed in /proc/self/mountinfo),
/// the names in /run/netns, and /proc/PID/ns/net of every process, de-duplicated by inode.
/// </summary>
internal static class NamespaceDiscovery
{
    private const string MountInfo = "/proc/self/mountinfo";

    /// <summary>The inode in a "net:[INODE]" text (a /proc/PID/ns/net link, a mountinfo root), or null.</summary>
    public static ulong? ParseId(ReadOnlySpan<char> text) => NetworkNamespaceInfo.TryParseUnnamed(text, out ulong id) ? id : null;

    /// <summary>The namespace the calling thread stands in, or 0 when /proc cannot tell.</summary>
    public static ulong CurrentId() =>
        ParseId(Libc.ReadLink("/proc/thread-self/ns/net")) ?? ParseId(Libc.ReadLink("/proc/self/ns/net")) ?? 0;

    /// <summary>The inode of the nsfs file at <paramref name="path"/> (what it refers to), or null when it cannot be read.</summary>
    public static ulong? IdOf(string path) => Libc.TryStatInode(path, out ulong id) == 0 && id != 0 ? id : null;

    /// <summary>The network namespaces bind-mounted somewhere, from mountinfo text: (mount point, inode), in mount order.</summary>
    public static IEnumerable<(string MountPoint, ulong Id)> NsfsMounts(string mountInfo)
    {
        foreach (string line in mountInfo.Split('\n'))
        {
            // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL…] - FSTYPE SOURCE SUPEROPTIONS"
            int dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash < 0 || !line.AsSpan(dash + 3).StartsWith("nsfs ", StringComparison.Ordinal))
            {
                continue;
            }

            string[] fields = line[..dash].Split(' ');
            if (fields.Length >= 5 && ParseId(fields[3]) is ulong id)
            {
                yield return (Unescape(fields[4]), id);
            }
        }
    }

    /// <summary>Every network namespace found: the caller's own first, then the named ones by name, then the others by inode.</summary>
    /// <param name="deniedProcesses">Processes whose /proc/PID/ns/net could not be read (other users', without root).</param>
    public static List<NetworkNamespaceInfo> List(out int deniedProcesses)
    {
        ulong current = CurrentId();
        var mounts = NsfsMounts(ReadMountInfo()).ToList();
        var found = new Dictionary<ulong, (string? Name, string? Path)>();
        foreach (var (name, path, id) in Named(mounts))
        {
            found.TryAdd(id, (name, path));
        }

        foreach (var (mountPoint, id) in mounts)
        {
            found.TryAdd(id, (null, mountPoint));
        }

        deniedProcesses = 0;
        bool root = Libc.GetEUid() == 0;
        foreach (int pid in ProcessInfo.ProcessIds())
        {
            string path = "/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/ns/net";
            int errno = Libc.TryReadLink(path, out string? link);
            if (errno != 0)
            {
                // EACCES/EPERM: another user's process (counted for the warning only when not root: root is
                // refused only by processes of a more privileged user namespace, whose namespaces it could
                // not enter anyway); ENOENT: exited, or a zombie (which has no namespaces).
                deniedProcesses += errno is Errno.EACCES or Errno.EPERM && !root ? 1 : 0;
                continue;
            }

            if (ParseId(link) is ulong id)
            {
                found.TryAdd(id, (null, path));
            }
        }

        if (current != 0)
        {
            found.TryAdd(current, (null, null));
        }

        // The caller's own first, then the named ones by name, then the rest by inode.
        return found.OrderBy(e => e.Key == current ? 0 : e.Value.Name is not null ? 1 : 2)
            .ThenBy(e => e.Value.Name, StringComparer.Ordinal).ThenBy(e => e.Key)
            .Select(e => new NetworkNamespaceInfo(e.Value.Name ?? NetworkNamespaceInfo.Unnamed(e.Key), e.Key,
                e.Key == current ? null : e.Value.Path, e.Key == current))
            .ToList();
    }

    /// <summary>
    /// Who <paramref name="nameOrPath"/> is (the caller's own namespace when null): its inode and its
    /// name under /run/netns, or net:[INODE]. Null when it cannot be opened (the reading that follows reports why).
    /// </summary>
    public static NetworkNamespaceInfo? Identify(string? nameOrPath)
    {
        ulong current = CurrentId();
        if (nameOrPath is null)
        {
            return current == 0 ? null : new NetworkNamespaceInfo(NameOf(current), current, null, true);
        }

        if (ParseId(nameOrPath) is ulong given)
        {
            return given == current ? new NetworkNamespaceInfo(NameOf(given), given, null, true) : Find(given);
        }

        string path;
        try
        {
            path = NetworkNamespace.PathOf(nameOrPath);
        }
        catch (SocketToolsException)
        {
            return null;
        }

        if (IdOf(path) is not ulong known)
        {
            return null;
        }

        string name = nameOrPath.StartsWith('/') ? NameOf(known) : nameOrPath;
        return new NetworkNamespaceInfo(name, known, known == current ? null : path, known == current);
    }

    /// <summary>The namespace with inode <paramref name="id"/>, or null when no process or mount holds it any more.</summary>
    public static NetworkNamespaceInfo? Find(ulong id) => List(out _).FirstOrDefault(n => n.Id == id);

    /// <summary>The name under /run/netns of the namespace with inode <paramref name="id"/>, else net:[INODE].</summary>
    public static string NameOf(ulong id)
    {
        foreach (var (name, _, named) in Named(NsfsMounts(ReadMountInfo())))
        {
            if (named == id)
            {
                return name;
            }
        }

        return NetworkNamespaceInfo.Unnamed(id);
    }

    /// <summary>
    /// The namespaces named in /run/netns, in name order: their inodes come from the nsfs
    /// <paramref name="mounts"/> of mountinfo, or, for a name mountinfo does not list (another mount
    /// namespace made it), from the file's inode.
    /// </summary>
    private static IEnumerable<(string Name, string Path, ulong Id)> Named(IEnumerable<(string MountPoint, ulong Id)> mounts)
    {
        // The bind mounts 'ip netns add' makes, as mountinfo lists them: also when another mount
        // hides /run (a private tmpfs over it, as some service sandboxes have), the name stays known.
        var named = new SortedDictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var (mountPoint, id) in mounts)
        {
            foreach (string dir in new[] { NetworkNamespace.NamedDirectory + "/", "/var" + NetworkNamespace.NamedDirectory + "/" })
            {
                if (mountPoint.StartsWith(dir, StringComparison.Ordinal) && mountPoint.IndexOf('/', dir.Length) < 0)
                {
                    named[mountPoint[dir.Length..]] = id;
                }
            }
        }

        foreach (string name in NetworkNamespace.Names())
        {
            if (!named.ContainsKey(name) && IdOf(NetworkNamespace.NamedDirectory + "/" + name) is ulong id)
            {
                named[name] = id;   // not in this mount namespace's mountinfo: opened instead
            }
        }

        foreach (var (name, id) in named)
        {
            yield return (name, NetworkNamespace.NamedDirectory + "/" + name, id);
        }
    }

    private static string ReadMountInfo()
    {
        try
        {
            return File.ReadAllText(MountInfo);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\'))
        {
            return field;
        }

        var text = new System.Text.StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length
                && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                text.Append((char)(((field[i + 1] - '0') * 64) + ((field[i + 2] - '0') * 8) + (field[i + 3] - '0')));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }

        return text.ToString();
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';
}

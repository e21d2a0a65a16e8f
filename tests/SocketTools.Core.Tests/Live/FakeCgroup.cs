using System.Globalization;

namespace SocketTools.Tests.Live;

/// <summary>
/// A cgroup a test makes with the names a container runtime would give it, always below a parent
/// of a made-up name (<c>stt-…</c>) at the root of a hierarchy: on the cgroup v2 mount when there
/// is one, else in a v1 hierarchy. Disposing moves the processes the test put in back to the
/// hierarchy's root and removes every directory it made, deepest first.
/// </summary>
public sealed class FakeCgroup : IDisposable
{
    private readonly List<string> _made = [];
    private readonly List<int> _pids = [];

    /// <param name="mount">Where the hierarchy is mounted.</param>
    /// <param name="components">The runtime's path below the made-up parent, e.g. docker, &lt;id&gt;.</param>
    public FakeCgroup(string mount, params string[] components)
    {
        Mount = mount;
        string parent = "stt-" + Guid.NewGuid().ToString("N")[..10];
        string dir = mount;
        try
        {
            foreach (string c in components.Prepend(parent))
            {
                dir = System.IO.Path.Combine(dir, c);
                Directory.CreateDirectory(dir);
                _made.Add(dir);
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        Path = dir;
        CgroupPath = "/" + string.Join('/', components.Prepend(parent));
    }

    /// <summary>The hierarchy's mount point.</summary>
    public string Mount { get; }

    /// <summary>The cgroup's directory.</summary>
    public string Path { get; }

    /// <summary>The cgroup as /proc/PID/cgroup names it.</summary>
    public string CgroupPath { get; }

    /// <summary>The cgroup v2 mount, when there is one.</summary>
    public static string? Unified => Mounts().FirstOrDefault(m => m.Type == "cgroup2").Dir;

    /// <summary>The mount of the v1 hierarchy with this controller (or name=…), when there is one.</summary>
    public static string? V1(string controller) =>
        Mounts().FirstOrDefault(m => m.Type == "cgroup" && m.Options.Split(',').Contains(controller)).Dir;

    /// <summary>Moves a process into the cgroup.</summary>
    public void Add(int pid)
    {
        File.WriteAllText(System.IO.Path.Combine(Path, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
        _pids.Add(pid);
    }

    /// <summary>Moves the processes put in back to the hierarchy's root.</summary>
    public void MoveBack()
    {
        foreach (int pid in _pids)
        {
            try
            {
                File.WriteAllText(System.IO.Path.Combine(Mount, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // It has exited.
            }
        }

        _pids.Clear();
    }

    /// <summary>Moves the processes back and removes the directories made.</summary>
    public void Dispose()
    {
        MoveBack();

        for (int i = _made.Count - 1; i >= 0; i--)
        {
            // A process that was just killed may take a moment to leave.
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    Directory.Delete(_made[i]);
                    break;
                }
                catch (IOException) when (attempt < 100)
                {
                    Thread.Sleep(20);
                }
            }
        }
    }

    private static IEnumerable<(string Dir, string Type, string Options)> Mounts() =>
        File.ReadAllLines("/proc/mounts").Select(l => l.Split(' ')).Where(f => f.Length >= 4).Select(f => (f[1], f[2], f[3]));
}

using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace SocketTools.Linux;

/// <summary>
/// The container, Kubernetes pod and systemd unit a process runs in, as its cgroup path
/// (/proc/PID/cgroup) names them: the names docker, containerd (CRI), cri-o, podman,
/// systemd-nspawn and LXC give their cgroups, with the cgroupfs driver and with systemd's.
/// </summary>
/// <remarks>
/// <para>
/// Paths read: cgroup v2 (<c>0::/path</c>) and v1 (<c>N:controllers:/path</c>). Each line is read;
/// the container and pod come from the first line, in the order unified (v2), name=systemd, then
/// the controllers as listed, that names one (runtimes with the cgroupfs driver may place a process
/// in some v1 hierarchies only), and so does the unit.
/// </para>
/// <para>
/// Components recognised (the deepest wins, so docker-in-docker and kind report the inner one):
/// <c>docker-ID.scope</c>, <c>cri-containerd-ID.scope</c>, <c>crio-ID(.scope)</c>,
/// <c>libpod-ID(.scope)</c>, where ID is 64 hex digits (the conmon scopes, <c>crio-conmon-ID</c>
/// and <c>libpod-conmon-ID</c>, hold the runtime's monitor, not the container); a bare 64-hex
/// component under <c>docker</c> (docker), <c>kubepods…</c> (containerd), or <c>libpod_parent</c>
/// (podman); <c>systemd-nspawn@NAME.service</c> and <c>machine-NAME.scope</c> (systemd-nspawn,
/// the name unescaped; libvirt's <c>machine-qemu-…</c> virtual machines are not containers);
/// <c>lxc/NAME</c>, <c>lxc.payload.NAME</c>, <c>lxc.payload/NAME</c> (LXC, LXD). Hex alone
/// elsewhere (a 32-hex session directory, say) is not a container. The pod UID comes from
/// <c>podUID</c> (cgroupfs) or <c>…kubepods…-podUID.slice</c> (systemd, with '_' for '-').
/// The unit is the last component that ends in <c>.service</c> or <c>.scope</c>.
/// </para>
/// </remarks>
internal sealed class CgroupIdentity
{
    /// <summary>Length of a docker, containerd, cri-o and podman container id (sha256 in hex).</summary>
    private const int IdLength = 64;

    /// <summary>Length of a Kubernetes pod UID (a UUID with dashes or underscores).</summary>
    private const int UidLength = 36;

    /// <summary>/proc/PID/cgroup is read into a stack buffer of this size first.</summary>
    private const int StackBytes = 2048;

    private CgroupIdentity(string? containerId, string? containerRuntime, string? podUid, string? unit)
    {
        ContainerId = containerId;
        ContainerRuntime = containerRuntime;
        PodUid = podUid;
        Unit = unit;
    }

    /// <summary>No container, pod or unit (the root cgroup, a cgroupfs path of no runtime).</summary>
    public static CgroupIdentity None { get; } = new(null, null, null, null);

    /// <summary>The container id (64 hex digits), or the machine or container name for systemd-nspawn and LXC.</summary>
    public string? ContainerId { get; }

    /// <summary>docker, containerd, cri-o, podman, systemd-nspawn or lxc; null with no container.</summary>
    public string? ContainerRuntime { get; }

    /// <summary>The Kubernetes pod UID (with dashes), or null.</summary>
    public string? PodUid { get; }

    /// <summary>The systemd unit (e.g. ssh.service, docker-ID.scope, session-3.scope), or null.</summary>
    public string? Unit { get; }

    /// <summary>
    /// The identity of process <paramref name="pid"/>, or null when its cgroup file cannot be read
    /// (the process exited, or no cgroups). Never throws for one process.
    /// </summary>
    public static CgroupIdentity? Read(int pid, string procRoot = "/proc")
    {
        string path = procRoot + "/" + pid.ToString(CultureInfo.InvariantCulture) + "/cgroup";
        Span<byte> stack = stackalloc byte[StackBytes];
        byte[]? heap = null;
        int length;
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path);
            length = ReadAll(handle, stack, ref heap);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        ReadOnlySpan<byte> bytes = heap is null ? stack[..length] : heap.AsSpan(0, length);
        if (bytes.Length <= StackBytes)
        {
            Span<char> chars = stackalloc char[bytes.Length];
            int n = Encoding.UTF8.GetChars(bytes, chars);
            return Parse(chars[..n]);
        }

        return Parse(Encoding.UTF8.GetString(bytes));
    }

    /// <summary>Reads a proc file to its end into <paramref name="stack"/>, or into a heap buffer when it is larger.</summary>
    private static int ReadAll(SafeFileHandle handle, Span<byte> stack, ref byte[]? heap)
    {
        int total = 0;
        while (true)
        {
            Span<byte> into = heap is null ? stack : heap;
            if (total == into.Length)
            {
                var bigger = new byte[into.Length * 4];
                into.CopyTo(bigger);
                heap = bigger;
                into = bigger;
            }

            int n = RandomAccess.Read(handle, into[total..], total);
            if (n <= 0)
            {
                return total;
            }

            total += n;
        }
    }

    /// <summary>The identity a /proc/PID/cgroup text names; <see cref="None"/> when it names nothing.</summary>
    public static CgroupIdentity Parse(string cgroupFileText) => Parse(cgroupFileText.AsSpan());

    /// <inheritdoc cref="Parse(string)"/>
    public static CgroupIdentity Parse(ReadOnlySpan<char> text)
    {
        PathFacts container = default, unit = default;
        int containerRank = int.MaxValue, unitRank = int.MaxValue;
        int order = 0;
        while (text.Length > 0)
        {
            int end = text.IndexOf('\n');
            var line = end < 0 ? text : text[..end];
            text = end < 0 ? default : text[(end + 1)..];
            int first = line.IndexOf(':');
            int second = first < 0 ? -1 : line[(first + 1)..].IndexOf(':');
            if (second < 0)
            {
                continue;
            }

            var hierarchy = line[..first];
            var controllers = line.Slice(first + 1, second);
            var path = line[(first + second + 2)..];
            order++;

            // Unified first, then name=systemd, then the v1 controllers in file order.
            int rank = hierarchy is "0" && controllers.IsEmpty ? 0
                : controllers is "name=systemd" ? 1
                : 1 + order;
            if (rank >= containerRank && rank >= unitRank)
            {
                continue;
            }

            var facts = PathFacts.Of(path);
            if (rank < containerRank && (facts.ContainerId.Length > 0 || facts.PodUid.Length > 0))
            {
                container = facts;
                containerRank = rank;
            }

            if (rank < unitRank && facts.Unit.Length > 0)
            {
                unit = facts;
                unitRank = rank;
            }
        }

        if (containerRank == int.MaxValue && unitRank == int.MaxValue)
        {
            return None;
        }

        return new CgroupIdentity(
            container.ContainerId.Length > 0
                ? container.Runtime == "systemd-nspawn" ? Unescape(container.ContainerId) : container.ContainerId.ToString()
                : null,
            container.ContainerId.Length > 0 ? container.Runtime : null,
            container.PodUid.Length > 0 ? container.PodUid.ToString().Replace('_', '-') : null,
            unit.Unit.Length > 0 ? unit.Unit.ToString() : null);
    }

    /// <summary>systemd's unit-name escaping undone (<c>\x2d</c> → '-'), as machinectl shows machine names.</summary>
    private static string Unescape(ReadOnlySpan<char> name)
    {
        if (name.IndexOf('\\') < 0)
        {
            return name.ToString();
        }

        var bytes = new List<byte>(name.Length);
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] == '\\' && i + 3 < name.Length && name[i + 1] == 'x'
                && byte.TryParse(name.Slice(i + 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
            {
                bytes.Add(b);
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(name.Slice(i, 1).ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>A container id: 64 lowercase hex digits.</summary>
    private static bool IsId(ReadOnlySpan<char> s) => s.Length == IdLength && !s.ContainsAnyExcept(HexDigits);

    /// <summary>A pod UID as cgroup paths spell it: 36 hex digits and dashes (or underscores, systemd's).</summary>
    private static bool IsUid(ReadOnlySpan<char> s) => s.Length == UidLength && !s.ContainsAnyExcept(UidChars);

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    private static readonly System.Buffers.SearchValues<char> UidChars = System.Buffers.SearchValues.Create("0123456789abcdef-_");

    /// <summary>The parent directory that names the runtime of a bare id or name below it (cgroupfs drivers).</summary>
    private enum Parent
    {
        None,

        /// <summary><c>/docker</c>: a 64-hex child is a docker container.</summary>
        Docker,

        /// <summary>Below <c>kubepods</c> (any depth): a 64-hex component is a CRI (containerd) container.</summary>
        Kube,

        /// <summary><c>/libpod_parent</c> or <c>libpod-conmon-ID</c>: a 64-hex child is a podman container.</summary>
        Podman,

        /// <summary><c>/lxc</c> or <c>/lxc.payload</c>: the child is an LXC container's name.</summary>
        Lxc,
    }

    /// <summary>What one cgroup path names, as slices of it.</summary>
    private ref struct PathFacts
    {
        public ReadOnlySpan<char> ContainerId;
        public string? Runtime;
        public ReadOnlySpan<char> PodUid;
        public ReadOnlySpan<char> Unit;

        /// <summary>Walks the path's components from the root; deeper findings replace shallower ones.</summary>
        public static PathFacts Of(ReadOnlySpan<char> path)
        {
            var facts = default(PathFacts);
            var parent = Parent.None;
            while (path.Length > 0)
            {
                int slash = path.IndexOf('/');
                var component = slash < 0 ? path : path[..slash];
                path = slash < 0 ? default : path[(slash + 1)..];
                if (component.IsEmpty)
                {
                    continue;
                }

                if (component.EndsWith(".service", StringComparison.Ordinal) || component.EndsWith(".scope", StringComparison.Ordinal))
                {
                    facts.Unit = component;
                }

                parent = facts.Read(component, parent);
            }

            return facts;
        }

        /// <summary>Reads one component below <paramref name="parent"/>; returns what it is a parent of.</summary>
        private Parent Read(ReadOnlySpan<char> c, Parent parent)
        {
            if (parent == Parent.Lxc)
            {
                return Found(c, "lxc");
            }

            if (IsId(c))
            {
                return parent switch
                {
                    Parent.Docker => Found(c, "docker"),
                    Parent.Kube => Found(c, "containerd"),
                    Parent.Podman => Found(c, "podman"),
                    _ => Parent.None,
                };
            }

            switch (c)
            {
                case "docker":
                    return Parent.Docker;
                case "libpod_parent":
                    return Parent.Podman;
                case "lxc" or "lxc.payload":
                    return Parent.Lxc;
            }

            if (c.StartsWith("lxc.payload.", StringComparison.Ordinal))
            {
                return c.Length > 12 ? Found(c[12..], "lxc") : Parent.None;
            }

            if (c.Contains("kubepods", StringComparison.Ordinal))
            {
                // kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_with_underscores>.slice (systemd)
                if (c.EndsWith(".slice", StringComparison.Ordinal))
                {
                    var name = c[..^6];
                    int pod = name.LastIndexOf("-pod", StringComparison.Ordinal);
                    if (pod >= 0 && IsUid(name[(pod + 4)..]))
                    {
                        PodUid = name[(pod + 4)..];
                    }
                }

                return Parent.Kube;
            }

            if (parent == Parent.Kube && c.StartsWith("pod", StringComparison.Ordinal) && IsUid(c[3..]))
            {
                // kubepods/besteffort/pod<uid> (cgroupfs)
                PodUid = c[3..];
                return Parent.Kube;
            }

            bool scope = c.EndsWith(".scope", StringComparison.Ordinal);
            var unit = scope ? c[..^6] : c;
            if (Prefixed(unit, "docker-", "docker") || Prefixed(unit, "cri-containerd-", "containerd")
                || Prefixed(unit, "crio-", "cri-o") || Prefixed(unit, "libpod-", "podman"))
            {
                return Parent.None;
            }

            if (unit.StartsWith("libpod-conmon-", StringComparison.Ordinal) && IsId(unit[14..]))
            {
                // Old podman cgroupfs layout: libpod_parent/libpod-conmon-<id>/<id>.
                return scope ? Parent.None : Parent.Podman;
            }

            if (scope && unit.StartsWith("machine-", StringComparison.Ordinal) && unit.Length > 8
                && !unit[8..].StartsWith("qemu", StringComparison.Ordinal))
            {
                // systemd-machined's scope of a registered machine (libvirt's qemu-… scopes are virtual machines).
                return Found(unit[8..], "systemd-nspawn");
            }

            if (c.StartsWith("systemd-nspawn@", StringComparison.Ordinal) && c.EndsWith(".service", StringComparison.Ordinal) && c.Length > 15 + 8)
            {
                return Found(c[15..^8], "systemd-nspawn");
            }

            return parent == Parent.Kube ? Parent.Kube : Parent.None;
        }

        /// <summary>A unit name <c>prefix</c> + 64 hex digits: a container of <paramref name="runtime"/>.</summary>
        private bool Prefixed(ReadOnlySpan<char> unit, string prefix, string runtime)
        {
            if (!unit.StartsWith(prefix, StringComparison.Ordinal) || !IsId(unit[prefix.Length..]))
            {
                return false;
            }

            Found(unit[prefix.Length..], runtime);
            return true;
        }

        private Parent Found(ReadOnlySpan<char> id, string runtime)
        {
            ContainerId = id;
            Runtime = runtime;
            return Parent.None;
        }
    }
}

using System.Text;
using SocketTools.Native;

namespace SocketTools.Linux;

/// <summary>Maps interface indexes to names (SIOCGIFNAME) in one network namespace, cached per query.</summary>
internal sealed unsafe class InterfaceNames : IDisposable
{
    private const uint SIOCGIFNAME = 0x8910;
    private const uint SIOCGIFINDEX = 0x8933;
    private readonly Dictionary<int, string?> _cache = [];
    private int _fd;

    private InterfaceNames(int fd) => _fd = fd;

    /// <summary>Opens a resolver for <paramref name="netns"/> (the caller's own namespace when null).</summary>
    /// <remarks>Without a socket (none could be made) every name and index is null.</remarks>
    public static InterfaceNames Open(string? netns) => NetworkNamespace.Run(netns, () =>
    {
        _ = Libc.TrySocket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0, out int fd);
        return new InterfaceNames(fd);
    });

    /// <summary>
    /// The device names of <paramref name="netns"/> (the caller's own when null), from
    /// /proc/thread-self/net/dev read on a thread inside it: what 'ip link' lists.
    /// </summary>
    public static IReadOnlyList<string> List(string? netns) => NetworkNamespace.Run(netns, () =>
    {
        var names = new List<string>();
        foreach (string line in File.ReadLines("/proc/thread-self/net/dev").Skip(2))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                names.Add(line[..colon].Trim());
            }
        }

        return names;
    });

    /// <summary>
    /// Throws UnknownInterface (InvalidArgument) for the first of <paramref name="devices"/> that
    /// the namespace of <paramref name="scope"/> has no device of, as ss fails with "Cannot parse device".
    /// </summary>
    public static void RequireExisting(NamespaceScope scope, IReadOnlyCollection<string> devices)
    {
        if (devices.Count == 0)
        {
            return;
        }

        string? netns = scope.Name;
        var present = scope.Run(() => List(null));
        foreach (string device in devices)
        {
            if (!present.Contains(device, StringComparer.Ordinal))
            {
                string where = netns is null ? "this network namespace" : $"network namespace '{netns}'";
                throw new SocketToolsException("UnknownInterface", ErrorKind.InvalidArgument,
                    $"There is no network device '{device}' in {where}; its devices are {string.Join(", ", present)}.", Errno.ENODEV)
                { RecommendedAction = "List the devices with 'ip link' (in the same namespace); names are case-sensitive.", Target = device };
            }
        }
    }

    /// <summary>The name of interface <paramref name="index"/>, or null for 0 or a vanished interface.</summary>
    public string? NameOf(int index)
    {
        if (index <= 0)
        {
            return null;
        }

        if (_cache.TryGetValue(index, out string? name))
        {
            return name;
        }

        name = Lookup(index);
        _cache[index] = name;
        return name;
    }

    /// <summary>The index of interface <paramref name="name"/> (SIOCGIFINDEX), or null when there is none.</summary>
    public int? IndexOf(string name)
    {
        byte[] ascii = Encoding.ASCII.GetBytes(name);
        if (_fd < 0 || ascii.Length == 0 || ascii.Length >= IfReq.IFNAMSIZ)
        {
            return null;
        }

        IfReq ifreq = default;
        ascii.CopyTo(new Span<byte>(ifreq.ifr_name, IfReq.IFNAMSIZ));
        if (Libc.TryIoctl(_fd, SIOCGIFINDEX, &ifreq) != 0)
        {
            return null;
        }

        return ifreq.ifr_ifindex;
    }

    private string? Lookup(int index)
    {
        if (_fd < 0)
        {
            return null;
        }

        var ifreq = new IfReq { ifr_ifindex = index };
        if (Libc.TryIoctl(_fd, SIOCGIFNAME, &ifreq) != 0)
        {
            return null;
        }

        var bytes = new ReadOnlySpan<byte>(ifreq.ifr_name, IfReq.IFNAMSIZ);
        int end = bytes.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? bytes : bytes[..end]);
    }

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            Libc.Close(fd);
        }
    }
}

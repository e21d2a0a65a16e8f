using System.Runtime.InteropServices;
using SocketTools.Native;

namespace SocketTools.Linux;

/// <summary>
/// Which processes hold which sockets: one pass over /proc/&lt;pid&gt;/fd (readlink gives
/// <c>socket:[inode]</c>) into a dictionary inode → owners. Every owner of a shared socket is kept,
/// in the order ss -p prints them (the last process and fd found first).
/// </summary>
/// <remarks>
/// The pass reads directories with getdents64 and links with readlinkat relative to an open
/// directory (no path strings, no FileSystemInfo), on up to four threads: processes in parallel, and
/// a process with thousands of fds split between threads. Only fds whose inode is in the wanted set
/// are recorded, so its cost is linear in the number of fds on the host. Processes that exit and fds
/// that close during the pass are skipped; a /proc/&lt;pid&gt;/fd that cannot be opened (EACCES for
/// other users' processes when not root) is counted in <see cref="DeniedProcesses"/>. It never
/// throws for a single process.
/// </remarks>
public sealed class OwnerIndex
{
    private static readonly SocketOwner[] None = [];
    private readonly Dictionary<ulong, SocketOwner[]> _owners;

    private OwnerIndex(Dictionary<ulong, SocketOwner[]> owners, int scanned, int denied, int vanished)
    {
        _owners = owners;
        ScannedProcesses = scanned;
        DeniedProcesses = denied;
        VanishedProcesses = vanished;
    }

    /// <summary>Processes whose fd directory was read.</summary>
    public int ScannedProcesses { get; }

    /// <summary>Processes whose /proc/&lt;pid&gt;/fd could not be opened (EACCES, EPERM): their owners are missing.</summary>
    public int DeniedProcesses { get; }

    /// <summary>Processes that exited between being listed and being read.</summary>
    public int VanishedProcesses { get; }

    /// <summary>How many sockets have at least one owner.</summary>
    public int Count => _owners.Count;

    /// <summary>Every inode that has at least one owner.</summary>
    public IEnumerable<ulong> Inodes => _owners.Keys;

    /// <summary>The owners of one socket, as ss -p orders them; empty when none was found.</summary>
    public SocketOwner[] OwnersOf(ulong inode) =>
        inode != 0 && _owners.TryGetValue(inode, out var owners) ? owners : None;

    /// <summary>
    /// Builds the index with one pass over /proc.
    /// </summary>
    /// <param name="inodes">Only these socket inodes are recorded; null records every socket.</param>
    /// <param name="processIds">Only these processes are read; null reads every process.</param>
    /// <param name="cancellationToken">Checked between processes.</param>
    /// <remarks>Processes are read on up to four threads; the result does not depend on it.</remarks>
    /// <param name="procRoot">The proc mount (tests may point elsewhere).</param>
    public static OwnerIndex Build(IReadOnlySet<ulong>? inodes, IReadOnlyCollection<int>? processIds = null,
        CancellationToken cancellationToken = default, string procRoot = "/proc")
    {
        var hits = new List<Hit>();
        var names = new Dictionary<int, string>();
        int scanned = 0, denied = 0, vanished = 0;
        if (inodes is { Count: 0 })
        {
            return new OwnerIndex([], 0, 0, 0);
        }

        int procFd = OpenDirectory(Libc.O_RDONLY, procRoot);
        if (procFd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new SocketToolsException("ProcUnavailable", SocketToolsException.KindOf(errno) == ErrorKind.ObjectNotFound
                    ? ErrorKind.ResourceUnavailable : SocketToolsException.KindOf(errno),
                $"Cannot open {procRoot}: {Errno.Describe(errno)}.", errno)
            { RecommendedAction = "Owners are read from /proc; mount procfs (mount -t proc proc /proc)." };
        }

        try
        {
            var pids = (processIds ?? (IEnumerable<int>)ListProcesses(procFd)).Where(p => p > 0).Distinct().ToList();
            var perProcess = new List<Hit>?[pids.Count];
            var results = new ScanResult[pids.Count];
            int workers = Workers;
            if (workers <= 1 || pids.Count < 2)
            {
                for (int i = 0; i < pids.Count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    results[i] = ScanProcess(procFd, pids[i], inodes, workers, out perProcess[i]);
                }
            }
            else
            {
                // The kernel work (readdir and readlink under /proc) is per process and runs in parallel;
                // results are kept per process and joined in /proc's order, so the outcome is the same.
                Parallel.For(0, pids.Count, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken },
                    i => results[i] = ScanProcess(procFd, pids[i], inodes, workers, out perProcess[i]));
            }

            for (int i = 0; i < pids.Count; i++)
            {
                switch (results[i])
                {
                    case ScanResult.Read:
                        scanned++;
                        break;
                    case ScanResult.Denied:
                        denied++;
                        break;
                    default:
                        vanished++;
                        break;
                }

                if (perProcess[i] is { } found)
                {
                    hits.AddRange(found);
                }
            }
        }
        finally
        {
            Libc.Close(procFd);
        }

        // ss -p prepends each owner to its hash chain, so it prints the last one found first.
        var owners = new Dictionary<ulong, SocketOwner[]>(hits.Count);
        for (int i = hits.Count - 1; i >= 0; i--)
        {
            var hit = hits[i];
            if (!names.TryGetValue(hit.Pid, out string? name))
            {
                name = ProcessInfo.ReadComm(hit.Pid, procRoot) ?? "?";
                names[hit.Pid] = name;
            }

            var owner = new SocketOwner(hit.Pid, name, hit.Fd);
            if (owners.TryGetValue(hit.Inode, out var list))
            {
                Array.Resize(ref list, list.Length + 1);
                list[^1] = owner;
                owners[hit.Inode] = list;
            }
            else
            {
                owners.Add(hit.Inode, [owner]);
            }
        }

        return new OwnerIndex(owners, scanned, denied, vanished);
    }

    private readonly record struct Hit(ulong Inode, int Pid, int Fd);

    private enum ScanResult
    {
        Read,
        Denied,
        Gone,
    }

    private static unsafe int OpenDirectory(int dirFd, string path)
    {
        Span<byte> buffer = stackalloc byte[path.Length * 3 + 1];
        int n = System.Text.Encoding.UTF8.GetBytes(path, buffer);
        buffer[n] = 0;
        fixed (byte* p = buffer)
        {
            // dirFd is ignored for an absolute path.
            return Libc.OpenAt(path.StartsWith('/') ? -100 /* AT_FDCWD */ : dirFd, p, Libc.O_RDONLY | Libc.O_CLOEXEC);
        }
    }

    /// <summary>The numeric entries of /proc, in the kernel's order (ascending pids).</summary>
    private static unsafe List<int> ListProcesses(int procFd)
    {
        var pids = new List<int>(1024);
        var buffer = new byte[32768];
        fixed (byte* b = buffer)
        {
            while (true)
            {
                nint n = Libc.GetDents64(procFd, b, buffer.Length);
                if (n <= 0)
                {
                    break;
                }

                for (nint off = 0; off < n;)
                {
                    byte* entry = b + off;
                    ushort reclen = *(ushort*)(entry + 16);
                    int value = ParseNumber(entry + 19);
                    if (value > 0)
                    {
                        pids.Add(value);
                    }

                    off += reclen;
                }
            }
        }

        return pids;
    }

    /// <summary>Threads for the pass: the cores, at most 4 (the work is syscalls on a shared kernel).</summary>
    private static int Workers => Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>A process's fd directory with this many entries or more is itself read by several threads.</summary>
    private const int SplitAt = 4096;

    /// <summary>Reads /proc/PID/fd and records the fds that are wanted sockets (null when none).</summary>
    private static unsafe ScanResult ScanProcess(int procFd, int pid, IReadOnlySet<ulong>? inodes, int workers, out List<Hit>? hits)
    {
        hits = null;
        byte* path = stackalloc byte[32];
        int len = WriteNumber(path, pid);
        path[len++] = (byte)'/';
        path[len++] = (byte)'f';
        path[len++] = (byte)'d';
        path[len] = 0;
        int fdDir = Libc.OpenAt(procFd, path, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fdDir < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno is Errno.EACCES or Errno.EPERM ? ScanResult.Denied : ScanResult.Gone;
        }

        try
        {
            var result = ListFds(fdDir, out var fds);
            if (fds.Count >= SplitAt && workers > 1)
            {
                int chunk = (fds.Count + workers - 1) / workers;
                var parts = new List<Hit>?[workers];
                Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers },
                    w => parts[w] = ResolveFds(fdDir, pid, fds, w * chunk, Math.Min(fds.Count, (w + 1) * chunk), inodes));
                foreach (var part in parts)
                {
                    if (part is not null)
                    {
                        (hits ??= new List<Hit>(part.Count)).AddRange(part);
                    }
                }
            }
            else
            {
                hits = ResolveFds(fdDir, pid, fds, 0, fds.Count, inodes);
            }

            return result;
        }
        finally
        {
            Libc.Close(fdDir);
        }
    }

    /// <summary>The fd numbers in an open /proc/PID/fd, in the kernel's (ascending) order.</summary>
    private static unsafe ScanResult ListFds(int fdDir, out List<int> fds)
    {
        fds = new List<int>(64);
        byte[] buffer = DentsBuffer ??= new byte[32768];
        fixed (byte* b = buffer)
        {
            while (true)
            {
                nint n = Libc.GetDents64(fdDir, b, buffer.Length);
                if (n < 0)
                {
                    // ENOENT: the process exited while its fds were listed. What was read stays.
                    int errno = Marshal.GetLastPInvokeError();
                    return errno is Errno.EACCES or Errno.EPERM ? ScanResult.Denied : ScanResult.Read;
                }

                if (n == 0)
                {
                    return ScanResult.Read;
                }

                for (nint off = 0; off < n;)
                {
                    byte* entry = b + off;
                    off += *(ushort*)(entry + 16);
                    int fd = ParseNumber(entry + 19);
                    if (fd >= 0)
                    {
                        fds.Add(fd);
                    }
                }
            }
        }
    }

    /// <summary>readlinkat for fds[from..to): the wanted sockets among them, or null.</summary>
    private static unsafe List<Hit>? ResolveFds(int fdDir, int pid, List<int> fds, int from, int to, IReadOnlySet<ulong>? inodes)
    {
        List<Hit>? hits = null;
        byte* name = stackalloc byte[16];
        byte* link = stackalloc byte[64];
        for (int i = from; i < to; i++)
        {
            int fd = fds[i];
            name[WriteNumber(name, fd)] = 0;
            nint got = Libc.ReadLinkAt(fdDir, name, link, 64);
            if (got < 10)
            {
                continue; // closed meanwhile, or not a socket
            }

            ulong inode = ParseSocketLink(link, (int)got);
            if (inode != 0 && (inodes is null || inodes.Contains(inode)))
            {
                (hits ??= []).Add(new Hit(inode, pid, fd));
            }
        }

        return hits;
    }

    [ThreadStatic]
    private static byte[]? DentsBuffer;

    /// <summary>The inode of a "socket:[12345]" link text, or 0 when it is something else.</summary>
    internal static unsafe ulong ParseSocketLink(byte* text, int length)
    {
        // "socket:[" is 8 bytes; the shortest link is "socket:[1]".
        if (length < 10 || text[0] != 's' || text[1] != 'o' || text[2] != 'c' || text[3] != 'k'
            || text[4] != 'e' || text[5] != 't' || text[6] != ':' || text[7] != '[' || text[length - 1] != ']')
        {
            return 0;
        }

        ulong inode = 0;
        for (int i = 8; i < length - 1; i++)
        {
            uint d = (uint)(text[i] - '0');
            if (d > 9)
            {
                return 0;
            }

            inode = inode * 10 + d;
        }

        return inode;
    }

    /// <summary>A NUL-terminated decimal name, or -1 when it is not all digits (".", "self" …).</summary>
    private static unsafe int ParseNumber(byte* name)
    {
        int value = 0;
        int i = 0;
        for (; name[i] != 0; i++)
        {
            uint d = (uint)(name[i] - '0');
            if (d > 9 || i >= 9)
            {
                return -1;
            }

            value = value * 10 + (int)d;
        }

        return i == 0 ? -1 : value;
    }

    private static unsafe int WriteNumber(byte* into, int value)
    {
        Span<byte> digits = stackalloc byte[11];
        int n = 0;
        do
        {
            digits[n++] = (byte)('0' + value % 10);
            value /= 10;
        }
        while (value > 0);

        for (int i = 0; i < n; i++)
        {
            into[i] = digits[n - 1 - i];
        }

        return n;
    }
}

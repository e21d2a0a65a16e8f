using System.Runtime.InteropServices;
using SocketTools.Native;

namespace SocketTools.Linux;

/// <summary>
/// Which processes hold which sockets: one pass over /proc/&lt;pid&gt;/fd (readlink gives
/// <c>socket:[inode]</c>) into an index inode → owners. Every owner of a shared socket is kept,
/// in the order ss -p prints them (the last process and fd found first).
/// </summary>
/// <remarks>
/// The pass (<see cref="OwnerScan"/>) reads directories with getdents64 and links with readlinkat
/// relative to an open directory (no path strings, no FileSystemInfo), on up to four threads:
/// processes in parallel, and a process with thousands of fds split into chunks that idle threads
/// take. When a set of inodes is given, only fds whose inode is in it are recorded; either way its
/// cost is linear in the number of fds on the host. Processes that exit and fds that close during
/// the pass are skipped; a /proc/&lt;pid&gt;/fd that cannot be opened (EACCES for other users'
/// processes when not root) is counted in <see cref="DeniedProcesses"/>. It never throws for a
/// single process.
/// </remarks>
public sealed class OwnerIndex
{
    private static readonly SocketOwner[] None = [];

    /// <summary>inode → the index in <see cref="_hits"/> of its last hit (the owner ss prints first).</summary>
    private readonly Dictionary<ulong, int> _last;

    /// <summary>Every hit in the order the pass found them; <see cref="Hit.Previous"/> chains one inode's hits backwards.</summary>
    private readonly Hit[] _hits;

    /// <summary>The process id, name and cgroup identity of each <see cref="Hit.Process"/>.</summary>
    private readonly (int Pid, string Name, CgroupIdentity? Cgroup)[] _processes;

    private OwnerIndex(Dictionary<ulong, int> last, Hit[] hits, (int, string, CgroupIdentity?)[] processes, int scanned, int denied, int vanished, long fds)
    {
        _last = last;
        _hits = hits;
        _processes = processes;
        ScannedProcesses = scanned;
        DeniedProcesses = denied;
        VanishedProcesses = vanished;
        ScannedFds = fds;
    }

    /// <summary>An index without owners (nothing was looked up).</summary>
    internal static OwnerIndex Empty { get; } = new([], [], [], 0, 0, 0, 0);

    /// <summary>Processes whose fd directory was read.</summary>
    public int ScannedProcesses { get; }

    /// <summary>File descriptors listed in the processes that were read.</summary>
    public long ScannedFds { get; }

    /// <summary>Processes whose /proc/&lt;pid&gt;/fd could not be opened (EACCES, EPERM): their owners are missing.</summary>
    public int DeniedProcesses { get; }

    /// <summary>Processes that exited between being listed and being read.</summary>
    public int VanishedProcesses { get; }

    /// <summary>How many sockets have at least one owner.</summary>
    public int Count => _last.Count;

    /// <summary>Every inode that has at least one owner.</summary>
    public IEnumerable<ulong> Inodes => _last.Keys;

    /// <summary>The owners of one socket, as ss -p orders them; empty when none was found.</summary>
    public SocketOwner[] OwnersOf(ulong inode)
    {
        if (inode == 0 || !_last.TryGetValue(inode, out int last))
        {
            return None;
        }

        int n = 0;
        for (int i = last; i >= 0; i = _hits[i].Previous)
        {
            n++;
        }

        var owners = new SocketOwner[n];
        n = 0;
        for (int i = last; i >= 0; i = _hits[i].Previous)
        {
            var (pid, name, cgroup) = _processes[_hits[i].Process];
            owners[n++] = new SocketOwner(pid, name, _hits[i].Fd)
            {
                ContainerId = cgroup?.ContainerId,
                ContainerRuntime = cgroup?.ContainerRuntime,
                PodUid = cgroup?.PodUid,
                Unit = cgroup?.Unit,
            };
        }

        return owners;
    }

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
        if (inodes is { Count: 0 })
        {
            return Empty;
        }

        using var scan = OwnerScan.Start(inodes, processIds, background: false, cancellationToken, procRoot);
        return scan.Finish();
    }

    /// <summary>Joins what the pass found, per process in /proc's order, into the index.</summary>
    internal static OwnerIndex Join(IReadOnlyList<OwnerScan.ProcessScan> processes)
    {
        int scanned = 0, denied = 0, vanished = 0, total = 0, owning = 0;
        long fds = 0;
        foreach (var p in processes)
        {
            fds += p.Fds?.Count ?? 0;
            switch (p.Result)
            {
                case OwnerScan.Outcome.Read:
                    scanned++;
                    break;
                case OwnerScan.Outcome.Denied:
                    denied++;
                    break;
                default:
                    vanished++;
                    break;
            }

            if (p.HitCount > 0)
            {
                total += p.HitCount;
                owning++;
            }
        }

        var hits = new Hit[total];
        var names = new (int, string, CgroupIdentity?)[owning];
        var last = new Dictionary<ulong, int>(total);
        int k = 0, slot = 0;
        foreach (var p in processes)
        {
            if (p.HitCount == 0)
            {
                continue;
            }

            names[slot] = (p.Pid, p.Name ?? "?", p.Cgroup);
            foreach (var part in p.Parts!)
            {
                if (part is null)
                {
                    continue;
                }

                foreach (var (inode, fd) in part)
                {
                    // ss -p prepends each owner to its hash chain, so it prints the last one found first.
                    ref int previous = ref CollectionsMarshal.GetValueRefOrAddDefault(last, inode, out bool exists);
                    hits[k] = new Hit(inode, fd, slot, exists ? previous : -1);
                    previous = k++;
                }
            }

            slot++;
        }

        return new OwnerIndex(last, hits, names, scanned, denied, vanished, fds);
    }

    /// <summary>One socket fd: its inode, fd number, process slot, and the index of the same inode's previous hit (-1: none).</summary>
    private readonly record struct Hit(ulong Inode, int Fd, int Process, int Previous);

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
}

/// <summary>
/// The /proc pass behind <see cref="OwnerIndex"/>, which can run in the background: started before
/// the sockets are read (on its own threads), finished when they have been (the caller's thread
/// joins the work that is left), or disposed unfinished (it stops between items).
/// </summary>
/// <remarks>
/// Each thread takes the next process (in /proc's order), lists its fds and resolves them; a process
/// with many fds is resolved in chunks, which threads that find no process left to list help with
/// (the process with the most chunks left first). Results are kept per process and per chunk, so
/// the joined index does not depend on the threads.
/// </remarks>
internal sealed class OwnerScan : IDisposable
{
    /// <summary>A process's fd directory with this many entries or more is split into chunks for several threads.</summary>
    internal const int SplitAt = 4096;

    /// <summary>The fds one chunk resolves.</summary>
    internal const int ChunkSize = 1024;

    private readonly object _gate = new();
    private readonly List<ProcessScan> _split = [];
    private readonly IReadOnlySet<ulong>? _inodes;
    private readonly string _procRoot;
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenSource _stop = new();
    private readonly int _workers;
    private readonly List<Thread> _threads = [];
    private readonly ProcessScan[] _processes = [];
    private readonly int _procFd = -1;
    private readonly SocketToolsException? _unavailable;
    private int _next;
    private int _listing;
    private Exception? _error;
    private bool _closed;

    private OwnerScan(IReadOnlySet<ulong>? inodes, IReadOnlyCollection<int>? processIds, CancellationToken cancellationToken, string procRoot)
    {
        _inodes = inodes;
        _procRoot = procRoot;
        _cancellationToken = cancellationToken;
        _workers = Workers;
        int errno = OpenDirectory(procRoot, out _procFd);
        if (errno != 0)
        {
            _unavailable = new SocketToolsException("ProcUnavailable", SocketToolsException.KindOf(errno) == ErrorKind.ObjectNotFound
                    ? ErrorKind.ResourceUnavailable : SocketToolsException.KindOf(errno),
                $"Cannot open {procRoot}: {Errno.Describe(errno)}.", errno)
            { RecommendedAction = "Owners are read from /proc; mount procfs (mount -t proc proc /proc)." };
            return;
        }

        var pids = (processIds ?? (IEnumerable<int>)ListProcesses(_procFd)).Where(p => p > 0).Distinct();
        _processes = pids.Select(p => new ProcessScan(p)).ToArray();
    }

    /// <summary>Threads for the pass: the cores, at most 4 (the work is syscalls on a shared kernel).</summary>
    private static int Workers => Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>
    /// Lists the processes and starts reading their fds. In the <paramref name="background"/> the
    /// pass starts at once on threads of its own (one fewer than the cores, at least one); otherwise
    /// <see cref="Finish"/> runs it on the caller's thread and as many more. A /proc that cannot be
    /// opened fails in <see cref="Finish"/>.
    /// </summary>
    public static OwnerScan Start(IReadOnlySet<ulong>? inodes, IReadOnlyCollection<int>? processIds, bool background,
        CancellationToken cancellationToken = default, string procRoot = "/proc")
    {
        var scan = new OwnerScan(inodes, processIds, cancellationToken, procRoot);
        if (background)
        {
            scan.StartThreads(Math.Max(1, scan._workers - 1));
        }

        return scan;
    }

    private void StartThreads(int count)
    {
        if (_procFd < 0 || _processes.Length == 0)
        {
            return;
        }

        for (int i = 0; i < count; i++)
        {
            var thread = new Thread(Work) { IsBackground = true, Name = "SocketTools owner scan" };
            thread.Start();
            _threads.Add(thread);
        }
    }

    /// <summary>Completes the pass (the calling thread helps) and joins the result.</summary>
    public OwnerIndex Finish()
    {
        if (_unavailable is not null)
        {
            throw _unavailable;
        }

        if (_threads.Count == 0)
        {
            StartThreads(_workers - 1);
        }

        Work();
        Stop(cancel: false);
        if (_error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_error);
        }

        _cancellationToken.ThrowIfCancellationRequested();
        return OwnerIndex.Join(_processes);
    }

    /// <summary>Stops the pass where it is (when not finished) and releases its descriptors.</summary>
    public void Dispose() => Stop(cancel: true);

    private void Stop(bool cancel)
    {
        if (_closed)
        {
            return;
        }

        if (cancel)
        {
            lock (_gate)
            {
                _stop.Cancel();
                Monitor.PulseAll(_gate);
            }
        }

        foreach (var thread in _threads)
        {
            thread.Join();
        }

        _closed = true;
        foreach (var p in _processes)
        {
            // Split processes whose chunks were not all taken (a stop, an error) still hold their directory.
            if (p.FdDir >= 0)
            {
                Libc.Close(p.FdDir);
                p.FdDir = -1;
            }
        }

        if (_procFd >= 0)
        {
            Libc.Close(_procFd);
        }

        _stop.Dispose();
    }

    /// <summary>One thread's loop: list a process and resolve its chunks, or help with another's, until none is left.</summary>
    private void Work()
    {
        byte[] buffer = new byte[32768];
        while (Take(out var process, out bool list))
        {
            try
            {
                if (list && !ListProcess(process, buffer))
                {
                    continue;
                }

                ResolveChunks(process);
            }
            catch (Exception e)
            {
                lock (_gate)
                {
                    _error ??= e;
                    Monitor.PulseAll(_gate);
                }

                return;
            }
        }
    }

    /// <summary>
    /// The next process to list, else a listed process with chunks left (the one with the most);
    /// false when the pass is done or stopped.
    /// </summary>
    private bool Take(out ProcessScan process, out bool list)
    {
        lock (_gate)
        {
            while (true)
            {
                if (_error is not null || _stop.IsCancellationRequested || _cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                // Whole processes first: threads on different processes do not contend in the kernel.
                if (_next < _processes.Length)
                {
                    process = _processes[_next++];
                    list = true;
                    _listing++;
                    return true;
                }

                ProcessScan? best = null;
                int left = 0;
                for (int i = _split.Count - 1; i >= 0; i--)
                {
                    int n = _split[i].ChunksLeft;
                    if (n <= 0)
                    {
                        _split.RemoveAt(i);
                    }
                    else if (n > left)
                    {
                        (best, left) = (_split[i], n);
                    }
                }

                if (best is not null)
                {
                    process = best;
                    list = false;
                    return true;
                }

                if (_listing == 0)
                {
                    break;
                }

                // A thread is listing a process: it may have chunks to share.
                Monitor.Wait(_gate);
            }
        }

        process = null!;
        list = false;
        return false;
    }

    /// <summary>Opens and lists /proc/PID/fd; false when there is nothing to resolve (the process is gone or denied).</summary>
    private unsafe bool ListProcess(ProcessScan p, byte[] buffer)
    {
        bool split = false;
        try
        {
            byte* path = stackalloc byte[32];
            int len = WriteNumber(path, p.Pid);
            path[len++] = (byte)'/';
            path[len++] = (byte)'f';
            path[len++] = (byte)'d';
            path[len] = 0;
            int errno = Libc.TryOpenAt(_procFd, path, Libc.O_RDONLY | Libc.O_CLOEXEC, out int fdDir);
            if (errno != 0)
            {
                p.Result = errno is Errno.EACCES or Errno.EPERM ? Outcome.Denied : Outcome.Gone;
                return false;
            }

            p.FdDir = fdDir;
            p.Result = ListFds(fdDir, buffer, out var fds);
            int chunks = fds.Count >= SplitAt && _workers > 1 ? (fds.Count + ChunkSize - 1) / ChunkSize : 1;
            p.Fds = fds;
            p.Parts = new List<(ulong, int)>?[chunks];
            p.Pending = chunks;
            split = chunks > 1;
            return true;
        }
        finally
        {
            lock (_gate)
            {
                if (split)
                {
                    // Threads without a process of their own help with its chunks.
                    _split.Add(p);
                }

                _listing--;
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Resolves chunks of a listed process until none is left to take.</summary>
    private void ResolveChunks(ProcessScan p)
    {
        int count = p.Parts!.Length;
        int part;
        while ((part = Interlocked.Increment(ref p.NextChunk) - 1) < count)
        {
            ResolvePart(p, part);
            if (_stop.IsCancellationRequested || _cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Resolves one chunk of a listed process; the thread that resolves its last one closes the directory and reads the name and cgroup.</summary>
    private void ResolvePart(ProcessScan p, int part)
    {
        int size = p.Parts!.Length == 1 ? p.Fds!.Count : ChunkSize;
        int from = part * size;
        p.Parts[part] = ResolveFds(p.FdDir, p.Fds!, from, Math.Min(p.Fds!.Count, from + size), _inodes);
        if (Interlocked.Decrement(ref p.Pending) != 0)
        {
            return;
        }

        Libc.Close(p.FdDir);
        p.FdDir = -1;
        int hits = 0;
        foreach (var found in p.Parts)
        {
            hits += found?.Count ?? 0;
        }

        p.HitCount = hits;
        if (hits > 0)
        {
            p.Name = ProcessInfo.ReadComm(p.Pid, _procRoot);
            p.Cgroup = CgroupIdentity.Read(p.Pid, _procRoot);
        }
    }

    /// <summary>What the pass found in one process.</summary>
    internal sealed class ProcessScan(int pid)
    {
        public int Pid { get; } = pid;

        public Outcome Result { get; set; }

        /// <summary>The open /proc/PID/fd while its fds are being resolved; -1 otherwise.</summary>
        public int FdDir = -1;

        public List<int>? Fds;

        /// <summary>The socket fds of each chunk in fd order (null: none).</summary>
        public List<(ulong Inode, int Fd)>?[]? Parts { get; set; }

        /// <summary>Chunks not resolved yet (the thread that brings it to 0 finishes the process).</summary>
        public int Pending;

        /// <summary>The next chunk to take.</summary>
        public int NextChunk;

        /// <summary>How many chunks are left to take.</summary>
        public int ChunksLeft => (Parts?.Length ?? 0) - Volatile.Read(ref NextChunk);

        public int HitCount { get; set; }

        /// <summary>/proc/PID/comm, read when the process holds a recorded socket (null: unreadable).</summary>
        public string? Name { get; set; }

        /// <summary>The container, pod and unit from /proc/PID/cgroup, read with <see cref="Name"/> (null: unreadable).</summary>
        public CgroupIdentity? Cgroup { get; set; }
    }

    /// <summary>How reading one process went.</summary>
    internal enum Outcome
    {
        Read,
        Denied,
        Gone,
    }

    /// <summary>Opens a directory by path (relative: from the current directory); returns errno, 0 on success.</summary>
    private static unsafe int OpenDirectory(string path, out int fd)
    {
        Span<byte> buffer = stackalloc byte[path.Length * 3 + 1];
        int n = System.Text.Encoding.UTF8.GetBytes(path, buffer);
        buffer[n] = 0;
        fixed (byte* p = buffer)
        {
            return Libc.TryOpenAt(Libc.AT_FDCWD, p, Libc.O_RDONLY | Libc.O_CLOEXEC, out fd);
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
                if (Libc.TryGetDents64(procFd, b, buffer.Length, out nint n) != 0 || n == 0)
                {
                    break;
                }

                for (nint off = 0; off < n;)
                {
                    var entry = (LinuxDirent64*)(b + off);
                    int value = ParseNumber(entry->d_name);
                    if (value > 0)
                    {
                        pids.Add(value);
                    }

                    off += entry->d_reclen;
                }
            }
        }

        return pids;
    }

    /// <summary>The fd numbers in an open /proc/PID/fd, in the kernel's (ascending) order.</summary>
    private static unsafe Outcome ListFds(int fdDir, byte[] buffer, out List<int> fds)
    {
        fds = new List<int>(64);
        fixed (byte* b = buffer)
        {
            while (true)
            {
                int errno = Libc.TryGetDents64(fdDir, b, buffer.Length, out nint n);
                if (errno != 0)
                {
                    // ENOENT: the process exited while its fds were listed. What was read stays.
                    return errno is Errno.EACCES or Errno.EPERM ? Outcome.Denied : Outcome.Read;
                }

                if (n == 0)
                {
                    return Outcome.Read;
                }

                for (nint off = 0; off < n;)
                {
                    var entry = (LinuxDirent64*)(b + off);
                    off += entry->d_reclen;
                    int fd = ParseNumber(entry->d_name);
                    if (fd >= 0)
                    {
                        fds.Add(fd);
                    }
                }
            }
        }
    }

    /// <summary>readlinkat for fds[from..to): the wanted sockets among them, or null.</summary>
    private static unsafe List<(ulong, int)>? ResolveFds(int fdDir, List<int> fds, int from, int to, IReadOnlySet<ulong>? inodes)
    {
        List<(ulong, int)>? hits = null;
        byte* name = stackalloc byte[16];
        byte* link = stackalloc byte[64];
        for (int i = from; i < to; i++)
        {
            int fd = fds[i];
            name[WriteNumber(name, fd)] = 0;
            if (Libc.TryReadLinkAt(fdDir, name, link, 64, out nint got) != 0 || got < 10)
            {
                continue; // closed meanwhile, or not a socket
            }

            ulong inode = OwnerIndex.ParseSocketLink(link, (int)got);
            if (inode != 0 && (inodes is null || inodes.Contains(inode)))
            {
                (hits ??= new List<(ulong, int)>(Math.Min(to - i, ChunkSize))).Add((inode, fd));
            }
        }

        return hits;
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

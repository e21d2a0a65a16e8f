using System.Text;
using SocketTools.Native;
using SocketTools.Query;

namespace SocketTools.Linux;

/// <summary>
/// Enumerates sockets from the text tables under /proc/net (tcp, tcp6, udp, udp6, raw, raw6, unix,
/// packet): the fallback when netlink sock_diag is unavailable, and selectable with
/// <see cref="SocketSourceKind.Proc"/>. Yields the same <see cref="SocketInfo"/> objects as
/// <see cref="NetlinkSource"/> for every field /proc carries; the rest stay null or 0 (see
/// <see cref="Unavailable"/>).
/// </summary>
public sealed class ProcNetSource : ISocketSource
{
    /// <summary>The per-thread view of /proc/net, so that a file opened on a thread in a namespace shows that namespace.</summary>
    public const string DefaultRoot = "/proc/thread-self/net";

    /// <summary>What the /proc/net source does not report, for warnings and documentation.</summary>
    public const string Unavailable =
        "socket cookies, IPV6_V6ONLY, the bound interface of IP sockets, a TCP listener's backlog (Send-Q), "
        + "and the queues, uid and peer of Unix sockets";

    private readonly string _root;
    private readonly NamespaceScope? _scope;

    /// <summary>Reads the calling thread's (or the query's namespace's) /proc/net.</summary>
    public ProcNetSource()
        : this(DefaultRoot)
    {
    }

    /// <summary>Reads the tables from <paramref name="root"/> instead (a directory of captured files, for tests).</summary>
    internal ProcNetSource(string root) => _root = root;

    /// <summary>Reads /proc/net of one query's namespace, opening the tables through its <paramref name="scope"/>.</summary>
    internal ProcNetSource(NamespaceScope scope)
        : this(DefaultRoot) => _scope = scope;

    /// <inheritdoc />
    public IEnumerable<SocketInfo> Enumerate(SocketQuery query, QueryDiagnostics diagnostics, CancellationToken cancellationToken)
    {
        if (_scope is not null)
        {
            return Read(query, _scope, diagnostics, cancellationToken);
        }

        return ReadInOwnScope(query, diagnostics, cancellationToken);
    }

    private IEnumerable<SocketInfo> ReadInOwnScope(SocketQuery query, QueryDiagnostics diagnostics, CancellationToken cancellationToken)
    {
        using var scope = NamespaceScope.For(query.NetworkNamespace);
        foreach (var socket in Read(query, scope, diagnostics, cancellationToken))
        {
            yield return socket;
        }
    }

    private IEnumerable<SocketInfo> Read(SocketQuery query, NamespaceScope scope, QueryDiagnostics diagnostics, CancellationToken cancellationToken)
    {
        var tables = Tables(query);
        if (tables.Count == 0)
        {
            yield break;
        }

        if (query.Includes(SocketProtocol.Netlink))
        {
            diagnostics.Warn("The /proc/net source does not list netlink sockets.");
        }

        if (query.IncludeInfo && query.Includes(SocketProtocol.Tcp))
        {
            diagnostics.Warn("The /proc/net source has no tcp_info: the Tcp property stays empty. -Info needs netlink (-Source Netlink or Auto).");
        }

        if (query.IncludeMemory)
        {
            diagnostics.Warn("The /proc/net source has no socket memory (skmeminfo): the Memory property stays empty. -Memory needs netlink (-Source Netlink or Auto).");
        }

        if (query.Interface is not null)
        {
            diagnostics.Warn("The /proc/net source does not report the interface of IP sockets; -Interface matches packet sockets only.");
        }

        var streams = ProcFiles.Open(scope, _root, tables.Select(t => t.File).ToArray());
        InterfaceNames? names = null;
        try
        {
            diagnostics.Note($"Source: /proc/net ({string.Join(", ", tables.Select(t => t.File))}){NetlinkSource.In(query.NetworkNamespace)}; "
                + "every condition but the protocol and family is checked in process.");
            if (tables.Any(t => t.Protocol == SocketProtocol.Packet))
            {
                names = _root == DefaultRoot ? scope.Run(() => InterfaceNames.Open(null)) : null;
            }

            for (int i = 0; i < tables.Count; i++)
            {
                var (file, protocol, v6) = tables[i];
                var stream = streams[i];
                if (stream is null)
                {
                    // tcp6 and friends are missing when IPv6 is disabled; raw when the module is absent.
                    diagnostics.Warn($"{_root}/{file} does not exist; {Describe(protocol, v6)} sockets are not listed.");
                    continue;
                }

                foreach (var socket in ReadTable(stream, file, protocol, v6, names, diagnostics, cancellationToken))
                {
                    yield return socket;
                }
            }
        }
        finally
        {
            names?.Dispose();
            foreach (var s in streams)
            {
                s?.Dispose();
            }
        }
    }

    /// <summary>The sockets of one table, read in one go; a line that cannot be parsed is counted and skipped.</summary>
    private IEnumerable<SocketInfo> ReadTable(FileStream stream, string file, SocketProtocol protocol, bool v6, InterfaceNames? names,
        QueryDiagnostics diagnostics, CancellationToken cancellationToken)
    {
        // One large read per table: the kernel walks its (host-wide) hash tables once per read
        // call and resumes by position between calls, which can skip or repeat entries while
        // other namespaces add and remove sockets. Repeats of an inode are dropped.
        string text = ProcFiles.ReadAllText(stream, _root + "/" + file);
        var seen = new HashSet<ulong>();
        int count = 0;
        int start = text.IndexOf('\n') + 1;   // the header line
        while (start > 0 && start < text.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int end = text.IndexOf('\n', start);
            if (end < 0)
            {
                end = text.Length;
            }

            int length = end - start;
            int lineStart = start;
            start = end + 1;
            if (length == 0)
            {
                continue;
            }

            var socket = Parse(text, lineStart, length, protocol, v6, names, out bool embryo);
            if (socket is null)
            {
                diagnostics.SkippedRecords++;
                continue;
            }

            if (embryo || (socket.Inode != 0 && !seen.Add(socket.Inode)))
            {
                continue;
            }

            count++;
            yield return socket;
        }

        diagnostics.Note($"{_root}/{file}: {count} socket(s).");
    }

    private static SocketInfo? Parse(string text, int start, int length, SocketProtocol protocol, bool v6,
        InterfaceNames? names, out bool embryo)
    {
        embryo = false;
        var line = text.AsSpan(start, length);
        return protocol switch
        {
            SocketProtocol.Unix => ProcNet.ParseUnix(line, out embryo),
            SocketProtocol.Packet => ProcNet.ParsePacket(line, names),
            _ => ProcNet.ParseInet(line, protocol, v6),
        };
    }

    private static string Describe(SocketProtocol protocol, bool v6) => protocol switch
    {
        SocketProtocol.Tcp or SocketProtocol.Udp or SocketProtocol.Raw => (v6 ? "IPv6 " : "IPv4 ") + protocol.ToString().ToUpperInvariant(),
        _ => protocol.ToString(),
    };

    /// <summary>The tables a query needs: (file name, protocol, IPv6).</summary>
    internal static List<(string File, SocketProtocol Protocol, bool V6)> Tables(SocketQuery query)
    {
        var tables = new List<(string, SocketProtocol, bool)>();
        foreach (var protocol in query.Protocols.Distinct())
        {
            string? stem = protocol switch
            {
                SocketProtocol.Tcp => "tcp",
                SocketProtocol.Udp => "udp",
                SocketProtocol.Raw => "raw",
                _ => null,
            };
            if (stem is not null)
            {
                if (query.Includes(SocketFamily.IPv4))
                {
                    tables.Add((stem, protocol, false));
                }

                if (query.Includes(SocketFamily.IPv6))
                {
                    tables.Add((stem + "6", protocol, true));
                }
            }
            else if (protocol == SocketProtocol.Unix)
            {
                tables.Add(("unix", protocol, false));
            }
            else if (protocol == SocketProtocol.Packet)
            {
                tables.Add(("packet", protocol, false));
            }
        }

        return tables;
    }
}

/// <summary>Opens files under /proc/net in a network namespace and reads them with typed errors.</summary>
internal static class ProcFiles
{
    /// <summary>
    /// Opens <paramref name="names"/> under <paramref name="root"/> on a thread inside
    /// <paramref name="netns"/>; the open files keep showing that namespace on any thread. A file that
    /// does not exist is null; a denied one is a PermissionDenied error.
    /// </summary>
    public static FileStream?[] Open(string? netns, string root, IReadOnlyList<string> names)
    {
        using var scope = NamespaceScope.For(netns);
        return Open(scope, root, names);
    }

    /// <summary>Opens <paramref name="names"/> under <paramref name="root"/> through a query's <paramref name="scope"/>, as <see cref="Open(string?, string, IReadOnlyList{string})"/> does.</summary>
    public static FileStream?[] Open(NamespaceScope scope, string root, IReadOnlyList<string> names) => scope.Run(() =>
    {
        var streams = new FileStream?[names.Count];
        try
        {
            if (!Directory.Exists(root))
            {
                throw new SocketToolsException("ProcNetUnavailable", ErrorKind.ResourceUnavailable,
                    $"{root} does not exist: /proc is not mounted, or this is not Linux.", Errno.ENOENT)
                { RecommendedAction = "Mount procfs on /proc, or use the netlink source." };
            }

            for (int i = 0; i < names.Count; i++)
            {
                streams[i] = OpenOne(root + "/" + names[i]);
            }

            return streams;
        }
        catch
        {
            foreach (var s in streams)
            {
                s?.Dispose();
            }

            throw;
        }
    });

    /// <summary>Opens one file for reading; null when it does not exist.</summary>
    public static FileStream? OpenOne(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SocketToolsException("ProcNetAccessDenied", ErrorKind.PermissionDenied,
                $"{path} cannot be read: permission denied.", Errno.EACCES, e)
            { RecommendedAction = "Run with access to /proc/net (it may be masked in a locked-down container)." };
        }
        catch (IOException e)
        {
            throw new SocketToolsException("ProcNetReadFailed", ErrorKind.ReadError, $"{path} cannot be opened: {e.Message}", 0, e);
        }
    }

    /// <summary>
    /// Reads a whole /proc file with as few read calls as possible (each asks for all the room left
    /// in a buffer that doubles when full), turning an I/O failure into a typed error.
    /// </summary>
    public static string ReadAllText(FileStream stream, string path)
    {
        byte[] buffer = new byte[256 * 1024];
        int filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                int n = stream.Read(buffer, filled, buffer.Length - filled);
                if (n == 0)
                {
                    break;
                }

                filled += n;
            }
        }
        catch (IOException e)
        {
            throw new SocketToolsException("ProcNetReadFailed", ErrorKind.ReadError, $"{path} could not be read: {e.Message}", 0, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SocketToolsException("ProcNetAccessDenied", ErrorKind.PermissionDenied,
                $"{path} cannot be read: permission denied.", Errno.EACCES, e);
        }

        return Encoding.UTF8.GetString(buffer, 0, filled);
    }
}

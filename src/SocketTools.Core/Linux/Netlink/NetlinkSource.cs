using SocketTools.Native;
using SocketTools.Query;

namespace SocketTools.Linux;

/// <summary>
/// Enumerates sockets with netlink sock_diag: inet_diag per (protocol, family) for TCP, UDP and raw
/// sockets, with the state set sent as idiag_states; unix_diag, packet_diag and netlink_diag once
/// each. A protocol whose diag module the kernel lacks (raw_diag, packet_diag …) ends the
/// enumeration with its <see cref="NetlinkException"/>: what happens then (/proc/net answers for it,
/// or it is skipped) is decided by <see cref="LinuxSocketSource"/>, the one place that chooses
/// between netlink and /proc/net.
/// </summary>
public sealed class NetlinkSource : ISocketSource
{
    private readonly Func<FilterNode?, Func<string, int?>, byte[]?> _compile;

    /// <summary>A source that sends the query's conditions to the kernel as inet_diag bytecode.</summary>
    public NetlinkSource()
        : this(null)
    {
    }

    /// <summary>A source with another bytecode compiler (tests: bytecode the kernel rejects).</summary>
    internal NetlinkSource(Func<FilterNode?, Func<string, int?>, byte[]?>? compile) => _compile = compile ?? InetDiagBytecode.Compile;

    /// <summary>The bytecode sent with every inet_diag dump; dropped for the rest of the query when the kernel rejects it.</summary>
    private sealed class InetFilter
    {
        public byte[]? Bytecode;
    }

    /// <inheritdoc />
    public IEnumerable<SocketInfo> Enumerate(SocketQuery query, QueryDiagnostics diagnostics, CancellationToken cancellationToken)
    {
        using var scope = NamespaceScope.For(query.NetworkNamespace);
        using var session = Bind(scope);
        foreach (var socket in session.Enumerate(query, diagnostics, cancellationToken))
        {
            yield return socket;
        }
    }

    /// <summary>A source for one query in <paramref name="scope"/>: see <see cref="Session"/>.</summary>
    internal Session Bind(NamespaceScope scope) => new(_compile, scope);

    /// <summary>
    /// The netlink source of one query: its first call opens the sock_diag socket and the interface
    /// names (through the query's scope, so the namespace is entered once), notes the source and the
    /// kernel filter, and compiles the bytecode; later calls, which differ from the first in their
    /// protocols only (<see cref="LinuxSocketSource"/> asks one protocol at a time), reuse all of it.
    /// </summary>
    internal sealed class Session(Func<FilterNode?, Func<string, int?>, byte[]?> compile, NamespaceScope scope) : ISocketSource, IDisposable
    {
        private NetlinkSocket? _socket;
        private InterfaceNames? _names;
        private InetFilter? _filter;
        private FilterNode? _conditions;
        private byte[] _request = [];

        /// <inheritdoc />
        public IEnumerable<SocketInfo> Enumerate(SocketQuery query, QueryDiagnostics diagnostics, CancellationToken cancellationToken)
        {
            if (_socket is null)
            {
                Open(query, diagnostics);
            }

            foreach (var protocol in Expand(query.Protocols))
            {
                uint states = query.States.KernelMask(protocol);
                if (states == 0)
                {
                    continue;
                }

                if (protocol is SocketProtocol.Unix or SocketProtocol.Packet or SocketProtocol.Netlink && _conditions is not null)
                {
                    diagnostics.Note($"{protocol} sockets: the kernel selects {(protocol == SocketProtocol.Unix ? "by state" : "all of them")}; the conditions are checked in process.");
                }

                IEnumerable<SocketInfo> sockets = protocol switch
                {
                    SocketProtocol.Tcp or SocketProtocol.Udp or SocketProtocol.Raw =>
                        DumpInet(_socket!, _names!, _request, _filter!, query, protocol, states, diagnostics, cancellationToken),
                    SocketProtocol.Unix => DumpUnix(_socket!, _request, query, states, cancellationToken),
                    SocketProtocol.Packet => DumpPacket(_socket!, _names!, _request, query, cancellationToken),
                    SocketProtocol.Netlink => DumpNetlink(_socket!, _request, query, cancellationToken),
                    _ => [],
                };

                foreach (var item in sockets)
                {
                    yield return item;
                }
            }
        }

        private void Open(SocketQuery query, QueryDiagnostics diagnostics)
        {
            // Both sockets are opened on the query's one trip into the namespace.
            (_socket, _names) = scope.Run(OpenSockets);
            _socket.Diagnostics = diagnostics;
            diagnostics.Note($"Source: netlink sock_diag{In(query.NetworkNamespace)}.");

            // Ports, addresses, the device and -Filter go to the kernel as bytecode, compiled once.
            _conditions = query.KernelFilter();
            _filter = new InetFilter { Bytecode = query.KernelBytecode ? compile(_conditions, _names.IndexOf) : null };
            diagnostics.Note(_conditions is null
                ? "Kernel filter: the states only (no port, address, device or filter condition)."
                : _filter.Bytecode is not null
                    ? $"Kernel filter: the states and {_filter.Bytecode.Length} bytes of inet_diag bytecode for {_conditions}; TCP, UDP and raw sockets are filtered by the kernel."
                    : $"Kernel filter: the states only; {_conditions} is checked in process ({(query.KernelBytecode ? "it cannot be expressed as inet_diag bytecode" : "bytecode is turned off")}).");
            _request = new byte[NetlinkSocket.HeaderLength + Math.Max(InetDiag.RequestLength, InetDiag.CompatRequestLength) + 8 + (_filter.Bytecode?.Length ?? 0)];
        }

        private static (NetlinkSocket Socket, InterfaceNames Names) OpenSockets()
        {
            var socket = NetlinkSocket.Open(null);
            try
            {
                return (socket, InterfaceNames.Open(null));
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        /// <inheritdoc />
        public void Dispose()
        {
            _names?.Dispose();
            _socket?.Dispose();
        }
    }

    /// <summary>The protocols to dump, in order, with <see cref="SocketProtocol.All"/> expanded.</summary>
    internal static IEnumerable<SocketProtocol> Expand(IReadOnlyList<SocketProtocol> protocols)
    {
        foreach (var p in protocols)
        {
            if (p == SocketProtocol.All)
            {
                return SocketQuery.AllProtocols;
            }
        }

        return protocols;
    }

    private static IEnumerable<SocketInfo> DumpInet(NetlinkSocket socket, InterfaceNames names, byte[] request, InetFilter filter,
        SocketQuery query, SocketProtocol protocol, uint states, QueryDiagnostics diagnostics, CancellationToken cancellationToken)
    {
        byte ipProtocol = protocol switch
        {
            SocketProtocol.Tcp => InetDiag.IPPROTO_TCP,
            SocketProtocol.Udp => InetDiag.IPPROTO_UDP,
            _ => InetDiag.IPPROTO_RAW,
        };

        // Address texts are shared within one dump (the local addresses are few, remote ones often too).
        var addresses = new AddressText();
        byte ext = 0;
        if (query.IncludeInfo && protocol == SocketProtocol.Tcp)
        {
            ext |= (byte)(InetDiag.ExtBit(InetDiag.INET_DIAG_INFO) | InetDiag.ExtBit(InetDiag.INET_DIAG_CONG));
        }

        if (query.IncludeMemory)
        {
            ext |= InetDiag.ExtBit(InetDiag.INET_DIAG_SKMEMINFO);
        }

        // TCP of both families in one walk of the kernel's TCP hash (TCPDIAG_GETSOCK with AF_UNSPEC)
        // when asked to: each SOCK_DIAG_BY_FAMILY dump walks the whole hash, every namespace's sockets
        // included, so a second walk for the other family costs as much as the first.
        bool oneWalk = protocol == SocketProtocol.Tcp && query.OneTcpWalk
            && query.Families.Contains(SocketFamily.IPv4) && query.Families.Contains(SocketFamily.IPv6);
        IEnumerable<byte> walks = oneWalk ? [(byte)0] : query.Families.Select(f => f switch
        {
            SocketFamily.IPv4 => (byte)Libc.AF_INET,
            SocketFamily.IPv6 => (byte)Libc.AF_INET6,
            _ => (byte)0,
        }).Where(af => af != 0);
        foreach (byte af in walks)
        {
            // raw_diag dumps every raw socket whatever sdiag_raw_protocol says; IPPROTO_RAW is ss's choice.
            byte rawProtocol = protocol == SocketProtocol.Raw ? InetDiag.IPPROTO_RAW : (byte)0;
            int Build(byte[] into, byte[]? bytecode) => af == 0
                ? InetDiag.BuildTcpBothFamiliesRequest(into, ext, states, bytecode)
                : InetDiag.BuildRequest(into, af, ipProtocol, ext, states, bytecode, rawProtocol);
            int length = Build(request, filter.Bytecode);
            var dump = socket.Dump(request, length, msg => InetDiag.Parse(msg, protocol, names, addresses), cancellationToken).GetEnumerator();
            bool more;
            try
            {
                more = dump.MoveNext();
            }
            catch (NetlinkException e) when (e.Errno is Errno.EINVAL or Errno.EPERM && filter.Bytecode is not null)
            {
                // This kernel rejects our bytecode (EPERM: fwmark without CAP_NET_ADMIN): ask for
                // everything; the in-process check still filters.
                diagnostics.Warn($"The kernel rejected the socket filter bytecode ({e.Message}); filtering in process instead.");
                diagnostics.Note("Kernel filter: rejected by the kernel; every condition is checked in process from here on.");
                dump.Dispose();
                filter.Bytecode = null;
                length = Build(request, null);
                dump = socket.Dump(request, length, msg => InetDiag.Parse(msg, protocol, names, addresses), cancellationToken).GetEnumerator();
                more = dump.MoveNext();
            }

            int count = 0;
            List<SocketInfo>? later = oneWalk ? [] : null;
            using (dump)
            {
                while (more)
                {
                    count++;
                    if (later is not null && dump.Current.Family == SocketFamily.IPv6)
                    {
                        later.Add(dump.Current);   // ss's order: IPv4, then IPv6
                    }
                    else
                    {
                        yield return dump.Current;
                    }

                    more = dump.MoveNext();
                }
            }

            foreach (var v6 in later ?? [])
            {
                yield return v6;
            }

            string families = af switch { Libc.AF_INET => "IPv4", Libc.AF_INET6 => "IPv6", _ => "IPv4 and IPv6 in one walk" };
            diagnostics.Note($"netlink {Name(protocol)} {families}: {count} socket(s) from the kernel.");
        }
    }

    private static string Name(SocketProtocol protocol) => protocol.ToString().ToUpperInvariant();

    /// <summary>" in network namespace 'x'", or nothing for the caller's own.</summary>
    internal static string In(string? networkNamespace) =>
        networkNamespace is null ? string.Empty : $" in network namespace '{networkNamespace}'";

    private static IEnumerable<SocketInfo> DumpUnix(NetlinkSocket socket, byte[] request, SocketQuery query, uint states,
        CancellationToken cancellationToken)
    {
        int length = UnixDiag.BuildRequest(request, states, query.IncludeMemory);
        return socket.Dump(request, length, msg => UnixDiag.Parse(msg), cancellationToken);
    }

    private static IEnumerable<SocketInfo> DumpPacket(NetlinkSocket socket, InterfaceNames names, byte[] request,
        SocketQuery query, CancellationToken cancellationToken)
    {
        int length = PacketDiag.BuildRequest(request);
        bool memory = query.IncludeMemory;
        return socket.Dump(request, length, msg => PacketDiag.Parse(msg, memory, names), cancellationToken);
    }

    private static IEnumerable<SocketInfo> DumpNetlink(NetlinkSocket socket, byte[] request, SocketQuery query,
        CancellationToken cancellationToken)
    {
        int length = NetlinkDiag.BuildRequest(request);
        bool memory = query.IncludeMemory;
        return socket.Dump(request, length, msg => NetlinkDiag.Parse(msg, memory), cancellationToken);
    }

    /// <summary>The kernel module that answers sock_diag for <paramref name="protocol"/> (for warnings).</summary>
    internal static string DiagModule(SocketProtocol protocol) => protocol switch
    {
        SocketProtocol.Raw => "raw_diag",
        SocketProtocol.Unix => "unix_diag",
        SocketProtocol.Packet => "af_packet_diag",
        SocketProtocol.Netlink => "netlink_diag",
        _ => "inet_diag",
    };
}

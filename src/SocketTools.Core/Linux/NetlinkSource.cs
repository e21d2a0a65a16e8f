using SocketTools.Query;

namespace SocketTools.Linux;

/// <summary>
/// Enumerates sockets with netlink sock_diag: one dump per (protocol, family), with the state set
/// sent as idiag_states so the kernel does the filtering.
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

    /// <inheritdoc />
    public IEnumerable<SocketInfo> Enumerate(SocketQuery query, QueryDiagnostics diagnostics, CancellationToken cancellationToken)
    {
        using var socket = NetlinkSocket.Open(query.NetworkNamespace);
        using var names = InterfaceNames.Open(query.NetworkNamespace);
        diagnostics.SourceUsed = "netlink";

        // Ports, addresses, the device and -Filter go to the kernel as bytecode, compiled once.
        byte[]? bytecode = query.KernelBytecode ? _compile(query.KernelFilter(), names.IndexOf) : null;
        byte[] request = new byte[NetlinkSocket.HeaderLength + InetDiag.RequestLength + 8 + (bytecode?.Length ?? 0)];
        foreach (var protocol in query.Protocols)
        {
            byte ipProtocol = protocol switch
            {
                SocketProtocol.Tcp => InetDiag.IPPROTO_TCP,
                SocketProtocol.Udp => InetDiag.IPPROTO_UDP,
                _ => 0,
            };
            if (ipProtocol == 0)
            {
                continue;
            }

            uint states = query.States.KernelMask(protocol);
            if (states == 0)
            {
                continue;
            }

            foreach (var family in query.Families)
            {
                byte af = family switch
                {
                    SocketFamily.IPv4 => Native.Libc.AF_INET,
                    SocketFamily.IPv6 => Native.Libc.AF_INET6,
                    _ => 0,
                };
                if (af == 0)
                {
                    continue;
                }

                byte ext = 0;
                if (query.IncludeInfo && protocol == SocketProtocol.Tcp)
                {
                    ext |= (byte)(InetDiag.ExtBit(InetDiag.INET_DIAG_INFO) | InetDiag.ExtBit(InetDiag.INET_DIAG_CONG));
                }

                if (query.IncludeMemory)
                {
                    ext |= InetDiag.ExtBit(InetDiag.INET_DIAG_SKMEMINFO);
                }

                int length = InetDiag.BuildRequest(request, af, ipProtocol, ext, states, bytecode);
                var proto = protocol;
                var dump = socket.Dump(request, length, msg => InetDiag.Parse(msg, proto, names), cancellationToken).GetEnumerator();
                bool more;
                try
                {
                    more = dump.MoveNext();
                }
                catch (NetlinkException e) when (e.Errno is Native.Errno.EINVAL or Native.Errno.EPERM && bytecode is not null)
                {
                    // This kernel rejects our bytecode (EPERM: fwmark without CAP_NET_ADMIN): ask for
                    // everything; the in-process check still filters.
                    diagnostics.Warn($"The kernel rejected the socket filter bytecode ({e.Message}); filtering in process instead.");
                    dump.Dispose();
                    bytecode = null;
                    length = InetDiag.BuildRequest(request, af, ipProtocol, ext, states, default);
                    dump = socket.Dump(request, length, msg => InetDiag.Parse(msg, proto, names), cancellationToken).GetEnumerator();
                    more = dump.MoveNext();
                }

                using (dump)
                {
                    while (more)
                    {
                        yield return dump.Current;
                        more = dump.MoveNext();
                    }
                }
            }
        }
    }
}

using SocketTools.Query;

namespace SocketTools.Linux;

/// <summary>
/// Enumerates sockets with netlink sock_diag: one dump per (protocol, family), with the state set
/// sent as idiag_states so the kernel does the filtering.
/// </summary>
public sealed class NetlinkSource : ISocketSource
{
    /// <inheritdoc />
    public IEnumerable<SocketInfo> Enumerate(SocketQuery query, QueryDiagnostics diagnostics, CancellationToken cancellationToken)
    {
        using var socket = NetlinkSocket.Open(query.NetworkNamespace);
        using var names = InterfaceNames.Open(query.NetworkNamespace);
        diagnostics.SourceUsed = "netlink";
        byte[] request = new byte[NetlinkSocket.HeaderLength + InetDiag.RequestLength + 4096];
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

                int length = InetDiag.BuildRequest(request, af, ipProtocol, ext, states, default);
                var proto = protocol;
                foreach (var item in socket.Dump(request, length, msg => InetDiag.Parse(msg, proto, names), cancellationToken))
                {
                    yield return item;
                }
            }
        }
    }
}

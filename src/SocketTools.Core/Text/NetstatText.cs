using System.Globalization;

namespace SocketTools.Text;

/// <summary>
/// netstat's cell text, made from plain values: netstat -tanpW for IP sockets (addresses whole, as
/// with -W) and netstat -xanp for Unix sockets.
/// </summary>
public static class NetstatText
{

    /// <summary>The Proto column: tcp, tcp6, udp, udp6, raw, raw6.</summary>
    public static string Proto(SocketProtocol protocol, SocketFamily family)
    {
        string name = protocol switch
        {
            SocketProtocol.Tcp => "tcp",
            SocketProtocol.Udp => "udp",
            SocketProtocol.Raw => "raw",
            SocketProtocol.Unix => "unix",
            _ => protocol.ToString().ToLowerInvariant(),
        };
        return family == SocketFamily.IPv6 ? name + "6" : name;
    }

    /// <summary>
    /// An address column as netstat -nW prints it: 0.0.0.0:22, :::22, ::1:631, fe80::1:7000,
    /// 127.0.0.1:80 for ::ffff:127.0.0.1 (as netstat prints mapped addresses), port 0 as *. Without
    /// -W netstat cuts an address longer than its 23-character column (fe80::8484:c4ff:f:60014); the
    /// view never cuts, so this is -W's text.
    /// </summary>
    public static string Address(string? address, int port, SocketFamily family)
    {
        string host = string.IsNullOrEmpty(address) ? (family == SocketFamily.IPv6 ? "::" : "0.0.0.0") : Unmapped(address);
        return host + ":" + (port == 0 ? "*" : port.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The Send-Q column: netstat reads /proc/net/tcp, whose tx_queue is 0 for a listener (ss shows the
    /// backlog there); otherwise the same bytes as ss.
    /// </summary>
    public static long SendQ(SocketProtocol protocol, SocketState state, long sendQ) =>
        protocol == SocketProtocol.Tcp && state == SocketState.Listen ? 0 : sendQ;

    /// <summary>An IPv4-mapped IPv6 address (::ffff:127.0.0.1) as the IPv4 address netstat and lsof print; others unchanged.</summary>
    public static string Unmapped(string address) =>
        address.StartsWith("::ffff:", StringComparison.OrdinalIgnoreCase) && address.IndexOf('.', StringComparison.Ordinal) > 0
            ? address[7..] : address;

    /// <summary>The State column: ESTABLISHED, SYN_SENT, TIME_WAIT, LISTEN …; UDP shows ESTABLISHED when connected, else nothing.</summary>
    public static string State(SocketProtocol protocol, SocketState state)
    {
        if (protocol != SocketProtocol.Tcp)
        {
            return state == SocketState.Established ? "ESTABLISHED" : string.Empty;
        }

        return state switch
        {
            SocketState.Established => "ESTABLISHED",
            SocketState.SynSent => "SYN_SENT",
            SocketState.SynReceived or SocketState.NewSynReceived => "SYN_RECV",
            SocketState.FinWait1 => "FIN_WAIT1",
            SocketState.FinWait2 => "FIN_WAIT2",
            SocketState.TimeWait => "TIME_WAIT",
            SocketState.Closed or SocketState.BoundInactive => "CLOSE",
            SocketState.CloseWait => "CLOSE_WAIT",
            SocketState.LastAck => "LAST_ACK",
            SocketState.Listen => "LISTEN",
            SocketState.Closing => "CLOSING",
            _ => "UNKNOWN",
        };
    }

    /// <summary>
    /// The PID/Program name column: the lowest pid among the owners (the first netstat finds) and
    /// its name; "-" when no owner is known. netstat cuts this cell to 19 characters and names the
    /// program by its command line; this keeps the whole cell, with the process name ss prints.
    /// </summary>
    public static string Program(int[]? pids, string?[]? names)
    {
        if (pids is null || names is null)
        {
            return "-";
        }

        int best = -1;
        for (int i = 0; i < Math.Min(pids.Length, names.Length); i++)
        {
            if (pids[i] > 0 && (best < 0 || pids[i] < pids[best]))
            {
                best = i;
            }
        }

        if (best < 0)
        {
            return "-";
        }

        return pids[best].ToString(CultureInfo.InvariantCulture) + "/" + (names[best] ?? string.Empty);
    }

    /// <summary>The netstat section a socket is printed in: "netstat-unix" (netstat -x) for Unix sockets, else "netstat".</summary>
    public static string Section(SocketProtocol protocol) => protocol == SocketProtocol.Unix ? "netstat-unix" : "netstat";

    /// <summary>
    /// netstat -x's RefCnt column. netstat reads the socket's reference count from /proc/net/unix;
    /// unix_diag (sock_diag) does not report it and the count cannot be derived (every peer, every
    /// pending connection and every descriptor in flight holds a reference), so this is "-".
    /// </summary>
    public static string UnixRefCount() => "-";

    /// <summary>
    /// netstat -x's Flags column: "[ ACC ]" for a listener, else "[ ]". netstat prints the flags of
    /// /proc/net/unix, where the kernel sets only __SO_ACCEPTCON, and only for a listening socket.
    /// </summary>
    public static string UnixFlags(SocketState state) => state == SocketState.Listen ? "[ ACC ]" : "[ ]";

    /// <summary>netstat -x's Type column: STREAM, DGRAM, SEQPACKET, RAW, UNKNOWN.</summary>
    public static string UnixType(SocketKind type) => LsofText.UnixType(type);

    /// <summary>
    /// netstat -x's State column: LISTENING, CONNECTED, and nothing for an unconnected socket.
    /// netstat's CONNECTING and DISCONNECTING belong to sockets without a file (a connection not
    /// yet accepted, inode 0), which unix_diag does not report.
    /// </summary>
    public static string UnixState(SocketState state) => state switch
    {
        SocketState.Listen => "LISTENING",
        SocketState.Established => "CONNECTED",
        _ => string.Empty,
    };

    /// <summary>One netstat -tanpW line (for tests and logs).</summary>
    public static string Line(SocketInfo socket)
    {
        string local = Address(socket.LocalAddress?.ToString(), socket.LocalPort, socket.Family);
        string remote = Address(socket.RemoteAddress?.ToString(), socket.RemotePort, socket.Family);
        string program = Program(socket.Owners.Select(o => o.Id).ToArray(), socket.Owners.Select(o => o.Command).ToArray());
        return string.Create(CultureInfo.InvariantCulture,
            $"{Proto(socket.Protocol, socket.Family),-5} {socket.RecvQ,6} {SendQ(socket.Protocol, socket.State, socket.SendQ),6} {local,-23} {remote,-23} {State(socket.Protocol, socket.State),-11} {program}");
    }
}

using System.Globalization;

namespace SocketTools.Text;

/// <summary>netstat -tanp's cell text, made from plain values.</summary>
public static class NetstatText
{
    private const int AddressWidth = 23;
    private const int ProgramWidth = 20;

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
    /// An address column as netstat -n prints it without -W: 0.0.0.0:22, :::22, ::1:631,
    /// 127.0.0.1:80 for ::ffff:127.0.0.1 (as netstat prints mapped addresses), port 0 as *; an address that would make the cell longer than 23
    /// characters is cut so the port still shows.
    /// </summary>
    public static string Address(string? address, int port, SocketFamily family)
    {
        string host = string.IsNullOrEmpty(address) ? (family == SocketFamily.IPv6 ? "::" : "0.0.0.0") : Unmapped(address);
        string portText = port == 0 ? "*" : port.ToString(CultureInfo.InvariantCulture);
        if (host.Length + portText.Length > AddressWidth - 1)
        {
            host = host[..Math.Max(0, AddressWidth - 1 - portText.Length)];
        }

        return host + ":" + portText;
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
    /// its name, cut to 20 characters; "-" when no owner is known.
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

        string text = pids[best].ToString(CultureInfo.InvariantCulture) + "/" + (names[best] ?? string.Empty);
        return text.Length > ProgramWidth ? text[..ProgramWidth] : text;
    }

    /// <summary>One netstat -tanp line (for tests and logs).</summary>
    public static string Line(SocketInfo socket)
    {
        string local = Address(socket.LocalAddress?.ToString(), socket.LocalPort, socket.Family);
        string remote = Address(socket.RemoteAddress?.ToString(), socket.RemotePort, socket.Family);
        string program = Program(socket.Owners.Select(o => o.Id).ToArray(), socket.Owners.Select(o => o.Command).ToArray());
        return string.Create(CultureInfo.InvariantCulture,
            $"{Proto(socket.Protocol, socket.Family),-5} {socket.RecvQ,6} {SendQ(socket.Protocol, socket.State, socket.SendQ),6} {local,-23} {remote,-23} {State(socket.Protocol, socket.State),-11} {program}");
    }
}

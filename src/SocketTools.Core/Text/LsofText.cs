using System.Globalization;
using System.Text;

namespace SocketTools.Text;

/// <summary>lsof -nP's cell text for socket rows (lsof -i and lsof -U), made from plain values.</summary>
public static class LsofText
{
    /// <summary>The COMMAND column: the process name cut to 9 characters, as lsof does by default.</summary>
    public static string Command(string? processName) =>
        processName is null ? string.Empty : processName.Length > 9 ? processName[..9] : processName;

    /// <summary>The FD column: the number and the access mode; sockets are open read-write, so "3u".</summary>
    public static string Fd(int fd) => fd.ToString(CultureInfo.InvariantCulture) + "u";

    /// <summary>The TYPE column: IPv4, IPv6, unix, sock.</summary>
    public static string Type(SocketFamily family) => family switch
    {
        SocketFamily.IPv4 => "IPv4",
        SocketFamily.IPv6 => "IPv6",
        SocketFamily.Unix => "unix",
        SocketFamily.Netlink => "netlink",
        SocketFamily.Packet => "pack",
        _ => "sock",
    };

    /// <summary>The NODE column: TCP, UDP, RAW.</summary>
    public static string Node(SocketProtocol protocol) => protocol switch
    {
        SocketProtocol.Tcp => "TCP",
        SocketProtocol.Udp => "UDP",
        SocketProtocol.Raw => "RAW",
        _ => protocol.ToString().ToUpperInvariant(),
    };

    /// <summary>The NODE column: TCP or UDP for IP sockets, the inode for a Unix socket.</summary>
    public static string Node(SocketProtocol protocol, ulong inode) =>
        protocol == SocketProtocol.Unix ? inode.ToString(CultureInfo.InvariantCulture) : Node(protocol);

    /// <summary>
    /// The DEVICE column: the inode for IP sockets; for a Unix socket its kernel address as
    /// 0x and 16 hex digits (empty when it was not read).
    /// </summary>
    public static string Device(SocketFamily family, ulong inode, ulong? kernelAddress) => family switch
    {
        SocketFamily.Unix => kernelAddress is ulong address ? "0x" + address.ToString("x16", CultureInfo.InvariantCulture) : string.Empty,
        SocketFamily.Netlink => string.Empty,
        _ => inode.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A Unix socket's type in the NAME column: STREAM, DGRAM, SEQPACKET.</summary>
    public static string UnixType(SocketKind type) => type switch
    {
        SocketKind.Stream => "STREAM",
        SocketKind.Datagram => "DGRAM",
        SocketKind.SeqPacket => "SEQPACKET",
        SocketKind.Raw => "RAW",
        _ => "UNKNOWN",
    };

    /// <summary>
    /// A Unix socket's state in the NAME column, the socket layer's names: LISTEN, CONNECTED (ss:
    /// ESTAB, also a datagram socket that another connected to), UNCONNECTED (ss: UNCONN).
    /// </summary>
    public static string UnixState(SocketState state) => state switch
    {
        SocketState.Listen => "LISTEN",
        SocketState.Established => "CONNECTED",
        SocketState.Closed => "UNCONNECTED",
        SocketState.SynSent => "CONNECTING",
        _ => "DISCONNECTING",
    };

    /// <summary>An lsof endpoint: *:22 for an unspecified address, 127.0.0.1:22 (also for ::ffff:127.0.0.1), [::1]:22; port 0 as *.</summary>
    public static string Endpoint(string? address, int port)
    {
        var sb = new StringBuilder(48);
        address = address is null ? null : NetstatText.Unmapped(address);
        if (string.IsNullOrEmpty(address) || address is "0.0.0.0" or "::")
        {
            sb.Append('*');
        }
        else if (address.Contains(':'))
        {
            sb.Append('[').Append(address).Append(']');
        }
        else
        {
            sb.Append(address);
        }

        sb.Append(':').Append(port == 0 ? "*" : port.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    /// <summary>
    /// The NAME column: 127.0.0.1:50784->127.0.0.1:7001 (ESTABLISHED), *:22 (LISTEN); the peer only
    /// when there is one; TCP sockets carry their state in parentheses, UDP sockets none.
    /// </summary>
    public static string Name(SocketProtocol protocol, SocketState state, string? localAddress, int localPort,
        string? remoteAddress, int remotePort)
    {
        string text = Endpoint(localAddress, localPort);
        bool hasPeer = remotePort != 0 || (!string.IsNullOrEmpty(remoteAddress) && remoteAddress is not ("0.0.0.0" or "::"));
        if (hasPeer)
        {
            text += "->" + Endpoint(remoteAddress, remotePort);
        }

        if (protocol == SocketProtocol.Tcp)
        {
            text += " (" + NetstatText.State(protocol, state) + ")";
        }

        return text;
    }

    /// <summary>
    /// The NAME column of any row: for a Unix socket its path (when bound; abstract names with @),
    /// then type=STREAM (LISTEN) as lsof -U prints it; otherwise what
    /// <see cref="Name(SocketProtocol, SocketState, string?, int, string?, int)"/> prints.
    /// </summary>
    public static string Name(SocketProtocol protocol, SocketState state, SocketKind type, string? path,
        string? localAddress, int localPort, string? remoteAddress, int remotePort)
    {
        if (protocol != SocketProtocol.Unix)
        {
            return Name(protocol, state, localAddress, localPort, remoteAddress, remotePort);
        }

        string text = "type=" + UnixType(type) + " (" + UnixState(state) + ")";
        return string.IsNullOrEmpty(path) ? text : path + " " + text;
    }

    /// <summary>One lsof -nP line (COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME), for tests and logs.</summary>
    public static string Line(SocketProcess row)
    {
        var s = row.Socket;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Command(row.Command)} {row.Id} {row.User} {Fd(row.Fd)} {Type(s.Family)} {Device(s.Family, s.Inode, s.KernelAddress)} 0t0 {Node(s.Protocol, s.Inode)} {Name(s.Protocol, s.State, s.Type, s.Path, s.LocalAddress, s.LocalPort, s.RemoteAddress, s.RemotePort)}");
    }
}

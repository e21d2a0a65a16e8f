using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>struct inet_diag_msg (include/uapi/linux/inet_diag.h): the fixed part of an inet_diag reply, attributes follow.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct InetDiagMsg
{
    /// <summary>AF_INET or AF_INET6.</summary>
    public byte idiag_family;

    /// <summary>The TCP state (TCP_ESTABLISHED …).</summary>
    public byte idiag_state;

    /// <summary>The pending timer: 0 none, 1 retransmit, 2 keepalive, 3 TIME-WAIT, 4 zero-window probe.</summary>
    public byte idiag_timer;

    /// <summary>Retransmits (or probes) of the pending timer.</summary>
    public byte idiag_retrans;

    /// <summary>Ports, addresses, interface and cookie.</summary>
    public InetDiagSockId id;

    /// <summary>Milliseconds until the timer fires.</summary>
    public uint idiag_expires;

    /// <summary>Receive queue (listeners: the accept backlog in use).</summary>
    public uint idiag_rqueue;

    /// <summary>Send queue (listeners: the backlog's limit).</summary>
    public uint idiag_wqueue;

    /// <summary>The owning user id.</summary>
    public uint idiag_uid;

    /// <summary>The socket's inode (0: no file, e.g. TIME-WAIT).</summary>
    public uint idiag_inode;
}

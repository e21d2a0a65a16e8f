using System.Runtime.InteropServices;
using System.Text;
using SocketTools.Native;

namespace SocketTools.Linux;

/// <summary>
/// unix_diag (include/uapi/linux/unix_diag.h): the dump request and the decoding of unix_diag_msg
/// with its attributes (name, VFS identity, peer, queues, memory, shutdown, uid).
/// </summary>
internal static unsafe class UnixDiag
{
    /// <summary>sizeof(struct unix_diag_req).</summary>
    internal static int RequestLength => sizeof(UnixDiagReq);

    /// <summary>sizeof(struct unix_diag_msg).</summary>
    internal static int MessageLength => sizeof(UnixDiagMsg);

    internal const uint UDIAG_SHOW_NAME = 0x01;
    internal const uint UDIAG_SHOW_VFS = 0x02;
    internal const uint UDIAG_SHOW_PEER = 0x04;
    internal const uint UDIAG_SHOW_ICONS = 0x08;
    internal const uint UDIAG_SHOW_RQLEN = 0x10;
    internal const uint UDIAG_SHOW_MEMINFO = 0x20;
    internal const uint UDIAG_SHOW_UID = 0x40;

    internal const ushort UNIX_DIAG_NAME = 0;
    internal const ushort UNIX_DIAG_VFS = 1;
    internal const ushort UNIX_DIAG_PEER = 2;
    internal const ushort UNIX_DIAG_ICONS = 3;
    internal const ushort UNIX_DIAG_RQLEN = 4;
    internal const ushort UNIX_DIAG_MEMINFO = 5;
    internal const ushort UNIX_DIAG_SHUTDOWN = 6;
    internal const ushort UNIX_DIAG_UID = 7;

    /// <summary>Writes a SOCK_DIAG_BY_FAMILY dump request for Unix sockets; returns its length.</summary>
    internal static int BuildRequest(Span<byte> destination, uint states, bool memory)
    {
        int total = NetlinkSocket.HeaderLength + RequestLength;
        var body = NetlinkSocket.StartDumpRequest(destination, total);
        uint show = UDIAG_SHOW_NAME | UDIAG_SHOW_VFS | UDIAG_SHOW_PEER | UDIAG_SHOW_ICONS | UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID;
        if (memory)
        {
            show |= UDIAG_SHOW_MEMINFO;
        }

        var req = new UnixDiagReq { sdiag_family = Libc.AF_UNIX, udiag_states = states, udiag_show = show };
        MemoryMarshal.Write(body, in req);
        return total;
    }

    /// <summary>Decodes one unix_diag_msg with its attributes.</summary>
    internal static SocketInfo Parse(ReadOnlySpan<byte> msg)
    {
        if (msg.Length < MessageLength)
        {
            throw new NetlinkException($"unix_diag_msg is {msg.Length} bytes; at least {MessageLength} expected.");
        }

        var m = MemoryMarshal.Read<UnixDiagMsg>(msg);
        if (m.udiag_family != Libc.AF_UNIX)
        {
            throw new NetlinkException($"unix_diag_msg has address family {m.udiag_family}; AF_UNIX expected.");
        }

        string? path = null;
        ulong? fileInode = null;
        uint? fileDevice = null;
        ulong? peer = null;
        ulong[]? pending = null;
        long rq = 0, wq = 0;
        SocketMemory? memory = null;
        ShutdownState? shutdown = null;
        uint uid = 0;
        var attrs = new NetlinkAttributes(msg[MessageLength..], "unix_diag");
        while (attrs.Next(out ushort attr, out var payload))
        {
            switch (attr)
            {
                case UNIX_DIAG_NAME when payload.Length > 0:
                    path = Name(payload);
                    break;
                case UNIX_DIAG_VFS when payload.Length >= sizeof(UnixDiagVfs):
                    var vfs = MemoryMarshal.Read<UnixDiagVfs>(payload);
                    fileInode = vfs.udiag_vfs_ino;
                    fileDevice = vfs.udiag_vfs_dev;
                    break;
                case UNIX_DIAG_PEER when payload.Length >= sizeof(uint):
                    peer = MemoryMarshal.Read<uint>(payload);
                    break;
                case UNIX_DIAG_ICONS:
                    // An array of the inodes (u32) of the connections waiting to be accepted.
                    var inodes = MemoryMarshal.Cast<byte, uint>(payload);
                    pending = new ulong[inodes.Length];
                    for (int i = 0; i < pending.Length; i++)
                    {
                        pending[i] = inodes[i];
                    }

                    break;
                case UNIX_DIAG_RQLEN when payload.Length >= sizeof(UnixDiagRqLen):
                    var queues = MemoryMarshal.Read<UnixDiagRqLen>(payload);
                    rq = queues.udiag_rqueue;
                    wq = queues.udiag_wqueue;
                    break;
                case UNIX_DIAG_MEMINFO:
                    memory = SkMemInfo.Decode(payload);
                    break;
                case UNIX_DIAG_SHUTDOWN when payload.Length >= 1:
                    shutdown = (ShutdownState)(payload[0] & 3);
                    break;
                case UNIX_DIAG_UID when payload.Length >= sizeof(uint):
                    uid = MemoryMarshal.Read<uint>(payload);
                    break;
            }
        }

        return new SocketInfo
        {
            Protocol = SocketProtocol.Unix,
            Family = SocketFamily.Unix,
            Type = m.udiag_type switch
            {
                Libc.SOCK_STREAM => SocketKind.Stream,
                Libc.SOCK_DGRAM => SocketKind.Datagram,
                5 => SocketKind.SeqPacket,
                _ => SocketKind.Unknown,
            },
            State = (SocketState)m.udiag_state,
            RecvQ = rq,
            SendQ = wq,
            Uid = uid,
            Inode = m.udiag_ino,
            Cookie = m.Cookie,
            Shutdown = shutdown,
            Path = path,
            FileInode = fileInode,
            FileDevice = fileDevice,
            PeerInode = peer,
            PendingPeerInodes = pending,
            Memory = memory,
        };
    }

    /// <summary>
    /// A socket's name as ss prints it: a path (up to its first NUL), or for an abstract name
    /// (leading NUL) the whole name with every NUL shown as @.
    /// </summary>
    internal static string Name(ReadOnlySpan<byte> payload)
    {
        if (payload[0] == 0)
        {
            return Encoding.UTF8.GetString(payload).Replace('\0', '@');
        }

        int end = payload.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? payload : payload[..end]);
    }
}

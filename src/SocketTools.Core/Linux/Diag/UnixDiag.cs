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

        var a = UnixAttributes.Read(msg[MessageLength..]);
        return new SocketInfo
        {
            Protocol = SocketProtocol.Unix,
            Family = SocketFamily.Unix,
            Type = KindOf(m.udiag_type),
            State = (SocketState)m.udiag_state,
            RecvQ = a.RecvQ,
            SendQ = a.SendQ,
            Uid = a.Uid,
            Inode = m.udiag_ino,
            Cookie = m.Cookie,
            Shutdown = a.Shutdown,
            Path = a.Path,
            FileInode = a.FileInode,
            FileDevice = a.FileDevice,
            PeerInode = a.Peer,
            PendingPeerInodes = a.Pending,
            Memory = a.Memory,
        };
    }

    /// <summary>A unix_diag_msg's socket type: SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET (5).</summary>
    private static SocketKind KindOf(byte type) => type switch
    {
        Libc.SOCK_STREAM => SocketKind.Stream,
        Libc.SOCK_DGRAM => SocketKind.Datagram,
        5 => SocketKind.SeqPacket,
        _ => SocketKind.Unknown,
    };

    /// <summary>What the UNIX_DIAG_* attributes after a unix_diag_msg say.</summary>
    private sealed class UnixAttributes
    {
        public string? Path;
        public ulong? FileInode;
        public uint? FileDevice;
        public ulong? Peer;
        public ulong[]? Pending;
        public long RecvQ;
        public long SendQ;
        public SocketMemory? Memory;
        public ShutdownState? Shutdown;
        public uint Uid;

        /// <summary>Reads every attribute it knows; others are passed over.</summary>
        public static UnixAttributes Read(ReadOnlySpan<byte> attributes)
        {
            var a = new UnixAttributes();
            var attrs = new NetlinkAttributes(attributes, "unix_diag");
            while (attrs.Next(out ushort attr, out var payload))
            {
                switch (attr)
                {
                    case UNIX_DIAG_NAME when payload.Length > 0:
                        a.Path = Name(payload);
                        break;
                    case UNIX_DIAG_VFS when payload.Length >= sizeof(UnixDiagVfs):
                        var vfs = MemoryMarshal.Read<UnixDiagVfs>(payload);
                        a.FileInode = vfs.udiag_vfs_ino;
                        a.FileDevice = vfs.udiag_vfs_dev;
                        break;
                    case UNIX_DIAG_PEER when payload.Length >= sizeof(uint):
                        a.Peer = MemoryMarshal.Read<uint>(payload);
                        break;
                    case UNIX_DIAG_ICONS:
                        // An array of the inodes (u32) of the connections waiting to be accepted.
                        var inodes = MemoryMarshal.Cast<byte, uint>(payload);
                        a.Pending = new ulong[inodes.Length];
                        for (int i = 0; i < a.Pending.Length; i++)
                        {
                            a.Pending[i] = inodes[i];
                        }

                        break;
                    case UNIX_DIAG_RQLEN when payload.Length >= sizeof(UnixDiagRqLen):
                        var queues = MemoryMarshal.Read<UnixDiagRqLen>(payload);
                        a.RecvQ = queues.udiag_rqueue;
                        a.SendQ = queues.udiag_wqueue;
                        break;
                    case UNIX_DIAG_MEMINFO:
                        a.Memory = SkMemInfo.Decode(payload);
                        break;
                    case UNIX_DIAG_SHUTDOWN when payload.Length >= 1:
                        a.Shutdown = (ShutdownState)(payload[0] & 3);
                        break;
                    case UNIX_DIAG_UID when payload.Length >= sizeof(uint):
                        a.Uid = MemoryMarshal.Read<uint>(payload);
                        break;
                }
            }

            return a;
        }
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

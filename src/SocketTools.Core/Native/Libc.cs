namespace SocketTools.Native;

/// <summary>libc entry points; one call per file (Libc.*.cs).</summary>
internal static unsafe partial class Libc
{
    internal const string Name = "libc";

    internal const int AF_UNIX = 1;
    internal const int AF_INET = 2;
    internal const int AF_INET6 = 10;
    internal const int AF_NETLINK = 16;
    internal const int AF_PACKET = 17;

    internal const int SOCK_STREAM = 1;
    internal const int SOCK_DGRAM = 2;
    internal const int SOCK_RAW = 3;
    internal const int SOCK_CLOEXEC = 0x80000;

    internal const int CLONE_NEWNET = 0x40000000;

    internal const int O_RDONLY = 0;
    internal const int O_CLOEXEC = 0x80000;

    internal const int _SC_CLK_TCK = 2;

    internal const int SOL_SOCKET = 1;
    internal const int SO_RCVTIMEO = 20;
    internal const int SO_RCVBUF = 8;
    internal const int SO_RCVBUFFORCE = 33;
    internal const int SO_MEMINFO = 55;
    internal const int MSG_TRUNC = 0x20;
}

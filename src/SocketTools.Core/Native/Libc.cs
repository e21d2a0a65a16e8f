namespace SocketTools.Native;

/// <summary>
/// libc entry points, one call per file (Libc.*.cs). Each file owns its call: a private
/// <c>[LibraryImport]</c> named as in C, and the wrapper the rest of the core uses, which either
/// returns the result or throws <see cref="Failure"/> with errno, or (<c>Try…</c>, where callers
/// treat some errnos as normal flow) returns errno, 0 on success. errno is read nowhere else.
/// </summary>
internal static unsafe partial class Libc
{
    internal const string Name = "libc";

    /// <summary>The exception a throwing wrapper raises: errno, and the kind errno means.</summary>
    /// <param name="call">The wrapper's name, for the error id (<c>SocketFailed</c>).</param>
    /// <param name="function">The C function, for the message.</param>
    /// <param name="errno">What it failed with.</param>
    internal static SocketToolsException Failure(string call, string function, int errno) =>
        new(call + "Failed", SocketToolsException.KindOf(errno), $"{function}(2) failed: {Errno.Describe(errno)}.", errno);

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

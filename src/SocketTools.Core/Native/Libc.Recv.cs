using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [LibraryImport(Name, EntryPoint = "recv", SetLastError = true)]
    private static partial nint recv(int fd, void* buf, nint len, int flags);

    /// <summary>
    /// recv(2): 0 and the length received (with MSG_TRUNC the datagram's whole length), or errno and
    /// -1 (EINTR; EAGAIN when SO_RCVTIMEO passed; ENOBUFS when a netlink socket's queue overran).
    /// </summary>
    internal static int TryRecv(int fd, void* buf, nint len, int flags, out nint received)
    {
        received = recv(fd, buf, len, flags);
        return received >= 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}

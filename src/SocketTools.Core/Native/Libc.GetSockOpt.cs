using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [LibraryImport(Name, EntryPoint = "getsockopt", SetLastError = true)]
    private static partial int getsockopt(int fd, int level, int optname, void* optval, int* optlen);

    /// <summary>getsockopt(2): 0, or the errno.</summary>
    internal static int TryGetSockOpt(int fd, int level, int optname, void* optval, int* optlen) =>
        getsockopt(fd, level, optname, optval, optlen) == 0 ? 0 : Marshal.GetLastPInvokeError();
}

using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [LibraryImport(Name, EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int setsockopt(int fd, int level, int optname, void* optval, int optlen);

    /// <summary>setsockopt(2): 0, or errno.</summary>
    internal static int TrySetSockOpt(int fd, int level, int optname, void* optval, int optlen) =>
        setsockopt(fd, level, optname, optval, optlen) == 0 ? 0 : Marshal.GetLastPInvokeError();
}

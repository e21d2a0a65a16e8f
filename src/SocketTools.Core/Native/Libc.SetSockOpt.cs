using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [DllImport(Name, EntryPoint = "setsockopt", SetLastError = true)]
    internal static extern int SetSockOpt(int fd, int level, int optname, void* optval, int optlen);
}

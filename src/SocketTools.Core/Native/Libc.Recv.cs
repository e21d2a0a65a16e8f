using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [DllImport(Name, EntryPoint = "recv", SetLastError = true)]
    internal static extern nint Recv(int fd, void* buf, nint len, int flags);
}

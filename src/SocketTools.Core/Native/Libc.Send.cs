using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [DllImport(Name, EntryPoint = "send", SetLastError = true)]
    internal static extern nint Send(int fd, void* buf, nint len, int flags);
}

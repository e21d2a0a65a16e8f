using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [DllImport(Name, EntryPoint = "bind", SetLastError = true)]
    internal static extern int Bind(int fd, void* addr, int addrlen);
}

using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [DllImport(Name, EntryPoint = "socket", SetLastError = true)]
    internal static extern int Socket(int domain, int type, int protocol);
}

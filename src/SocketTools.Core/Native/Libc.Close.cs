using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [DllImport(Name, EntryPoint = "close", SetLastError = true)]
    internal static extern int Close(int fd);
}

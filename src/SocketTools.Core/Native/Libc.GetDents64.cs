using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [DllImport(Name, EntryPoint = "getdents64", SetLastError = true)]
    internal static extern nint GetDents64(int fd, byte* buffer, nint count);
}

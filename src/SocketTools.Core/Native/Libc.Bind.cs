using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [LibraryImport(Name, EntryPoint = "bind", SetLastError = true)]
    private static partial int bind(int fd, void* addr, int addrlen);

    /// <summary>bind(2): 0, or errno.</summary>
    internal static int TryBind(int fd, void* addr, int addrlen) =>
        bind(fd, addr, addrlen) == 0 ? 0 : Marshal.GetLastPInvokeError();
}

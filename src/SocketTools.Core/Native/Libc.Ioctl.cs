using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [LibraryImport(Name, EntryPoint = "ioctl", SetLastError = true)]
    private static partial int ioctl(int fd, nuint request, void* arg);

    /// <summary>ioctl(2): 0, or errno (ENODEV: no such interface).</summary>
    internal static int TryIoctl(int fd, nuint request, void* arg) =>
        ioctl(fd, request, arg) != -1 ? 0 : Marshal.GetLastPInvokeError();
}

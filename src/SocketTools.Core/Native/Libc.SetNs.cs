using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [LibraryImport(Name, EntryPoint = "setns", SetLastError = true)]
    private static partial int setns(int fd, int nstype);

    /// <summary>setns(2) for the calling thread: 0, or errno (EPERM without CAP_SYS_ADMIN).</summary>
    internal static int TrySetNs(int fd, int nstype) =>
        setns(fd, nstype) == 0 ? 0 : Marshal.GetLastPInvokeError();
}

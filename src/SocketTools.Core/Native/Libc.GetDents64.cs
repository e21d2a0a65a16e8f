using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [LibraryImport(Name, EntryPoint = "getdents64", SetLastError = true)]
    private static partial nint getdents64(int fd, byte* buffer, nint count);

    /// <summary>
    /// getdents64(2): 0 and the bytes of directory records (<c>linux_dirent64</c>) read (0 at the end of the
    /// directory), or errno and -1 (ENOENT: the process behind a /proc directory exited).
    /// </summary>
    internal static int TryGetDents64(int fd, byte* buffer, nint count, out nint read)
    {
        read = getdents64(fd, buffer, count);
        return read >= 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}

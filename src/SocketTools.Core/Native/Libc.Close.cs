using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [LibraryImport(Name, EntryPoint = "close")]
    private static partial int close(int fd);

    /// <summary>
    /// close(2). Its errors are not reported: Linux releases the descriptor even when close fails
    /// (EINTR, EIO), so there is nothing to retry, and the descriptors closed here were only read.
    /// </summary>
    internal static void Close(int fd) => _ = close(fd);
}

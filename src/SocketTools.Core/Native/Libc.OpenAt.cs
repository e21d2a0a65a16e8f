using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    /// <summary>The dirfd that makes <see cref="TryOpenAt"/> resolve a relative path from the current directory.</summary>
    internal const int AT_FDCWD = -100;

    [LibraryImport(Name, EntryPoint = "openat", SetLastError = true)]
    private static partial int openat(int dirfd, byte* path, int flags);

    /// <summary>
    /// openat(2) of the NUL-terminated <paramref name="path"/>: 0 and the descriptor, or errno and -1
    /// (ENOENT: a process exited; EACCES, EPERM: another user's process).
    /// </summary>
    internal static int TryOpenAt(int dirfd, byte* path, int flags, out int fd)
    {
        fd = openat(dirfd, path, flags);
        return fd >= 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}

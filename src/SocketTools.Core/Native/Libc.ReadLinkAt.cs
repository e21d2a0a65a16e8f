using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [LibraryImport(Name, EntryPoint = "readlinkat", SetLastError = true)]
    private static partial nint readlinkat(int dirfd, byte* path, byte* buffer, nint size);

    /// <summary>
    /// readlinkat(2) of the NUL-terminated <paramref name="path"/> into <paramref name="buffer"/> (not
    /// NUL-terminated): 0 and the link's length, or errno and -1 (ENOENT: the fd was closed meanwhile).
    /// No exception: the owner scan calls it once per fd on the host.
    /// </summary>
    internal static int TryReadLinkAt(int dirfd, byte* path, byte* buffer, nint size, out nint length)
    {
        length = readlinkat(dirfd, path, buffer, size);
        return length >= 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}

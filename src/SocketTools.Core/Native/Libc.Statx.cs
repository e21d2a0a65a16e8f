using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    /// <summary>statx(2) mask bit: the inode number.</summary>
    internal const uint STATX_INO = 0x100;

    /// <summary>The size of struct statx (include/uapi/linux/stat.h).</summary>
    private const int StatxSize = 256;

    /// <summary>Offset of stx_ino in struct statx.</summary>
    private const int StatxInoOffset = 32;

    [LibraryImport(Name, EntryPoint = "statx", SetLastError = true)]
    private static partial int statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);

    /// <summary>The inode of the file at <paramref name="path"/> (links followed); returns errno, 0 on success.</summary>
    internal static int TryStatInode(string path, out ulong inode)
    {
        inode = 0;
        Span<byte> name = stackalloc byte[(path.Length * 3) + 1];
        int n = System.Text.Encoding.UTF8.GetBytes(path, name);
        name[n] = 0;
        byte* buffer = stackalloc byte[StatxSize];
        fixed (byte* p = name)
        {
            if (statx(AT_FDCWD, p, 0, STATX_INO, buffer) != 0)
            {
                return Marshal.GetLastPInvokeError();
            }
        }

        inode = *(ulong*)(buffer + StatxInoOffset);
        return 0;
    }
}

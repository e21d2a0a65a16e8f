using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [DllImport(Name, EntryPoint = "openat", SetLastError = true)]
    internal static extern int OpenAt(int dirfd, byte* path, int flags);
}

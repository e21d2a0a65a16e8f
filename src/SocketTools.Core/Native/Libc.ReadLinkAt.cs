using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [DllImport(Name, EntryPoint = "readlinkat", SetLastError = true)]
    internal static extern nint ReadLinkAt(int dirfd, byte* path, byte* buffer, nint size);
}

using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [LibraryImport(Name, EntryPoint = "send", SetLastError = true)]
    private static partial nint send(int fd, void* buf, nint len, int flags);

    /// <summary>send(2): 0 and the bytes sent, or errno (EINTR: interrupted, try again) and -1.</summary>
    internal static int TrySend(int fd, void* buf, nint len, int flags, out nint sent)
    {
        sent = send(fd, buf, len, flags);
        return sent >= 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}

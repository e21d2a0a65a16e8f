using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [LibraryImport(Name, EntryPoint = "socket", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    /// <summary>socket(2): a new socket's descriptor; throws <see cref="Failure"/> when there is none.</summary>
    internal static int Socket(int domain, int type, int protocol)
    {
        int errno = TrySocket(domain, type, protocol, out int fd);
        return errno == 0 ? fd : throw Failure(nameof(Socket), "socket", errno);
    }

    /// <summary>socket(2): 0 and the descriptor, or errno and -1.</summary>
    internal static int TrySocket(int domain, int type, int protocol, out int fd)
    {
        fd = socket(domain, type, protocol);
        return fd >= 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}

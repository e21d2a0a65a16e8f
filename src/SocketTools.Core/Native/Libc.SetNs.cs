using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [DllImport(Name, EntryPoint = "setns", SetLastError = true)]
    internal static extern int SetNs(int fd, int nstype);
}

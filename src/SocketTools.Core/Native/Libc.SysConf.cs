using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [DllImport(Name, EntryPoint = "sysconf", SetLastError = true)]
    internal static extern long SysConf(int name);
}

using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [DllImport(Name, EntryPoint = "geteuid", SetLastError = true)]
    internal static extern uint GetEUid();
}

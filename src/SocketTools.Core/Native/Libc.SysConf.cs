using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [LibraryImport(Name, EntryPoint = "sysconf")]
    private static partial long sysconf(int name);

    /// <summary>sysconf(3): the value, or -1 when the limit is unknown (errno is not needed: the one caller has a default).</summary>
    internal static long SysConf(int name) => sysconf(name);
}

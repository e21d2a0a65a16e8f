using System.Runtime.InteropServices;

namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    [LibraryImport(Name, EntryPoint = "geteuid")]
    private static partial uint geteuid();

    /// <summary>geteuid(2), which cannot fail.</summary>
    internal static uint GetEUid() => geteuid();
}

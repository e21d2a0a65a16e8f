using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>struct unix_diag_vfs (include/uapi/linux/unix_diag.h): the UNIX_DIAG_VFS attribute, the bound file's identity.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UnixDiagVfs
{
    /// <summary>The inode of the socket file.</summary>
    public uint udiag_vfs_ino;

    /// <summary>The device of the socket file.</summary>
    public uint udiag_vfs_dev;
}

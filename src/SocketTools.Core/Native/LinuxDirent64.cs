using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>
/// struct linux_dirent64 (getdents64(2)): one directory entry. Records follow each other
/// <see cref="d_reclen"/> bytes apart; the NUL-terminated name starts at <see cref="d_name"/>
/// and runs past the end of this struct, as C's flexible array member does.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LinuxDirent64
{
    /// <summary>The entry's inode.</summary>
    public ulong d_ino;

    /// <summary>The offset of the next entry (for lseek).</summary>
    public long d_off;

    /// <summary>This record's length, name and padding included.</summary>
    public ushort d_reclen;

    /// <summary>DT_DIR, DT_LNK … (DT_UNKNOWN on some file systems).</summary>
    public byte d_type;

    /// <summary>The first byte of the NUL-terminated name (char d_name[]).</summary>
    public fixed byte d_name[1];
}

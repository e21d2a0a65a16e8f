namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    /// <summary>The text of the symbolic link at <paramref name="path"/> (readlink(2) from the current directory); null when it cannot be read.</summary>
    internal static string? ReadLink(string path)
    {
        Span<byte> name = stackalloc byte[path.Length * 3 + 1];
        int n = System.Text.Encoding.UTF8.GetBytes(path, name);
        name[n] = 0;
        byte* link = stackalloc byte[256];
        fixed (byte* p = name)
        {
            return TryReadLinkAt(AT_FDCWD, p, link, 256, out nint length) == 0
                ? System.Text.Encoding.UTF8.GetString(link, (int)length)
                : null;
        }
    }
}

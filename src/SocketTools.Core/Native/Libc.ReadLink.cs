namespace SocketTools.Native;

internal static unsafe partial class Libc
{
    /// <summary>The text of the symbolic link at <paramref name="path"/> (readlink(2) from the current directory); null when it cannot be read.</summary>
    internal static string? ReadLink(string path) => TryReadLink(path, out string? text) == 0 ? text : null;

    /// <summary>readlink(2) of <paramref name="path"/> (from the current directory) into <paramref name="text"/>; returns errno, 0 on success.</summary>
    internal static int TryReadLink(string path, out string? text)
    {
        text = null;
        Span<byte> name = stackalloc byte[path.Length * 3 + 1];
        int n = System.Text.Encoding.UTF8.GetBytes(path, name);
        name[n] = 0;
        byte* link = stackalloc byte[256];
        fixed (byte* p = name)
        {
            int errno = TryReadLinkAt(AT_FDCWD, p, link, 256, out nint length);
            if (errno == 0)
            {
                text = System.Text.Encoding.UTF8.GetString(link, (int)length);
            }

            return errno;
        }
    }
}

namespace SocketTools.Platform;

/// <summary>
/// The platform this process runs on. This is the one line above the platform folders that names a
/// platform: a second one adds its folder (say Windows/, with a WindowsPlatform) and a choice here.
/// </summary>
internal static class SocketPlatform
{
    /// <summary>The platform in use (Linux: the only one so far).</summary>
    public static ISocketPlatform Current { get; } = Linux.LinuxPlatform.Instance;
}

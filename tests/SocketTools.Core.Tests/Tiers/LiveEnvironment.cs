using SocketTools.Native;
using SocketTools.Tests.Live;

namespace SocketTools.Tests;

/// <summary>
/// Whether this machine and user can run the Live and Unprivileged tiers, found out once per
/// process: null when they can, else the reason, which becomes the tests' skip reason.
/// </summary>
public static class LiveEnvironment
{
    private static readonly Lazy<string?> LiveMissing = new(ProbeLive);
    private static readonly Lazy<string?> UnprivilegedMissing = new(ProbeUnprivileged);

    /// <summary>Why live tests cannot run here (not root, or <c>ip netns add</c> fails), or null.</summary>
    public static string? WhyNotLive => LiveMissing.Value;

    /// <summary>Why tests that run the core as nobody cannot run here, or null.</summary>
    public static string? WhyNotUnprivileged => UnprivilegedMissing.Value;

    /// <summary>Root, and a test namespace can be made and deleted: the one thing every live test does first.</summary>
    private static string? ProbeLive()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "needs Linux";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return $"needs root (this is euid {Libc.GetEUid()}): live tests make network namespaces";
        }

        if (!Tool.Exists("ip"))
        {
            return "needs ip (iproute2) to make network namespaces";
        }

        string name = "stt-" + Guid.NewGuid().ToString("N")[..10];
        var (code, _, error) = Tool.Run("ip", ["netns", "add", name], check: false);
        if (code != 0)
        {
            return $"ip netns add failed ({code}): {error.Trim()}";
        }

        Tool.Run("ip", ["netns", "del", name], check: false);
        return null;
    }

    /// <summary>Live, and nobody can run dotnet through setpriv (as <see cref="ProbeRunner"/> does).</summary>
    private static string? ProbeUnprivileged()
    {
        if (!OperatingSystem.IsLinux() || WhyNotLive is not null)
        {
            return WhyNotLive;
        }

        if (!Tool.Exists("setpriv"))
        {
            return "needs setpriv (util-linux) to run the core as nobody";
        }

        var (code, _, error) = Tool.Run("setpriv", [.. ProbeRunner.AsNobody[1..], "env", "HOME=" + Path.GetTempPath(), "dotnet", "--list-runtimes"], check: false);
        return code == 0 ? null : $"nobody cannot run dotnet through setpriv ({code}): {error.Trim()}";
    }
}

using SocketTools.Tests.Static;

namespace SocketTools.Tests.Live;

/// <summary>
/// Runs tests/SocketTools.Probe inside a test namespace, as root or as nobody (setpriv). The build
/// output may sit where nobody cannot read (a home directory, a 0700 checkout), so the probe is
/// copied to a world-readable temporary directory, deleted on dispose.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProbeRunner : IDisposable
{
    /// <summary>The command prefix that runs what follows as nobody.</summary>
    internal static readonly string[] AsNobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"];
    private readonly string _dir;

    public ProbeRunner()
    {
        Assert.True(Tool.Exists("setpriv"), "setpriv (util-linux) is needed");
        string source = Repo.PathOf("tests", "SocketTools.Probe", "bin", Repo.Configuration, "net10.0");
        Assert.True(File.Exists(Path.Combine(source, "SocketTools.Probe.dll")), $"the probe is not built in {source}");
        _dir = Path.Combine(Path.GetTempPath(), "stt-probe-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        foreach (string file in Directory.GetFiles(source))
        {
            string target = Path.Combine(_dir, Path.GetFileName(file));
            File.Copy(file, target);
            File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }

    /// <summary>Runs the probe in <paramref name="ns"/>; returns its exit code, stdout and stderr.</summary>
    public (int ExitCode, string Output, string Error) Run(LiveNamespace ns, bool nobody, params string[] args)
    {
        string[] command = ["netns", "exec", ns.Name, .. nobody ? AsNobody : [], "env", "HOME=" + _dir,
            "DOTNET_CLI_TELEMETRY_OPTOUT=1", "DOTNET_NOLOGO=1", "dotnet", Path.Combine(_dir, "SocketTools.Probe.dll"), .. args];
        return Tool.Run("ip", command, check: false);
    }

    /// <summary>ss -tuanoe in <paramref name="ns"/>, as nobody or as root.</summary>
    public static string Ss(LiveNamespace ns, bool nobody) =>
        Tool.Run("ip", ["netns", "exec", ns.Name, .. nobody ? AsNobody : [], "ss", "-tuanoe"], check: true).Output;

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

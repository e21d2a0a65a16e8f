using System.Diagnostics;

namespace SocketTools.Tests.Live;

/// <summary>Runs reference tools (ss, ip, netstat, lsof) and returns their output.</summary>
public static class Tool
{
    public static string Run(string file, params string[] args) => Run(file, args, check: true).Output;

    public static (int ExitCode, string Output, string Error) Run(string file, IEnumerable<string> args, bool check)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 60 s");
        }

        var result = (p.ExitCode, stdout.Result, stderr.Result);
        if (check && p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {result.Item3}");
        }

        return result;
    }

    public static bool Exists(string file) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, file)));
}

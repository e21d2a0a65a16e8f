using System.Diagnostics;
using SocketTools.Linux;

namespace SocketTools.Benchmarks;

/// <summary>Runs reference tools, optionally inside a network namespace, and times them.</summary>
internal static class Tools
{
    /// <summary>
    /// Starts <paramref name="file"/> in <paramref name="netns"/>: the process is forked from a thread
    /// that has entered the namespace, so no <c>ip netns exec</c> (and its extra exec) is in the way.
    /// </summary>
    public static Process Start(string? netns, string file, IEnumerable<string> args, bool redirectInput = false)
    {
        var psi = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return NetworkNamespace.Run(netns, () => Process.Start(psi)!);
    }

    /// <summary>Runs a tool to completion; returns its output; throws when it fails.</summary>
    public static string Run(string? netns, string file, params string[] args) => Run(netns, file, args, check: true).Output;

    public static (int ExitCode, string Output, string Error) Run(string? netns, string file, string[] args, bool check)
    {
        using var p = Start(netns, file, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 120 s");
        }

        p.WaitForExit();
        if (check && p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Result.Trim()}");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// One whole-process run of a tool inside the namespace, from fork to exit, its output read and
    /// discarded as a consumer would; returns the number of output lines.
    /// </summary>
    public static long TimedRun(string netns, string file, string[] args)
    {
        using var p = Start(netns, file, args);
        var stderr = p.StandardError.BaseStream.CopyToAsync(Stream.Null);
        long lines = 0;
        var stream = p.StandardOutput.BaseStream;
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            lines += buffer.AsSpan(0, n).Count((byte)'\n');
        }

        p.WaitForExit();
        stderr.Wait();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}");
        }

        return lines;
    }

    public static bool Exists(string file) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, file)));

    /// <summary>
    /// Deletes the namespaces in /run/netns matching <paramref name="glob"/> whose name's first number
    /// (by <paramref name="pattern"/>) is the pid of a run that is gone: left by a run that was killed.
    /// </summary>
    public static void RemoveStaleNamespaces(string glob, string pattern, Action<string> log)
    {
        if (!Directory.Exists("/run/netns"))
        {
            return;
        }

        foreach (string path in Directory.GetFiles("/run/netns", glob))
        {
            string name = Path.GetFileName(path);
            var m = System.Text.RegularExpressions.Regex.Match(name, pattern);
            if (m.Success && !Directory.Exists("/proc/" + m.Groups[1].Value))
            {
                log($"removing namespace {name} left by an earlier run");
                Run(null, "ip", ["netns", "del", name], check: false);
            }
        }
    }
}

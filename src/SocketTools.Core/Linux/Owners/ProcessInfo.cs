using System.Globalization;
using System.Text;
using SocketTools.Native;

namespace SocketTools.Linux;

/// <summary>
/// Per-process facts from /proc, read on demand: name (comm), user, command line, executable
/// path and start time. Every read tolerates a process that has exited or hides its details
/// (null instead of an exception).
/// </summary>
public static class ProcessInfo
{
    private static readonly Lazy<long> ClockTicks = new(() =>
    {
        long ticks = Libc.SysConf(Libc._SC_CLK_TCK);
        return ticks > 0 ? ticks : 100;
    });

    /// <summary>The process name as ss and ps print it (/proc/PID/comm), or null when the process is gone.</summary>
    public static string? ReadComm(int pid, string procRoot = "/proc")
    {
        string? text = TryReadText(procRoot + "/" + pid.ToString(CultureInfo.InvariantCulture) + "/comm");
        return text?.TrimEnd('\n');
    }

    /// <summary>Whether a process with this id exists (its /proc entry does).</summary>
    public static bool Exists(int pid, string procRoot = "/proc") =>
        pid > 0 && Directory.Exists(procRoot + "/" + pid.ToString(CultureInfo.InvariantCulture));

    /// <summary>The command line, arguments joined by spaces (as Get-Process shows it); null when unreadable, empty for kernel threads.</summary>
    public static string? ReadCommandLine(int pid, string procRoot = "/proc")
    {
        byte[]? raw = TryReadBytes(procRoot + "/" + pid.ToString(CultureInfo.InvariantCulture) + "/cmdline");
        if (raw is null)
        {
            return null;
        }

        int length = raw.Length;
        while (length > 0 && raw[length - 1] == 0)
        {
            length--;
        }

        var text = Encoding.UTF8.GetString(raw, 0, length);
        return text.Replace('\0', ' ');
    }

    /// <summary>The executable path (readlink /proc/PID/exe), or null when it is hidden or the process is gone.</summary>
    public static string? ReadExecutablePath(int pid, string procRoot = "/proc")
    {
        try
        {
            var info = new FileInfo(procRoot + "/" + pid.ToString(CultureInfo.InvariantCulture) + "/exe");
            return info.LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The effective user id (second field of Uid: in /proc/PID/status), or null.</summary>
    public static uint? ReadUserId(int pid, string procRoot = "/proc")
    {
        string? status = TryReadText(procRoot + "/" + pid.ToString(CultureInfo.InvariantCulture) + "/status");
        if (status is null)
        {
            return null;
        }

        foreach (string line in status.Split('\n'))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                var f = line[4..].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
                if (f.Length >= 2 && uint.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint uid))
                {
                    return uid;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// When the process started, in local time: field 22 of /proc/PID/stat (clock ticks after boot)
    /// plus btime from /proc/stat. Null when the process is gone.
    /// </summary>
    public static DateTime? ReadStartTime(int pid, string procRoot = "/proc")
    {
        string? stat = TryReadText(procRoot + "/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
        long? boot = BootTime(procRoot);
        if (stat is null || boot is null)
        {
            return null;
        }

        // The name in parentheses may contain spaces and ')': fields follow the last ')'.
        int close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state); starttime is field 22.
        if (fields.Length < 20 || !ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out ulong ticks))
        {
            return null;
        }

        double seconds = (double)ticks / ClockTicks.Value;
        return DateTimeOffset.FromUnixTimeSeconds(boot.Value).AddSeconds(seconds).LocalDateTime;
    }

    private static long? BootTime(string procRoot)
    {
        string? stat = TryReadText(procRoot + "/stat");
        if (stat is null)
        {
            return null;
        }

        foreach (string line in stat.Split('\n'))
        {
            if (line.StartsWith("btime ", StringComparison.Ordinal)
                && long.TryParse(line.AsSpan(6).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long btime))
            {
                return btime;
            }
        }

        return null;
    }

    /// <summary>The user name of a uid from /etc/passwd, or the uid as text when it has none (as lsof prints it).</summary>
    public static string UserName(uint uid) => UserNames.Value.TryGetValue(uid, out string? name)
        ? name : uid.ToString(CultureInfo.InvariantCulture);

    private static readonly Lazy<Dictionary<uint, string>> UserNames = new(() =>
    {
        var names = new Dictionary<uint, string>();
        string? passwd = TryReadText("/etc/passwd");
        foreach (string line in (passwd ?? string.Empty).Split('\n'))
        {
            var f = line.Split(':');
            if (f.Length >= 3 && uint.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint uid))
            {
                names.TryAdd(uid, f[0]);
            }
        }

        return names;
    });

    /// <summary>The distinct names (comm) of the running processes, sorted; for argument completion.</summary>
    public static IReadOnlyList<string> RunningNames(string procRoot = "/proc")
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (int pid in ProcessIds(procRoot))
        {
            if (ReadComm(pid, procRoot) is { Length: > 0 } comm)
            {
                names.Add(comm);
            }
        }

        return names.ToList();
    }

    /// <summary>The ids of the running processes (the numeric entries of /proc); what could be listed when /proc changes or refuses under the listing.</summary>
    public static IReadOnlyList<int> ProcessIds(string procRoot = "/proc")
    {
        var pids = new List<int>();
        try
        {
            foreach (string dir in Directory.EnumerateDirectories(procRoot))
            {
                string name = Path.GetFileName(dir);
                if (name.Length > 0 && char.IsAsciiDigit(name[0]) && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0)
                {
                    pids.Add(pid);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // /proc changed under the listing: what was read.
        }

        return pids;
    }

    private static string? TryReadText(string path)
    {
        byte[]? bytes = TryReadBytes(path);
        return bytes is null ? null : Encoding.UTF8.GetString(bytes);
    }

    private static byte[]? TryReadBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

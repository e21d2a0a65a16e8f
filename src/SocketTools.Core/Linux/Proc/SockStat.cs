using System.Globalization;

namespace SocketTools.Linux;

/// <summary>
/// Reads what ss -s prints: /proc/net/sockstat and sockstat6 ("LABEL: key value key value …"
/// lines) and CurrEstab from the Tcp lines of /proc/net/snmp, in one network namespace.
/// </summary>
internal static class SockStat
{
    /// <summary>Reads the summary of <paramref name="netns"/> (the caller's own when null).</summary>
    public static SocketSummary Read(string? netns, string root = ProcNetSource.DefaultRoot)
    {
        var streams = ProcFiles.Open(netns, root, ["sockstat", "sockstat6", "snmp"]);
        try
        {
            if (streams[0] is null)
            {
                throw new SocketToolsException("SockstatUnavailable", ErrorKind.ResourceUnavailable,
                    $"{root}/sockstat does not exist.", Native.Errno.ENOENT)
                { RecommendedAction = "Mount procfs on /proc." };
            }

            string sockstat = ProcFiles.ReadAllText(streams[0]!, root + "/sockstat");
            string? sockstat6 = streams[1] is null ? null : ProcFiles.ReadAllText(streams[1]!, root + "/sockstat6");
            string? snmp = streams[2] is null ? null : ProcFiles.ReadAllText(streams[2]!, root + "/snmp");
            return Parse(sockstat, sockstat6, snmp, netns);
        }
        finally
        {
            foreach (var s in streams)
            {
                s?.Dispose();
            }
        }
    }

    /// <summary>Builds the summary from the files' text; missing keys count 0, as in ss.</summary>
    internal static SocketSummary Parse(string sockstat, string? sockstat6, string? snmp, string? netns = null)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        Collect(sockstat, values);
        if (sockstat6 is not null)
        {
            Collect(sockstat6, values);
        }

        int Get(string key) => (int)values.GetValueOrDefault(key);
        return new SocketSummary
        {
            NetworkNamespace = netns,
            Total = Get("sockets:used"),
            TcpAllocated = Get("TCP:alloc"),
            TcpIPv4 = Get("TCP:inuse"),
            TcpIPv6 = Get("TCP6:inuse"),
            TcpOrphaned = Get("TCP:orphan"),
            TcpTimeWait = Get("TCP:tw"),
            TcpMemoryPages = values.GetValueOrDefault("TCP:mem"),
            TcpEstablished = snmp is null ? 0 : (int)(SnmpValue(snmp, "Tcp:", "CurrEstab") ?? 0),
            UdpIPv4 = Get("UDP:inuse"),
            UdpIPv6 = Get("UDP6:inuse"),
            UdpMemoryPages = values.GetValueOrDefault("UDP:mem"),
            UdpLiteIPv4 = Get("UDPLITE:inuse"),
            UdpLiteIPv6 = Get("UDPLITE6:inuse"),
            RawIPv4 = Get("RAW:inuse"),
            RawIPv6 = Get("RAW6:inuse"),
            FragIPv4 = Get("FRAG:inuse"),
            FragIPv6 = Get("FRAG6:inuse"),
            FragMemoryIPv4 = values.GetValueOrDefault("FRAG:memory"),
            FragMemoryIPv6 = values.GetValueOrDefault("FRAG6:memory"),
        };
    }

    /// <summary>"TCP: inuse 1 orphan 0 tw 0 alloc 3 mem 1" → TCP:inuse=1, TCP:orphan=0 … (malformed pairs are ignored).</summary>
    private static void Collect(string text, Dictionary<string, long> values)
    {
        foreach (string line in text.Split('\n'))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 3 || !f[0].EndsWith(':'))
            {
                continue;
            }

            for (int i = 1; i + 1 < f.Length; i += 2)
            {
                if (long.TryParse(f[i + 1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
                {
                    values[f[0] + f[i]] = v;
                }
            }
        }
    }

    /// <summary>A value from /proc/net/snmp, whose lines come in pairs: "Tcp: names…" then "Tcp: values…".</summary>
    internal static long? SnmpValue(string snmp, string prefix, string key)
    {
        string[] lines = snmp.Split('\n');
        for (int i = 0; i + 1 < lines.Length; i++)
        {
            if (!lines[i].StartsWith(prefix, StringComparison.Ordinal) || !lines[i + 1].StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            string[] names = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string[] numbers = lines[i + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int index = Array.IndexOf(names, key);
            if (index > 0 && index < numbers.Length
                && long.TryParse(numbers[index], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            {
                return value;
            }

            return null;
        }

        return null;
    }
}

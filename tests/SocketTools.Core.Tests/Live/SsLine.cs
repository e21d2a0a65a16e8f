using System.Globalization;
using System.Text.RegularExpressions;

namespace SocketTools.Tests.Live;

/// <summary>One socket line of ss output (-n, with -e and -o details when given), parsed.</summary>
public sealed record SsLine(
    string Netid, string State, long RecvQ, long SendQ, string Local, string Peer,
    string? TimerName, string? TimerExpiry, int? TimerRetrans, uint Uid, ulong Inode, ulong? Cookie, bool? V6Only,
    string? Shutdown, string Rest)
{
    private static readonly Regex TimerRx = new(@"timer:\((\w+),([^,]*),(\d+)\)");
    private static readonly Regex UidRx = new(@"\buid:(\d+)");
    private static readonly Regex Ino = new(@"\bino:(\d+)");
    private static readonly Regex Sk = new(@"\bsk:([0-9a-f]+)");
    private static readonly Regex V6 = new(@"\bv6only:([01])");
    private static readonly Regex Shut = new(@"(?<=^|\s)(<->|-->|<--|---)(?=\s|$)");

    /// <summary>
    /// Parses ss output. The header says which columns there are: ss leaves out Netid for a single
    /// protocol and State when one state is asked for (State is then empty).
    /// </summary>
    public static List<SsLine> Parse(string output)
    {
        var lines = new List<SsLine>();
        bool hasNetid = false, hasState = true;
        var logical = new List<string>();
        foreach (string raw in output.Split('\n'))
        {
            if (raw.StartsWith("Netid", StringComparison.Ordinal) || raw.StartsWith("State", StringComparison.Ordinal)
                || raw.StartsWith("Recv-Q", StringComparison.Ordinal))
            {
                hasNetid = raw.StartsWith("Netid", StringComparison.Ordinal);
                hasState = raw.Contains("State", StringComparison.Ordinal);
                continue;
            }

            if (raw.Trim().Length == 0)
            {
                continue;
            }

            // ss -i, -m and packet details continue on indented lines: they belong to the socket above.
            if (char.IsWhiteSpace(raw[0]))
            {
                if (logical.Count > 0)
                {
                    logical[^1] += " " + raw.Trim();
                }

                continue;
            }

            logical.Add(raw);
        }

        foreach (string raw in logical)
        {
            string[] f = raw.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int i = 0;
            string netid = hasNetid ? f[i++] : "";
            string state = hasState ? f[i++] : "";
            long rq = long.Parse(f[i++], CultureInfo.InvariantCulture);
            long sq = long.Parse(f[i++], CultureInfo.InvariantCulture);
            bool unix = netid.StartsWith("u_", StringComparison.Ordinal);
            // A Unix socket's cells are two words each: "path inode" and "* peer-inode".
            string local = unix ? f[i++] + " " + f[i++] : f[i++];
            string peer = unix ? f[i++] + " " + f[i++] : f[i++];
            string rest = string.Join(' ', f.Skip(i));
            var t = TimerRx.Match(rest);
            var u = UidRx.Match(rest);
            var n = Ino.Match(rest);
            var k = Sk.Match(rest);
            var v = V6.Match(rest);
            var s = Shut.Match(rest);
            lines.Add(new SsLine(netid, state, rq, sq, local, peer,
                t.Success ? t.Groups[1].Value : null,
                t.Success ? t.Groups[2].Value : null,
                t.Success ? int.Parse(t.Groups[3].Value, CultureInfo.InvariantCulture) : null,
                u.Success ? uint.Parse(u.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
                n.Success ? ulong.Parse(n.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
                k.Success ? ulong.Parse(k.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : null,
                v.Success ? v.Groups[1].Value == "1" : null,
                s.Success ? s.Groups[1].Value : null,
                rest));
        }

        return lines;
    }

    /// <summary>
    /// ss's expiry text as milliseconds. Handles modern text (9min55sec, 55sec, 9.501sec, 476ms) and
    /// iproute2 6.1's (9.501ms for 9.501 s: a dot means seconds before it).
    /// </summary>
    public static double ExpiryMilliseconds(string text)
    {
        double total = 0;
        var m = Regex.Match(text, @"^(?:(\d+)min)?(?:(\d+)(?:sec|\.))?(?:(\d+)(?:ms|sec))?$");
        if (!m.Success)
        {
            throw new FormatException($"unexpected ss expiry '{text}'");
        }

        if (m.Groups[1].Success)
        {
            total += 60_000 * double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        if (m.Groups[2].Success)
        {
            total += 1000 * double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        }

        if (m.Groups[3].Success)
        {
            total += double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        }

        return total;
    }
}

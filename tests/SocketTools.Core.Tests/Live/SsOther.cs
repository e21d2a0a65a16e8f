using System.Globalization;
using System.Text.RegularExpressions;

namespace SocketTools.Tests.Live;

/// <summary>ss -n lines of Unix and packet sockets, whose address columns do not fit <see cref="SsLine"/>.</summary>
public sealed record SsOther(string Netid, string State, long RecvQ, long SendQ, string Local, string LocalPort, ulong Inode, uint Uid)
{
    // u_str LISTEN 1 4 @stt abstract 87699 * 0 …   (Local is "path inode"; the path may hold spaces)
    private static readonly Regex UnixRx = new(@"^(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(.+?)\s+(\d+)\s+(\S+)\s+(\d+)");
    // p_raw UNCONN 0 0 *:* * ino:87701 sk:d5    p_dgr UNCONN 0 0 [2048]:lo * …
    private static readonly Regex PacketRx = new(@"^(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\S+):(\S+)\s+\*");
    private static readonly Regex Ino = new(@"\bino:(\d+)");
    private static readonly Regex UidRx = new(@"\buid:(\d+)");

    /// <summary>Parses ss -xan (Unix: Inode from the Local column) or ss -0ane (packet: ino: from -e).</summary>
    public static List<SsOther> Parse(string output)
    {
        var result = new List<SsOther>();
        foreach (string line in output.Split('\n'))
        {
            if (line.StartsWith("u_", StringComparison.Ordinal))
            {
                var m = UnixRx.Match(line);
                Assert.True(m.Success, "unexpected ss line: " + line);
                result.Add(new SsOther(m.Groups[1].Value, m.Groups[2].Value, long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
                    long.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture), m.Groups[5].Value, "",
                    ulong.Parse(m.Groups[6].Value, CultureInfo.InvariantCulture), 0));
            }
            else if (line.StartsWith("p_", StringComparison.Ordinal))
            {
                var m = PacketRx.Match(line);
                Assert.True(m.Success, "unexpected ss line: " + line);
                var ino = Ino.Match(line);
                var uid = UidRx.Match(line);
                result.Add(new SsOther(m.Groups[1].Value, m.Groups[2].Value, long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
                    long.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture), m.Groups[5].Value, m.Groups[6].Value,
                    ino.Success ? ulong.Parse(ino.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
                    uid.Success ? uint.Parse(uid.Groups[1].Value, CultureInfo.InvariantCulture) : 0));
            }
        }

        return result;
    }
}

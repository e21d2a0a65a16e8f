using System.Text.RegularExpressions;
using SocketTools.Text;

namespace SocketTools.Tests.Live;

/// <summary>
/// Compares sockets read from /proc/net with the same sockets from netlink or from ss, on every
/// field /proc carries. Sockets are keyed by inode; TIME-WAIT and request sockets (inode 0) by 4-tuple.
/// </summary>
public static class ProcDiff
{
    /// <summary>The protocols whose every field /proc carries; and per socket, whether SendQ is carried.</summary>
    public static bool CarriesQueues(SocketInfo s) => s.Protocol != SocketProtocol.Unix;

    public static bool CarriesSendQ(SocketInfo s) =>
        CarriesQueues(s) && !(s.Protocol == SocketProtocol.Tcp && s.State == SocketState.Listen) && s.Protocol != SocketProtocol.Packet;

    public static string Key(SocketInfo s) => s.Inode != 0
        ? $"{s.Protocol}/{s.Inode}"
        : $"{s.Protocol}/{s.Family}/{SsText.Endpoint(s.LocalAddress?.ToString(), s.LocalPort, true, null)}/{SsText.Endpoint(s.RemoteAddress?.ToString(), s.RemotePort, true, null)}";

    /// <summary>
    /// Asserts that /proc and netlink list the same sockets of <paramref name="protocols"/> and agree
    /// on every field /proc carries; timers may differ by <paramref name="gap"/> plus one clock tick.
    /// </summary>
    public static void AgreeWithNetlink(IReadOnlyList<SocketInfo> netlink, IReadOnlyList<SocketInfo> proc,
        IReadOnlyCollection<SocketProtocol> protocols, TimeSpan gap)
    {
        var ours = proc.Where(s => protocols.Contains(s.Protocol)).ToList();
        var theirs = netlink.Where(s => protocols.Contains(s.Protocol)).ToList();
        var byKey = ours.ToDictionary(Key);
        var theirKeys = theirs.Select(Key).ToHashSet();
        var missing = theirs.Where(s => !byKey.ContainsKey(Key(s))).ToList();
        Assert.True(missing.Count == 0, "netlink shows sockets /proc did not: " + string.Join(" | ", missing.Select(Key)));
        var extra = ours.Where(s => !theirKeys.Contains(Key(s))).ToList();
        Assert.True(extra.Count == 0, "/proc shows sockets netlink did not: " + string.Join(" | ", extra.Select(Key)));

        foreach (var n in theirs)
        {
            var p = byKey[Key(n)];
            string where = $"{Key(n)} ({n})";
            Same(where, "Protocol", n.Protocol, p.Protocol);
            Same(where, "Family", n.Family, p.Family);
            Same(where, "Type", n.Type, p.Type);
            Same(where, "State", n.State, p.State);
            Same(where, "LocalAddress", n.LocalAddress, p.LocalAddress);
            Same(where, "LocalPort", n.LocalPort, p.LocalPort);
            Same(where, "RemoteAddress", n.RemoteAddress, p.RemoteAddress);
            Same(where, "RemotePort", n.RemotePort, p.RemotePort);
            Same(where, "Inode", n.Inode, p.Inode);
            Same(where, "Path", n.Path, p.Path);
            Same(where, "EtherType", n.EtherType, p.EtherType);
            if (CarriesQueues(n))
            {
                Same(where, "Uid", n.Uid, p.Uid);
                Same(where, "RecvQ", n.RecvQ, p.RecvQ);
            }

            if (CarriesSendQ(n))
            {
                Same(where, "SendQ", n.SendQ, p.SendQ);
            }

            if (n.Protocol == SocketProtocol.Packet)
            {
                Same(where, "InterfaceIndex", n.InterfaceIndex, p.InterfaceIndex);
                Same(where, "Interface", n.Interface, p.Interface);
            }

            Same(where, "TimerKind", n.TimerKind, p.TimerKind);
            Same(where, "Retransmits", n.Retransmits, p.Retransmits);
            double diff = Math.Abs((n.Timer - p.Timer).TotalMilliseconds);
            Assert.True(diff <= gap.TotalMilliseconds + 10 + 5, $"{where}: Timer netlink {n.Timer} vs /proc {p.Timer}, gap {gap}");

            // What /proc does not carry stays empty.
            Assert.Equal(0UL, p.Cookie);
            Assert.Null(p.V6Only);
        }
    }

    private static void Same<T>(string where, string field, T netlink, T proc) =>
        Assert.True(Equals(netlink, proc), $"{where}: {field} netlink '{netlink}' vs /proc '{proc}'");

    private static readonly Regex Scope = new(@"%[^:\]]+(?=:)");

    /// <summary>
    /// Asserts that /proc's TCP, UDP or RAW sockets are exactly ss's lines (keyed by ino, or by the
    /// endpoints when ino is 0) and agree on every column /proc carries.
    /// </summary>
    public static void AgreeWithSs(IReadOnlyList<SocketInfo> proc, IReadOnlyList<SsLine> ss, TimeSpan gap)
    {
        Assert.NotEmpty(ss);
        string KeyOf(SsLine l) => l.Inode != 0 ? "ino " + l.Inode : Scope.Replace(l.Local, "") + " " + l.Peer;
        // ss leaves ino: out for TIME-WAIT sockets and (iproute2 6.1) for raw sockets: key those by endpoints.
        string KeyOfOurs(SocketInfo s, SsLine l) => l.Inode != 0 ? "ino " + s.Inode
            : SsText.Endpoint(s.LocalAddress?.ToString(), s.LocalPort, l.V6Only, null) + " " + SsText.Endpoint(s.RemoteAddress?.ToString(), s.RemotePort, l.V6Only, null);

        var used = new HashSet<SocketInfo>();
        foreach (var line in ss)
        {
            var s = proc.FirstOrDefault(x => !used.Contains(x) && KeyOfOurs(x, line) == KeyOf(line));
            Assert.True(s is not null, $"ss shows a socket /proc did not: {line}");
            used.Add(s!);
            string where = $"{KeyOf(line)} ({line.Netid} {line.Local} {line.Peer})";
            if (line.Netid.Length > 0)
            {
                Same(where, "Netid", line.Netid, SsText.Netid(s!.Protocol, s.Type));
            }

            Same(where, "State", line.State, SsText.State(s!.State));
            Same(where, "RecvQ", line.RecvQ, s.RecvQ);
            if (CarriesSendQ(s))
            {
                Same(where, "SendQ", line.SendQ, s.SendQ);
            }

            // /proc does not say IPV6_V6ONLY or the bound device: take those from ss's own text.
            Same(where, "Local", Scope.Replace(line.Local, ""), SsText.Endpoint(s.LocalAddress?.ToString(), s.LocalPort, line.V6Only, null));
            Same(where, "Peer", line.Peer, SsText.Endpoint(s.RemoteAddress?.ToString(), s.RemotePort, line.V6Only, null));
            if (line.Rest.Contains("uid:", StringComparison.Ordinal) || line.Inode != 0)
            {
                Same(where, "Uid", line.Uid, s.Uid);
            }

            if (line.TimerName is not null && line.TimerName != "off")
            {
                Same(where, "Timer", line.TimerName, SsText.TimerName(s.TimerKind));
                Same(where, "Retransmits", line.TimerRetrans, (int?)s.Retransmits);
                double theirsMs = SsLine.ExpiryMilliseconds(line.TimerExpiry!);
                double rounding = theirsMs >= 600_000 ? 60_000 : theirsMs >= 10_000 ? 1000 : 1;
                Assert.True(Math.Abs(theirsMs - s.Timer.TotalMilliseconds) <= gap.TotalMilliseconds + rounding + 10 + 5,
                    $"{where}: timer {s.Timer.TotalMilliseconds} ms vs ss {line.TimerExpiry}");
            }
            else
            {
                Same(where, "TimerKind", TimerKind.Off, s.TimerKind);
            }
        }

        var extra = proc.Where(x => !used.Contains(x)).ToList();
        Assert.True(extra.Count == 0, "/proc shows sockets ss did not: " + string.Join(" | ", extra));
    }

    /// <summary>Asserts that /proc's Unix or packet sockets are exactly ss's lines, keyed by inode.</summary>
    public static void AgreeWithSs(IReadOnlyList<SocketInfo> proc, IReadOnlyList<SsOther> ss)
    {
        Assert.NotEmpty(ss);
        var byInode = proc.ToDictionary(s => s.Inode);
        foreach (var line in ss)
        {
            Assert.True(byInode.TryGetValue(line.Inode, out var s), $"ss shows a socket /proc did not: {line}");
            string where = $"ino {line.Inode} ({line})";
            Same(where, "Netid", line.Netid, SsText.Netid(s!.Protocol, s.Type));
            Same(where, "State", line.State, SsText.State(s.State));
            if (s.Protocol == SocketProtocol.Unix)
            {
                Same(where, "Path", line.Local, s.Path ?? "*");
            }
            else
            {
                Same(where, "RecvQ", line.RecvQ, s.RecvQ);
                Same(where, "EtherType", line.Local, s.EtherType == 3 ? "*" : $"[{s.EtherType}]");
                Same(where, "Interface", line.LocalPort, s.Interface ?? "*");
                Same(where, "Uid", line.Uid, s.Uid);
            }
        }

        Assert.Equal(ss.Select(l => l.Inode).Order(), proc.Select(s => s.Inode).Order());
    }
}

using SocketTools.Text;

namespace SocketTools.Tests.Live;

/// <summary>Compares our sockets with ss's lines for the same sockets, field by field, keyed by cookie.</summary>
public static class SsDiff
{
    /// <summary>
    /// Asserts that both name the same sockets and agree on every field ss printed. Timer expiries
    /// may differ by the time between the two reads (<paramref name="gap"/>) plus ss's rounding.
    /// </summary>
    public static void AssertSame(IReadOnlyList<SocketInfo> ours, IReadOnlyList<SsLine> theirs, TimeSpan gap)
    {
        Assert.All(theirs, l => Assert.NotNull(l.Cookie));
        var byCookie = ours.ToDictionary(s => s.Cookie);
        var missing = theirs.Where(l => !byCookie.ContainsKey(l.Cookie!.Value)).ToList();
        Assert.True(missing.Count == 0, "ss shows sockets we did not: " + string.Join(" | ", missing));
        var extra = ours.Where(s => theirs.All(l => l.Cookie != s.Cookie)).ToList();
        Assert.True(extra.Count == 0, "we show sockets ss did not: " + string.Join(" | ", extra));

        foreach (var line in theirs)
        {
            var s = byCookie[line.Cookie!.Value];
            string where = $"socket sk:{s.Cookie:x} ({line.Local} {line.Peer})";
            if (line.Netid.Length > 0)
            {
                Assert.True(line.Netid == SsText.Netid(s.Protocol, s.Type), $"{where}: Netid {SsText.Netid(s.Protocol, s.Type)} vs ss {line.Netid}");
            }

            Assert.True(line.State.Length == 0 || line.State == SsText.State(s.State), $"{where}: State {SsText.State(s.State)} vs ss {line.State}");
            Assert.True(line.RecvQ == s.RecvQ, $"{where}: RecvQ {s.RecvQ} vs ss {line.RecvQ}");
            Assert.True(line.SendQ == s.SendQ, $"{where}: SendQ {s.SendQ} vs ss {line.SendQ}");
            Assert.True(line.Local == SsText.Local(s), $"{where}: Local {SsText.Local(s)} vs ss {line.Local}");
            Assert.True(line.Peer == SsText.Peer(s), $"{where}: Peer {SsText.Peer(s)} vs ss {line.Peer}");
            Assert.True(line.Uid == s.Uid, $"{where}: Uid {s.Uid} vs ss {line.Uid}");
            Assert.True(line.Inode == s.Inode, $"{where}: Inode {s.Inode} vs ss {line.Inode}");
            if (line.V6Only is bool v6only)
            {
                Assert.True(s.V6Only == v6only, $"{where}: V6Only {s.V6Only} vs ss {v6only}");
            }

            string ourTimer = s.TimerKind == TimerKind.Off ? "(none)" : SsText.TimerName(s.TimerKind);
            string ssTimer = line.TimerName is null or "off" ? "(none)" : line.TimerName;
            if (line.Rest.Contains("timer:(", StringComparison.Ordinal) || s.TimerKind != TimerKind.Off)
            {
                Assert.True(ourTimer == ssTimer, $"{where}: timer {ourTimer} vs ss {ssTimer}");
            }

            if (line.TimerExpiry is not null && line.TimerName != "off")
            {
                Assert.True(line.TimerRetrans == s.Retransmits, $"{where}: retransmits {s.Retransmits} vs ss {line.TimerRetrans}");
                double theirsMs = SsLine.ExpiryMilliseconds(line.TimerExpiry);
                double diff = Math.Abs(theirsMs - s.Timer.TotalMilliseconds);
                // ss drops the milliseconds above 10 s and the seconds above 10 min.
                double rounding = theirsMs >= 600_000 ? 60_000 : theirsMs >= 10_000 ? 1000 : 1;
                Assert.True(diff <= gap.TotalMilliseconds + rounding + 5,
                    $"{where}: timer {s.Timer.TotalMilliseconds} ms vs ss {line.TimerExpiry} ({theirsMs} ms), gap {gap.TotalMilliseconds} ms");
            }
        }
    }
}

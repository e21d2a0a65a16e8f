using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using SocketTools.Query;
using SocketTools.Text;

namespace SocketTools.Tests.Live;

/// <summary>
/// -Info and -Memory on TCP sockets, live in a namespace, against the numbers ss -tinme prints for the
/// same sockets. The scenario's sockets are idle, so counters compare exactly; only the "time since"
/// fields move between the two reads and are allowed the gap.
/// </summary>
public sealed class TcpInfoLiveTests
{
    private static readonly Regex Pair = new(@"(?<=\s|^)([a-z_]+):([0-9][0-9.,/]*)(?=\s|$|ms|\()");
    private static readonly Regex Rate = new(@"\b(send|pacing_rate|delivery_rate) ([0-9.]+)([KMG]?)bps");
    private static readonly Regex FwMark = new(@"\bfwmark:0x([0-9a-f]+)");
    private static readonly Regex Cgroup = new(@"\bcgroup:unreachable:([0-9a-f]+)");
    private static readonly Regex Skmem = new(@"skmem:\([^)]*\)");

    [LiveFact]
    public void InfoAndMemoryAgreeWithSs()
    {
        using var ns = new LiveNamespace();
        InetScenario.Build(ns);

        // One more pair: the client marked (SO_MARK) and shut down for sending, so ss prints fwmark and <--.
        var listener = ns.Listen(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 7020));
        var marked = ns.NewSocket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        marked.SetRawSocketOption(1 /* SOL_SOCKET */, 36 /* SO_MARK */, BitConverter.GetBytes(0x2a));
        marked.Connect(listener.LocalEndPoint!);
        using var accepted = listener.Accept();
        marked.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        Thread.Sleep(50);
        var clock = Stopwatch.StartNew();
        var ours = SocketReader.Read(new QueryParameters
        {
            Protocol = [SocketProtocol.Tcp], Info = true, Memory = true, NetworkNamespace = [ns.Name],
        }.ToQuery()).ToList();
        var theirs = SsLine.Parse(ns.Ss("-tinmeoa"));
        double gap = clock.Elapsed.TotalMilliseconds;

        var byCookie = ours.ToDictionary(s => s.Cookie);
        int compared = 0;
        foreach (var line in theirs)
        {
            var s = byCookie[line.Cookie!.Value];
            string where = $"sk:{s.Cookie:x} {line.State} {line.Local} {line.Peer}";
            Assert.True((line.Shutdown ?? "") == SsText.Shutdown(s.Shutdown), $"{where}: shutdown {SsText.Shutdown(s.Shutdown)} vs ss {line.Shutdown}");
            var fwmark = FwMark.Match(line.Rest);
            Assert.True((fwmark.Success ? uint.Parse(fwmark.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : 0u) == (s.Mark ?? 0),
                $"{where}: mark {s.Mark} vs ss {fwmark.Value}");
            var cgroup = Cgroup.Match(line.Rest);
            if (cgroup.Success)
            {
                Assert.Equal(ulong.Parse(cgroup.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), s.CgroupId);
            }

            var skmem = Skmem.Match(line.Rest);
            Assert.True((skmem.Success ? skmem.Value : "") == SsText.Skmem(s.Memory), $"{where}: {SsText.Skmem(s.Memory)} vs ss {skmem.Value}");
            if (s.State is SocketState.TimeWait or SocketState.SynReceived)
            {
                // Minisockets have neither memory nor tcp_info.
                Assert.Null(s.Memory);
                Assert.Null(s.Tcp);
                continue;
            }

            var tcp = s.Tcp;
            Assert.True(tcp is not null, $"{where}: no tcp_info");
            Assert.True(tcp!.InfoLength >= SocketTools.Linux.TcpInfo.BaseLength, $"{where}: tcp_info of {tcp.InfoLength} bytes");
            Assert.False(string.IsNullOrEmpty(tcp.CongestionAlgorithm));
            Assert.Contains(" " + tcp.CongestionAlgorithm + " ", " " + line.Rest + " ");
            Assert.Equal(line.Rest.Contains(" ts ", StringComparison.Ordinal), tcp.Timestamps);
            Assert.Equal(line.Rest.Contains(" sack ", StringComparison.Ordinal), tcp.Sack);
            Assert.Equal(Regex.IsMatch(line.Rest, @"\becn\b"), tcp.Ecn);
            Assert.Equal(Regex.IsMatch(line.Rest, @"\bapp_limited\b"), tcp.DeliveryRateAppLimited);

            foreach (Match m in Pair.Matches(line.Rest))
            {
                string key = m.Groups[1].Value, value = m.Groups[2].Value;
                string what = $"{where}: {key}:{value}";
                switch (key)
                {
                    case "wscale":
                        Assert.True(value == $"{tcp.SendWindowScale},{tcp.ReceiveWindowScale}", $"{what} vs ours {tcp.SendWindowScale},{tcp.ReceiveWindowScale}");
                        break;
                    case "rto": Ms(what, value, tcp.Rto); break;
                    case "ato": Ms(what, value, tcp.Ato); break;
                    case "minrtt": Ms(what, value, tcp.MinRtt!.Value); break;
                    case "rcv_rtt": Ms(what, value, tcp.RcvRtt); break;
                    case "rtt":
                        Ms(what, value.Split('/')[0], tcp.Rtt);
                        Ms(what, value.Split('/')[1], tcp.RttVar);
                        break;
                    case "retrans":
                        Assert.Equal(value, $"{tcp.Retrans}/{tcp.TotalRetrans}");
                        break;
                    case "lastsnd": Near(what, value, tcp.LastDataSent, gap); break;
                    case "lastrcv": Near(what, value, tcp.LastDataReceived, gap); break;
                    case "lastack": Near(what, value, tcp.LastAckReceived, gap); break;
                    case "busy": Ms(what, value, tcp.BusyTime!.Value, 1); break;
                    default:
                        long? ourValue = key switch
                        {
                            "mss" => tcp.Mss, "pmtu" => tcp.Pmtu, "rcvmss" => tcp.RcvMss, "advmss" => tcp.AdvMss,
                            "cwnd" => tcp.Cwnd, "ssthresh" => tcp.SsThresh, "backoff" => tcp.Backoff,
                            "bytes_sent" => (long?)tcp.BytesSent, "bytes_retrans" => (long?)tcp.BytesRetrans,
                            "bytes_acked" => (long?)tcp.BytesAcked, "bytes_received" => (long?)tcp.BytesReceived,
                            "segs_out" => tcp.SegsOut, "segs_in" => tcp.SegsIn,
                            "data_segs_out" => tcp.DataSegsOut, "data_segs_in" => tcp.DataSegsIn,
                            "delivered" => tcp.Delivered, "delivered_ce" => tcp.DeliveredCe,
                            "rcv_space" => tcp.RcvSpace, "rcv_ssthresh" => tcp.RcvSsThresh,
                            "snd_wnd" => tcp.SndWnd, "rcv_wnd" => tcp.RcvWnd, "notsent" => tcp.NotSentBytes,
                            "unacked" => tcp.Unacked, "sacked" => tcp.Sacked, "lost" => tcp.Lost,
                            "reordering" => tcp.Reordering, "reord_seen" => tcp.ReorderSeen,
                            "dsack_dups" => tcp.DsackDups, "rcv_ooopack" => tcp.RcvOooPack, "rehash" => tcp.Rehash,
                            _ => null,
                        };
                        if (ourValue is not null)
                        {
                            Assert.True(long.Parse(value, CultureInfo.InvariantCulture) == ourValue, $"{what} vs ours {ourValue}");
                            compared++;
                        }

                        break;
                }
            }

            // SsText.TcpInfo prints the same items in ss's order, with the same values for what does not
            // move between the two reads. ss 6.1 predates rcv_wnd and rehash; BBR details are not decoded.
            var theirItems = Items(BbrRx.Replace(line.Rest[(line.Rest.IndexOf(')', line.Rest.IndexOf("skmem:(", StringComparison.Ordinal)) + 1)..], ""));
            var ourItems = Items(SsText.TcpInfo(tcp, s.State)).Where(i => !i.StartsWith("rcv_wnd:", StringComparison.Ordinal)
                && !i.StartsWith("rehash:", StringComparison.Ordinal)).ToList();
            Assert.True(theirItems.Count == ourItems.Count && theirItems.Zip(ourItems).All(p => SameItem(p.First, p.Second)),
                $"{where}:\n ours {string.Join(' ', ourItems)}\n ss   {string.Join(' ', theirItems)}");

            foreach (Match m in Rate.Matches(line.Rest))
            {
                if (m.Groups[1].Value == "send")
                {
                    continue;  // ss computes it from cwnd, mss and rtt
                }

                double scale = m.Groups[3].Value switch { "K" => 1e3, "M" => 1e6, "G" => 1e9, _ => 1 };
                double theirsBps = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) * scale;
                double oursBps = 8.0 * (m.Groups[1].Value == "pacing_rate" ? tcp.PacingRate!.Value : tcp.DeliveryRate!.Value);
                Assert.True(Math.Abs(theirsBps - oursBps) <= Math.Max(1, scale / 10) + 1e-9 * oursBps,
                    $"{where}: {m.Value} vs ours {oursBps}bps");
            }
        }

        // The scenario's established sockets carry data: those counters were compared.
        Assert.True(compared > 50, $"only {compared} counters compared");
        Assert.Contains(ours, s => s.Mark == 0x2a && s.Shutdown == ShutdownState.Send);
        Assert.Contains(ours, s => s.Shutdown == ShutdownState.Receive && s.LocalPort == 7020);
    }

    [LiveFact]
    public void UdpMemoryAgreesWithSs()
    {
        using var ns = new LiveNamespace();
        InetScenario.Build(ns);
        var ours = SocketReader.Read(new QueryParameters
        {
            Protocol = [SocketProtocol.Udp], Memory = true, Info = true, NetworkNamespace = [ns.Name],
        }.ToQuery()).ToList();
        var theirs = SsLine.Parse(ns.Ss("-uanmeo"));
        Assert.Equal(3, theirs.Count);
        SsDiff.AssertSame(ours, theirs, TimeSpan.FromSeconds(1));
        foreach (var line in theirs)
        {
            var s = ours.Single(o => o.Cookie == line.Cookie);
            Assert.Null(s.Tcp);  // -Info is TCP's alone
            Assert.Equal(Skmem.Match(line.Rest).Value, SsText.Skmem(s.Memory));
            Assert.Equal(line.Shutdown ?? "", SsText.Shutdown(s.Shutdown));
        }

        // 64 bytes wait on the unconnected IPv4 socket: its memory shows the skb.
        Assert.Contains(ours, s => s.LocalPort == 5353 && s.Memory!.RmemAlloc > 0 && s.Memory.RmemAlloc == s.RecvQ);
    }

    private static readonly Regex BbrRx = new(@"\s(bbr|dctcp):\([^)]*\)");

    /// <summary>The tcp_info items of an ss -i text: "ts", "mss:65483", "send 123bps" (rates keep their word).</summary>
    private static List<string> Items(string text)
    {
        var items = new List<string>();
        string[] words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < words.Length; i++)
        {
            string w = words[i];
            if (w is "send" or "pacing_rate" or "delivery_rate" && i + 1 < words.Length)
            {
                items.Add(w + " " + words[++i]);
            }
            else if (!w.StartsWith("timer:", StringComparison.Ordinal) && w != "<->" && w != "-->" && w != "<--" && w != "---")
            {
                items.Add(w);
            }
        }

        return items;
    }

    /// <summary>Same item: the same key, and the same value unless it is a time since or a rate, which move.</summary>
    private static bool SameItem(string theirs, string ours)
    {
        string Key(string item) => item.Split(':', ' ')[0];
        if (Key(theirs) != Key(ours))
        {
            return false;
        }

        return Key(theirs) is "lastsnd" or "lastrcv" or "lastack" or "send" or "pacing_rate" or "delivery_rate" or "busy"
            || theirs == ours;
    }

    private static void Ms(string what, string ssText, TimeSpan ours, double tolerance = 0.0011)
    {
        double theirs = double.Parse(ssText, CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(theirs - ours.TotalMilliseconds) <= tolerance, $"{what} vs ours {ours.TotalMilliseconds} ms");
    }

    private static void Near(string what, string ssText, TimeSpan ours, double gap)
    {
        double theirs = double.Parse(ssText, CultureInfo.InvariantCulture);
        double diff = theirs - ours.TotalMilliseconds;
        Assert.True(diff >= -1 && diff <= gap + 5, $"{what} vs ours {ours.TotalMilliseconds} ms (gap {gap} ms)");
    }
}

using System.Globalization;
using System.Text;

namespace SocketTools.Text;

/// <summary>The text of <c>ss -s</c>, made from a <see cref="SocketSummary"/>'s counters.</summary>
public static class SummaryText
{
    /// <summary>
    /// ss -s's text from the raw counters (plain values, so deserialized objects format too). The
    /// derived numbers are computed as ss computes them; every line ends with a newline
    /// and a blank line ends the text, as in ss; the Transport rows keep ss's tab and %-9d padding.
    /// </summary>
    public static string Format(int total, int tcpAllocated, int tcpEstablished, int tcpOrphaned, int tcpTimeWait,
        int tcpIPv4, int tcpIPv6, int udpIPv4, int udpIPv6, int rawIPv4, int rawIPv6, int fragIPv4, int fragIPv6)
    {
        var sb = new StringBuilder(400);
        sb.Append(CultureInfo.InvariantCulture, $"Total: {total}\n");
        sb.Append(CultureInfo.InvariantCulture,
            $"TCP:   {tcpAllocated + tcpTimeWait} (estab {tcpEstablished}, closed {tcpAllocated - (tcpIPv4 + tcpIPv6 - tcpTimeWait)}, orphaned {tcpOrphaned}, timewait {tcpTimeWait})\n");
        sb.Append('\n');
        sb.Append("Transport Total     IP        IPv6\n");
        Row(sb, "RAW", rawIPv4, rawIPv6);
        Row(sb, "UDP", udpIPv4, udpIPv6);
        Row(sb, "TCP", tcpIPv4, tcpIPv6);
        Row(sb, "INET", rawIPv4 + udpIPv4 + tcpIPv4, rawIPv6 + udpIPv6 + tcpIPv6);
        Row(sb, "FRAG", fragIPv4, fragIPv6);
        sb.Append('\n');
        return sb.ToString();
    }

    /// <summary>ss -s's text for <paramref name="summary"/>.</summary>
    public static string Format(SocketSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return Format(summary.Total, summary.TcpAllocated, summary.TcpEstablished, summary.TcpOrphaned, summary.TcpTimeWait,
            summary.TcpIPv4, summary.TcpIPv6, summary.UdpIPv4, summary.UdpIPv6, summary.RawIPv4, summary.RawIPv6,
            summary.FragIPv4, summary.FragIPv6);
    }

    private static void Row(StringBuilder sb, string name, int v4, int v6)
    {
        sb.Append(name).Append("\t  ");
        Cell(sb, v4 + v6);
        sb.Append(' ');
        Cell(sb, v4);
        sb.Append(' ');
        Cell(sb, v6);
        sb.Append('\n');
    }

    private static void Cell(StringBuilder sb, int value)
    {
        string text = value.ToString(CultureInfo.InvariantCulture);
        sb.Append(text).Append(' ', Math.Max(0, 9 - text.Length));
    }
}

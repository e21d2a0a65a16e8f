using System.Globalization;

namespace SocketTools.Text;

/// <summary>The cell text of Watch-SocketEvent's views (ss -E and tcplife), from plain values so deserialized events format too.</summary>
public static class EventText
{
    /// <summary>Whole kilobytes (bytes / 1024, rounded down) as tcplife prints TX_KB and RX_KB; empty when unknown.</summary>
    public static string Kilobytes(ulong? bytes) =>
        bytes is ulong b ? (b / 1024).ToString(CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>Milliseconds with two decimals, as tcplife prints MS; empty when the lifetime is unknown.</summary>
    public static string Milliseconds(TimeSpan? lifetime) =>
        lifetime is TimeSpan t ? t.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>The event column: Closed, or Opened* / StateChanged* with a star for events found by sampling.</summary>
    public static string Event(string? kind, bool sampled) => sampled ? kind + "*" : kind ?? string.Empty;
}

using System.Globalization;
using SocketTools.Watching;

namespace SocketTools.Text;

/// <summary>The cell text of Watch-TcpTimer's view, from plain values so deserialized samples format too.</summary>
public static class WatchText
{
    /// <summary>The change column: empty for None, otherwise the flag names ("Retransmitted, TimerRestarted").</summary>
    public static string Change(string? change) =>
        string.IsNullOrEmpty(change) || change == nameof(TimerChange.None) || change == "0" ? string.Empty : change;

    /// <summary>A sample's time of day, HH:mm:ss.fff.</summary>
    public static string Time(DateTime timestamp) => timestamp.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    /// <summary>
    /// The timer cell as ss -o prints it, timer:(on,1.016sec,2); for a socket with no pending timer
    /// ss prints nothing, so neither does this.
    /// </summary>
    public static string Timer(TimerKind kind, TimeSpan remaining, int retransmits) => SsText.Timer(kind, remaining, retransmits);

    /// <summary>A sample as one ss -not style line with its change, for ToString and logs.</summary>
    public static string Line(TimerSample sample) => string.Create(CultureInfo.InvariantCulture,
        $"{SsText.State(sample.State)} {sample.RecvQ} {sample.SendQ} {SsText.Endpoint(sample.LocalAddress?.ToString(), sample.LocalPort, sample.V6Only, sample.Interface)} {SsText.Endpoint(sample.RemoteAddress?.ToString(), sample.RemotePort, sample.V6Only, null)} {SsText.Timer(sample.TimerKind, sample.Timer, sample.Retransmits)} {Change(sample.Change.ToString())}").TrimEnd();
}

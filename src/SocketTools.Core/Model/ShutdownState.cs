namespace SocketTools;

/// <summary>Which directions of a socket have been shut down (ss -e prints &lt;-&gt;, --&gt;, &lt;--, ---).</summary>
[Flags]
public enum ShutdownState
{
    /// <summary>Both directions open (ss: &lt;-&gt;).</summary>
    None = 0,
    /// <summary>Receiving shut down (RCV_SHUTDOWN).</summary>
    Receive = 1,
    /// <summary>Sending shut down (SEND_SHUTDOWN).</summary>
    Send = 2,
    /// <summary>Both directions shut down (ss: ---).</summary>
    Both = 3,
}

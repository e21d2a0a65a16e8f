namespace SocketTools;

/// <summary>TCP internals from the kernel's tcp_info (ss -i), filled when -Info is asked for.</summary>
public sealed class TcpDetails
{
    /// <summary>Congestion control algorithm (INET_DIAG_CONG), e.g. cubic or bbr.</summary>
    public string? CongestionAlgorithm { get; init; }
}

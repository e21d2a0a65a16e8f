namespace SocketTools;

/// <summary>The socket type (SOCK_STREAM, SOCK_DGRAM, …).</summary>
public enum SocketKind
{
    /// <summary>Unknown or not applicable.</summary>
    Unknown = 0,
    /// <summary>SOCK_STREAM.</summary>
    Stream = 1,
    /// <summary>SOCK_DGRAM.</summary>
    Datagram = 2,
    /// <summary>SOCK_RAW.</summary>
    Raw = 3,
    /// <summary>SOCK_SEQPACKET.</summary>
    SeqPacket = 5,
}

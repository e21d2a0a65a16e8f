namespace SocketTools;

/// <summary>
/// Socket counts for one network namespace, as <c>ss -s</c> prints them: read from
/// /proc/net/sockstat, /proc/net/sockstat6 and the Tcp line of /proc/net/snmp. The raw counters
/// are properties; the numbers ss derives from them (TcpTotal, TcpClosed, the Transport table's
/// totals) are computed properties with ss's arithmetic.
/// </summary>
/// <remarks>
/// The kernel counts TcpAllocated, TcpOrphaned and TcpMemoryPages for the whole host, not per
/// namespace; the rest are the namespace's own.
/// </remarks>
public sealed class SocketSummary
{
    /// <summary>The namespace the counts are from: its name under /run/netns, else net:[INODE].</summary>
    public string? NetworkNamespace { get; internal set; }

    /// <summary>The inode of the namespace the counts are from; 0 when unknown.</summary>
    public ulong NetworkNamespaceId { get; internal set; }

    /// <summary>Sockets in use in the namespace, of every family (sockstat "sockets: used"; ss "Total").</summary>
    public int Total { get; init; }

    /// <summary>TCP sockets allocated on the host, including closed and orphaned ones (sockstat TCP alloc).</summary>
    public int TcpAllocated { get; init; }

    /// <summary>IPv4 TCP sockets in the hash tables: listening, connecting, connected, TIME-WAIT (sockstat TCP inuse).</summary>
    public int TcpIPv4 { get; init; }

    /// <summary>IPv6 TCP sockets in the hash tables (sockstat6 TCP6 inuse).</summary>
    public int TcpIPv6 { get; init; }

    /// <summary>TCP sockets no longer attached to a file descriptor, still sending or closing (host-wide; sockstat TCP orphan).</summary>
    public int TcpOrphaned { get; init; }

    /// <summary>TCP sockets in TIME-WAIT (sockstat TCP tw).</summary>
    public int TcpTimeWait { get; init; }

    /// <summary>TCP connections in ESTABLISHED or CLOSE-WAIT (snmp Tcp CurrEstab; ss "estab").</summary>
    public int TcpEstablished { get; init; }

    /// <summary>Pages of memory TCP uses on the host (sockstat TCP mem).</summary>
    public long TcpMemoryPages { get; init; }

    /// <summary>IPv4 UDP sockets (sockstat UDP inuse).</summary>
    public int UdpIPv4 { get; init; }

    /// <summary>IPv6 UDP sockets (sockstat6 UDP6 inuse).</summary>
    public int UdpIPv6 { get; init; }

    /// <summary>Pages of memory UDP uses (sockstat UDP mem).</summary>
    public long UdpMemoryPages { get; init; }

    /// <summary>IPv4 UDP-Lite sockets (sockstat UDPLITE inuse; ss does not print it).</summary>
    public int UdpLiteIPv4 { get; init; }

    /// <summary>IPv6 UDP-Lite sockets (sockstat6 UDPLITE6 inuse; ss does not print it).</summary>
    public int UdpLiteIPv6 { get; init; }

    /// <summary>IPv4 raw sockets (sockstat RAW inuse).</summary>
    public int RawIPv4 { get; init; }

    /// <summary>IPv6 raw sockets (sockstat6 RAW6 inuse).</summary>
    public int RawIPv6 { get; init; }

    /// <summary>IPv4 fragment reassembly queues (sockstat FRAG inuse).</summary>
    public int FragIPv4 { get; init; }

    /// <summary>IPv6 fragment reassembly queues (sockstat6 FRAG6 inuse).</summary>
    public int FragIPv6 { get; init; }

    /// <summary>Bytes held by IPv4 fragment queues (sockstat FRAG memory).</summary>
    public long FragMemoryIPv4 { get; init; }

    /// <summary>Bytes held by IPv6 fragment queues (sockstat6 FRAG6 memory).</summary>
    public long FragMemoryIPv6 { get; init; }

    /// <summary>ss's "TCP:" number: allocated plus TIME-WAIT sockets.</summary>
    public int TcpTotal => TcpAllocated + TcpTimeWait;

    /// <summary>ss's "closed": allocated TCP sockets not in the hash tables (closed, or never bound/connected).</summary>
    public int TcpClosed => TcpAllocated - (TcpIPv4 + TcpIPv6 - TcpTimeWait);

    /// <summary>The Transport table's TCP total: hashed IPv4 and IPv6 TCP sockets.</summary>
    public int TcpInUse => TcpIPv4 + TcpIPv6;

    /// <summary>The Transport table's UDP total.</summary>
    public int UdpTotal => UdpIPv4 + UdpIPv6;

    /// <summary>The Transport table's RAW total.</summary>
    public int RawTotal => RawIPv4 + RawIPv6;

    /// <summary>The Transport table's INET IPv4 column: RAW, UDP and TCP over IPv4.</summary>
    public int InetIPv4 => RawIPv4 + UdpIPv4 + TcpIPv4;

    /// <summary>The Transport table's INET IPv6 column.</summary>
    public int InetIPv6 => RawIPv6 + UdpIPv6 + TcpIPv6;

    /// <summary>The Transport table's INET total.</summary>
    public int InetTotal => InetIPv4 + InetIPv6;

    /// <summary>The Transport table's FRAG total.</summary>
    public int FragTotal => FragIPv4 + FragIPv6;

    /// <inheritdoc />
    public override string ToString() => Text.SummaryText.Format(this);
}

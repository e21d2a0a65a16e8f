using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>struct packet_diag_info (include/uapi/linux/packet_diag.h): the PACKET_DIAG_INFO attribute.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PacketDiagInfo
{
    /// <summary>The interface the socket is bound to, 0 for all.</summary>
    public uint pdi_index;

    /// <summary>TPACKET_V1, V2 or V3.</summary>
    public uint pdi_version;

    /// <summary>The ring's reserved headroom.</summary>
    public uint pdi_reserve;

    /// <summary>The copy threshold.</summary>
    public uint pdi_copy_thresh;

    /// <summary>The timestamping flags.</summary>
    public uint pdi_tstamp;

    /// <summary>PDI_RUNNING, PDI_AUXDATA, PDI_ORIGDEV, PDI_VNETHDR, PDI_LOSS.</summary>
    public uint pdi_flags;
}

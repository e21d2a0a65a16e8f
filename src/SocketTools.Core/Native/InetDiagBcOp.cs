using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>
/// struct inet_diag_bc_op (include/uapi/linux/inet_diag.h): one instruction of the inet_diag filter
/// bytecode. The kernel continues at +<see cref="yes"/> when the condition holds and at +<see cref="no"/>
/// when not; its operand (if any) follows.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct InetDiagBcOp
{
    /// <summary>INET_DIAG_BC_*.</summary>
    public byte code;

    /// <summary>The jump when the condition holds: the op's length with its operand.</summary>
    public byte yes;

    /// <summary>The jump when it does not (for the port conditions' operand op: the port).</summary>
    public ushort no;
}

using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SocketTools.Native;
using SocketTools.Query;

namespace SocketTools.Linux;

/// <summary>
/// Compiles a <see cref="FilterNode"/> tree to inet_diag bytecode (INET_DIAG_REQ_BYTECODE): a list
/// of struct inet_diag_bc_op { u8 code; u8 yes; u16 no; } with their operands. The kernel runs it
/// per socket: a true condition continues at +yes (always the next op here, which is what the
/// kernel's audit walks), a false one jumps +no; running off the end exactly accepts the socket,
/// jumping past it rejects it.
/// </summary>
internal static class InetDiagBytecode
{
    internal const byte INET_DIAG_BC_NOP = 0;
    internal const byte INET_DIAG_BC_JMP = 1;
    internal const byte INET_DIAG_BC_S_GE = 2;
    internal const byte INET_DIAG_BC_S_LE = 3;
    internal const byte INET_DIAG_BC_D_GE = 4;
    internal const byte INET_DIAG_BC_D_LE = 5;
    internal const byte INET_DIAG_BC_AUTO = 6;
    internal const byte INET_DIAG_BC_S_COND = 7;
    internal const byte INET_DIAG_BC_D_COND = 8;
    internal const byte INET_DIAG_BC_DEV_COND = 9;
    internal const byte INET_DIAG_BC_MARK_COND = 10;
    internal const byte INET_DIAG_BC_S_EQ = 11;
    internal const byte INET_DIAG_BC_D_EQ = 12;

    private const int MaxLength = ushort.MaxValue - 8;

    /// <summary>
    /// The bytecode for <paramref name="node"/>, or null when it cannot be expressed (a device name
    /// that <paramref name="deviceIndex"/> does not know, or a program too long for one attribute):
    /// the caller then asks for everything and relies on the in-process check.
    /// </summary>
    public static byte[]? Compile(FilterNode? node, Func<string, int?> deviceIndex)
    {
        if (node is null)
        {
            return null;
        }

        var program = new Program(deviceIndex);
        var reject = program.NewLabel();
        if (!program.Emit(node, reject))
        {
            return null;
        }

        return program.Assemble(reject);
    }

    private sealed class Label
    {
        public int Offset = -1;
    }

    private sealed class Op
    {
        public byte Code;
        public Label? No;          // null: no jump (falls through either way)
        public byte[] Operand = [];
        public int Offset;
        public int Length => Unsafe.SizeOf<InetDiagBcOp>() + Operand.Length;
    }

    private sealed class Program(Func<string, int?> deviceIndex)
    {
        private readonly List<object> _items = [];   // Op or Label (a label marks the position of the next op)

        public Label NewLabel() => new();

        private void Place(Label label) => _items.Add(label);

        private void Add(byte code, Label? no, byte[]? operand = null) =>
            _items.Add(new Op { Code = code, No = no, Operand = operand ?? [] });

        /// <summary>Emits code that falls through when <paramref name="node"/> holds and jumps to <paramref name="onFalse"/> when not.</summary>
        public bool Emit(FilterNode node, Label onFalse)
        {
            switch (node)
            {
                case AndNode and:
                    return Emit(and.Left, onFalse) && Emit(and.Right, onFalse);

                case OrNode or:
                {
                    var tryRight = NewLabel();
                    var done = NewLabel();
                    if (!Emit(or.Left, tryRight))
                    {
                        return false;
                    }

                    Add(INET_DIAG_BC_JMP, done);
                    Place(tryRight);
                    if (!Emit(or.Right, onFalse))
                    {
                        return false;
                    }

                    Place(done);
                    return true;
                }

                case NotNode not:
                {
                    var holds = NewLabel();
                    if (!Emit(not.Operand, holds))
                    {
                        return false;
                    }

                    Add(INET_DIAG_BC_JMP, onFalse);
                    Place(holds);
                    return true;
                }

                case HostNode host:
                    Add(host.Remote ? INET_DIAG_BC_D_COND : INET_DIAG_BC_S_COND, onFalse, HostCond(host));
                    return true;

                case PortCompareNode cmp:
                {
                    byte code = (cmp.Remote, cmp.GreaterOrEqual) switch
                    {
                        (false, true) => INET_DIAG_BC_S_GE,
                        (false, false) => INET_DIAG_BC_S_LE,
                        (true, true) => INET_DIAG_BC_D_GE,
                        (true, false) => INET_DIAG_BC_D_LE,
                    };

                    // The operand is a second inet_diag_bc_op whose 'no' holds the port.
                    Add(code, onFalse, Bytes(new InetDiagBcOp { no = (ushort)cmp.Port }));
                    return true;
                }

                case DeviceNode dev:
                {
                    int? index = dev.Index ?? deviceIndex(dev.Name!);
                    if (index is null)
                    {
                        return false;
                    }

                    // The operand is the u32 ifindex.
                    Add(INET_DIAG_BC_DEV_COND, onFalse, Bytes((uint)index.Value));
                    return true;
                }

                case AutoBoundNode:
                    Add(INET_DIAG_BC_AUTO, onFalse);
                    return true;

                case MarkNode mark:
                {
                    Add(INET_DIAG_BC_MARK_COND, onFalse, Bytes(new InetDiagMarkCond { mark = mark.Mark, mask = mark.Mask }));
                    return true;
                }

                default:
                    return false;
            }
        }

        /// <summary>struct inet_diag_hostcond and the address that follows it.</summary>
        private static byte[] HostCond(HostNode host)
        {
            byte family = host.Family switch
            {
                SocketFamily.IPv4 => Libc.AF_INET,
                SocketFamily.IPv6 => Libc.AF_INET6,
                _ => 0,
            };
            int addressLength = family == Libc.AF_INET6 ? 16 : 4;   // AF_UNSPEC: 4 unused bytes, as ss sends
            var cond = new InetDiagHostCond { family = family, port = host.Port };
            byte[] operand = new byte[Unsafe.SizeOf<InetDiagHostCond>() + addressLength];
            if (host.Prefix is IPPrefix prefix)
            {
                cond.prefix_len = (byte)prefix.Length;
                var address = prefix.Address;
                if (family == Libc.AF_INET6 && address.AddressFamily == AddressFamily.InterNetwork)
                {
                    address = address.MapToIPv6();
                }

                address.TryWriteBytes(operand.AsSpan(Unsafe.SizeOf<InetDiagHostCond>()), out _);
            }

            MemoryMarshal.Write(operand, in cond);
            return operand;
        }

        /// <summary>The bytes of an operand, in host byte order as the kernel reads them.</summary>
        private static byte[] Bytes<T>(T value)
            where T : unmanaged
        {
            byte[] bytes = new byte[Unsafe.SizeOf<T>()];
            MemoryMarshal.Write(bytes, in value);
            return bytes;
        }

        public byte[]? Assemble(Label reject)
        {
            int offset = 0;
            foreach (object item in _items)
            {
                if (item is Label label)
                {
                    label.Offset = offset;
                }
                else
                {
                    var op = (Op)item;
                    op.Offset = offset;
                    offset += op.Length;
                }
            }

            int length = offset;
            if (length == 0 || length > MaxLength)
            {
                return null;
            }

            reject.Offset = length + Unsafe.SizeOf<InetDiagBcOp>();   // past the end: the kernel rejects the socket
            byte[] code = new byte[length];
            foreach (object item in _items)
            {
                if (item is not Op op)
                {
                    continue;
                }

                int no = op.No is null ? op.Length : op.No.Offset - op.Offset;
                if (no <= 0 || no > ushort.MaxValue || op.Length > byte.MaxValue)
                {
                    return null;
                }

                var span = code.AsSpan(op.Offset);
                var header = new InetDiagBcOp { code = op.Code, yes = (byte)op.Length, no = (ushort)no };
                MemoryMarshal.Write(span, in header);
                op.Operand.CopyTo(span[Unsafe.SizeOf<InetDiagBcOp>()..]);
            }

            return code;
        }
    }
}

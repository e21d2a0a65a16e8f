using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>
/// Reading kernel structs that may arrive shorter than this build knows them: an older kernel sends
/// a shorter struct (tcp_info grew from 104 to 248 bytes), and a field is read only when the bytes
/// the kernel sent reach past its end.
/// </summary>
internal static class KernelStruct
{
    /// <summary>A <typeparamref name="T"/> from the front of <paramref name="bytes"/>; fields past their end are zero.</summary>
    public static T ReadPrefix<T>(ReadOnlySpan<byte> bytes)
        where T : unmanaged
    {
        T value = default;
        int n = Math.Min(bytes.Length, Unsafe.SizeOf<T>());
        bytes[..n].CopyTo(MemoryMarshal.AsBytes(new Span<T>(ref value)));
        return value;
    }

    /// <summary>Where <paramref name="field"/> (a field of <paramref name="value"/>) ends: its offset plus its size.</summary>
    public static int End<T, TField>(ref T value, ref TField field)
        where T : unmanaged
        where TField : unmanaged =>
        (int)Unsafe.ByteOffset(ref Unsafe.As<T, byte>(ref value), ref Unsafe.As<TField, byte>(ref field)) + Unsafe.SizeOf<TField>();

    /// <summary>
    /// <paramref name="field"/> (a field of <paramref name="value"/>, read with <see cref="ReadPrefix"/>)
    /// when the <paramref name="sent"/> bytes reach past its end; null when the kernel did not send it.
    /// </summary>
    public static TField? IfSent<T, TField>(int sent, ref T value, ref TField field)
        where T : unmanaged
        where TField : unmanaged =>
        sent >= End(ref value, ref field) ? field : null;
}

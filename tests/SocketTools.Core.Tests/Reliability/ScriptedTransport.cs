using System.Buffers.Binary;
using SocketTools.Linux;
using SocketTools.Native;

namespace SocketTools.Tests.Reliability;

/// <summary>
/// A netlink transport that plays a script: each receive takes the next step (a datagram, a datagram
/// built for the current sequence number, an errno, or a datagram reported longer than it is as
/// MSG_TRUNC does). When the script is used up it answers <see cref="WhenEmpty"/> (by default EAGAIN,
/// as a real socket whose receive timeout passed).
/// </summary>
internal sealed class ScriptedTransport : INetlinkTransport
{
    private readonly Queue<Step> _steps = new();

    public sealed record Step(byte[]? Bytes = null, Func<uint, byte[]>? Build = null, int Errno = 0, int? ReportedLength = null);

    /// <summary>Errnos the next sends fail with, in order (then sends succeed).</summary>
    public Queue<int> SendErrors { get; } = new();

    /// <summary>Every request sent.</summary>
    public List<byte[]> Sent { get; } = [];

    /// <summary>The sequence number of the last request sent.</summary>
    public uint Seq { get; private set; }

    public int Receives { get; private set; }

    public bool Disposed { get; private set; }

    /// <summary>What a receive gets once the script is used up: a step, or null for EAGAIN.</summary>
    public Func<uint, Step?>? WhenEmpty { get; set; }

    public ScriptedTransport Data(params byte[][] datagrams)
    {
        foreach (var d in datagrams)
        {
            _steps.Enqueue(new Step(Bytes: d));
        }

        return this;
    }

    public ScriptedTransport Reply(Func<uint, byte[]> build)
    {
        _steps.Enqueue(new Step(Build: build));
        return this;
    }

    public ScriptedTransport Fail(int errno)
    {
        _steps.Enqueue(new Step(Errno: errno));
        return this;
    }

    public ScriptedTransport Truncated(byte[] datagram, int reportedLength)
    {
        _steps.Enqueue(new Step(Bytes: datagram, ReportedLength: reportedLength));
        return this;
    }

    public int Send(ReadOnlySpan<byte> datagram)
    {
        if (SendErrors.TryDequeue(out int errno))
        {
            return errno;
        }

        Sent.Add(datagram.ToArray());
        Seq = BinaryPrimitives.ReadUInt32LittleEndian(datagram[8..]);
        return 0;
    }

    public int Receive(Span<byte> buffer)
    {
        Receives++;
        var step = _steps.Count > 0 ? _steps.Dequeue() : WhenEmpty?.Invoke(Seq);
        if (step is null)
        {
            return -Errno.EAGAIN;
        }

        if (step.Errno != 0)
        {
            return -step.Errno;
        }

        var bytes = step.Bytes ?? step.Build!(Seq);
        int n = Math.Min(bytes.Length, buffer.Length);
        bytes.AsSpan(0, n).CopyTo(buffer);
        return step.ReportedLength ?? bytes.Length;
    }

    public void Dispose() => Disposed = true;
}

/// <summary>Builds netlink messages and datagrams as the kernel frames them.</summary>
internal static class Nl
{
    public static byte[] Message(ushort type, ushort flags, uint seq, ReadOnlySpan<byte> payload)
    {
        int length = NetlinkSocket.HeaderLength + payload.Length;
        var bytes = new byte[NetlinkSocket.Align4(length)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)length);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), seq);
        payload.CopyTo(bytes.AsSpan(NetlinkSocket.HeaderLength));
        return bytes;
    }

    /// <summary>One sock_diag reply message (NLM_F_MULTI, plus <paramref name="flags"/>).</summary>
    public static byte[] Diag(uint seq, byte[] payload, ushort flags = 0) =>
        Message(NetlinkSocket.SOCK_DIAG_BY_FAMILY, (ushort)(NetlinkSocket.NLM_F_MULTI | flags), seq, payload);

    public static byte[] Done(uint seq, int error = 0, ushort flags = 0)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(payload, error);
        return Message(NetlinkSocket.NLMSG_DONE, (ushort)(NetlinkSocket.NLM_F_MULTI | flags), seq, payload);
    }

    /// <summary>An NLMSG_ERROR carrying -<paramref name="errno"/> and the (empty) request header.</summary>
    public static byte[] Error(uint seq, int errno)
    {
        var payload = new byte[4 + NetlinkSocket.HeaderLength];
        BinaryPrimitives.WriteInt32LittleEndian(payload, -errno);
        return Message(NetlinkSocket.NLMSG_ERROR, 0, seq, payload);
    }

    public static byte[] Datagram(params byte[][] messages) => messages.SelectMany(m => m).ToArray();

    /// <summary>A whole dump answer for <paramref name="seq"/>: the records in datagrams of <paramref name="perDatagram"/>, then DONE.</summary>
    public static byte[][] DumpReply(uint seq, IReadOnlyList<byte[]> payloads, int perDatagram = 4, Func<int, ushort>? flagsOf = null)
    {
        var datagrams = new List<byte[]>();
        for (int i = 0; i < payloads.Count; i += perDatagram)
        {
            datagrams.Add(Datagram(payloads.Skip(i).Take(perDatagram)
                .Select((p, j) => Diag(seq, p, flagsOf?.Invoke(i + j) ?? 0)).ToArray()));
        }

        datagrams.Add(Done(seq));
        return datagrams.ToArray();
    }
}

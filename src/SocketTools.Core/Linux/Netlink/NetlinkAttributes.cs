using System.Runtime.InteropServices;
using System.Text;
using SocketTools.Native;

namespace SocketTools.Linux;

/// <summary>Walks the netlink attributes (struct nlattr, 4-byte aligned) after a sock_diag reply's fixed part.</summary>
internal unsafe ref struct NetlinkAttributes
{
    private ReadOnlySpan<byte> _rest;
    private readonly string _what;

    /// <summary>Starts a walk over <paramref name="attributes"/>; <paramref name="what"/> names the message in errors.</summary>
    public NetlinkAttributes(ReadOnlySpan<byte> attributes, string what)
    {
        _rest = attributes;
        _what = what;
    }

    /// <summary>The next attribute's type (nesting and byte-order flags cleared) and payload; false at the end.</summary>
    public bool Next(out ushort type, out ReadOnlySpan<byte> payload)
    {
        if (_rest.Length < sizeof(NlAttr))
        {
            type = 0;
            payload = default;
            return false;
        }

        var header = MemoryMarshal.Read<NlAttr>(_rest);
        int len = header.nla_len;
        type = (ushort)(header.nla_type & NlAttr.NLA_TYPE_MASK);
        if (len < sizeof(NlAttr) || len > _rest.Length)
        {
            throw new NetlinkException($"{_what} attribute {type} claims {len} bytes; {_rest.Length} remain.");
        }

        payload = _rest[sizeof(NlAttr)..len];
        int step = NetlinkSocket.Align4(len);
        _rest = step >= _rest.Length ? default : _rest[step..];
        return true;
    }

    /// <summary>A NUL-terminated (or unterminated) ASCII string attribute.</summary>
    public static string CString(ReadOnlySpan<byte> payload)
    {
        int end = payload.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? payload : payload[..end]);
    }
}

using System.Buffers.Binary;
using System.Net;

namespace SocketTools.Linux;

/// <summary>
/// The text of the raw addresses of one enumeration (as <see cref="IPAddress.ToString()"/> writes
/// them), each formatted once: most sockets share a few local and remote addresses, and they then
/// share one string instance. Holds at most <see cref="Capacity"/> addresses per family; past that,
/// new ones are formatted every time. Not thread-safe (one per dump).
/// </summary>
internal sealed class AddressText
{
    /// <summary>The most addresses remembered per family.</summary>
    internal const int Capacity = 4096;

    private const string V4Any = "0.0.0.0";
    private const string V6Any = "::";
    private const string V4Loopback = "127.0.0.1";
    private const string V6Loopback = "::1";

    private readonly Dictionary<uint, string> _v4 = [];
    private readonly Dictionary<(ulong, ulong), string> _v6 = [];

    /// <summary>The text of an IPv4 address (the first 4 bytes) or an IPv6 address (16 bytes); <paramref name="cache"/> may be null.</summary>
    public static string Of(ReadOnlySpan<byte> bytes, bool v6, AddressText? cache)
    {
        if (!v6)
        {
            uint raw = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
            return raw switch
            {
                0 => V4Any,
                0x0100007f => V4Loopback,
                _ => cache is null ? Format4(raw) : cache.V4(raw),
            };
        }

        ulong high = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        ulong low = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        if (high == 0 && low == 0)
        {
            return V6Any;
        }

        if (high == 0 && low == 0x0100000000000000UL)
        {
            return V6Loopback;
        }

        return cache is null ? Format6(bytes) : cache.V6(bytes, high, low);
    }

    private string V4(uint raw)
    {
        if (_v4.TryGetValue(raw, out string? text))
        {
            return text;
        }

        text = Format4(raw);
        if (_v4.Count < Capacity)
        {
            _v4.Add(raw, text);
        }

        return text;
    }

    private string V6(ReadOnlySpan<byte> bytes, ulong high, ulong low)
    {
        if (_v6.TryGetValue((high, low), out string? text))
        {
            return text;
        }

        text = Format6(bytes);
        if (_v6.Count < Capacity)
        {
            _v6.Add((high, low), text);
        }

        return text;
    }

    private static string Format4(uint raw) => new IPAddress(raw).ToString();

    private static string Format6(ReadOnlySpan<byte> bytes) => new IPAddress(bytes[..16]).ToString();
}

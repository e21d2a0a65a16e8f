using System.Net;
using System.Net.Sockets;

namespace SocketTools.Query;

/// <summary>An address prefix (CIDR); a bare address is a prefix of full length. v4-mapped IPv6 addresses match IPv4 prefixes, as in ss.</summary>
public readonly record struct IPPrefix(IPAddress Address, int Length)
{
    /// <summary>Parses "10.0.0.0/8", "::1", "fe80::/10".</summary>
    public static IPPrefix Parse(string text)
    {
        text ??= "";
        string t = text.Trim();
        int slash = t.IndexOf('/');
        string addressText = slash >= 0 ? t[..slash] : t;
        if (addressText.StartsWith('[') && addressText.EndsWith(']'))
        {
            addressText = addressText[1..^1];
        }

        if (addressText.Contains('%'))
        {
            throw Invalid(text, "a scoped address (%device) cannot be a prefix; use -Interface for the device");
        }

        if (!IPAddress.TryParse(addressText, out var address))
        {
            throw Invalid(text, $"'{addressText}' is not an IPv4 or IPv6 address");
        }

        int max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        int length = max;
        if (slash >= 0 && (!int.TryParse(t[(slash + 1)..], System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out length) || length > max))
        {
            throw Invalid(text, $"the prefix length must be a number from 0 to {max}");
        }

        return new IPPrefix(address, length);
    }

    /// <summary>Whether the address text <paramref name="candidate"/> (as SocketInfo carries it) lies in the prefix.</summary>
    public bool Contains(string? candidate) =>
        candidate is not null && IPAddress.TryParse(candidate, out var address) && Contains(address);

    /// <summary>Whether <paramref name="candidate"/> lies in the prefix.</summary>
    public bool Contains(IPAddress? candidate)
    {
        if (candidate is null)
        {
            return false;
        }

        if (Address.AddressFamily == AddressFamily.InterNetwork && candidate.IsIPv4MappedToIPv6)
        {
            candidate = candidate.MapToIPv4();
        }

        if (candidate.AddressFamily != Address.AddressFamily)
        {
            return false;
        }

        Span<byte> a = stackalloc byte[16];
        Span<byte> b = stackalloc byte[16];
        Address.TryWriteBytes(a, out int count);
        candidate.TryWriteBytes(b, out _);
        int full = Length / 8;
        if (!a[..full].SequenceEqual(b[..full]))
        {
            return false;
        }

        int rest = Length % 8;
        if (rest == 0 || full >= count)
        {
            return true;
        }

        int mask = 0xff << (8 - rest) & 0xff;
        return (a[full] & mask) == (b[full] & mask);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Address}/{Length}";

    private static SocketToolsException Invalid(string text, string why) =>
        new("InvalidAddressPrefix", ErrorKind.InvalidArgument, $"'{text}' is not a valid address or CIDR prefix: {why}.") { Target = text };
}

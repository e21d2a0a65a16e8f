using System.Globalization;

namespace SocketTools.Query;

/// <summary>An inclusive port range; a single port is a range of one.</summary>
public readonly record struct PortRange(int Low, int High)
{
    /// <summary>Whether <paramref name="port"/> is in the range.</summary>
    public bool Contains(int port) => port >= Low && port <= High;

    /// <summary>Whether the range is one port.</summary>
    public bool IsSingle => Low == High;

    /// <inheritdoc />
    public override string ToString() => IsSingle ? Low.ToString(CultureInfo.InvariantCulture) : $"{Low}-{High}";

    /// <summary>
    /// Parses "22", "8000-8100" or a service name ("ssh", from /etc/services), each also as ss writes
    /// a port in a filter, after a colon (":22", ":ssh", ":8000-8100").
    /// </summary>
    public static PortRange Parse(string text, Func<string, int?>? serviceLookup = null)
    {
        text ??= "";
        string t = text.Trim();
        if (t.StartsWith(':'))
        {
            t = t[1..].TrimStart();
        }

        int dash = t.IndexOf('-', 1 < t.Length ? 1 : 0);
        if (dash > 0 && int.TryParse(t[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out int low)
            && int.TryParse(t[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int high))
        {
            CheckPort(low, text);
            CheckPort(high, text);
            if (low > high)
            {
                throw Invalid(text, $"the range's low end {low} is above its high end {high}");
            }

            return new PortRange(low, high);
        }

        if (int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int port))
        {
            CheckPort(port, text);
            return new PortRange(port, port);
        }

        if (IsNumber(t) || (dash > 0 && IsNumber(t[..dash]) && IsNumber(t[(dash + 1)..])))
        {
            // Digits that do not fit an int are out of range too, not an unknown service.
            throw Invalid(text, "a port is a number from 0 to 65535");
        }

        int? service = t.Length == 0 ? null : (serviceLookup ?? Services.Lookup)(t);
        if (service is int p)
        {
            return new PortRange(p, p);
        }

        throw new SocketToolsException("UnknownPort", ErrorKind.InvalidArgument,
            $"'{text}' is not a port (0-65535), a range such as 8000-8100, or a service name in /etc/services.")
        { Target = text };
    }

    private static bool IsNumber(string t)
    {
        var digits = t.AsSpan().TrimStart("+-");
        return digits.Length > 0 && t.Length - digits.Length <= 1 && !digits.ContainsAnyExceptInRange('0', '9');
    }

    private static void CheckPort(int port, string text)
    {
        if (port is < 0 or > 65535)
        {
            throw Invalid(text, $"{port} is outside 0-65535");
        }
    }

    private static SocketToolsException Invalid(string text, string why) =>
        new("PortOutOfRange", ErrorKind.InvalidArgument, $"Port '{text}' is not valid: {why}.") { Target = text };
}

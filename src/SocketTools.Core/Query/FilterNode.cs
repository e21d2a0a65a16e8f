using System.Globalization;

namespace SocketTools.Query;

/// <summary>
/// One node of a parsed ss filter expression. Nodes are evaluated in process
/// (<see cref="Matches"/>, ss's run_ssfilter) and compiled to inet_diag bytecode
/// (the Linux source's inet_diag bytecode, as ss's ssfilter_bytecompile); both give the same answer
/// except where noted on <see cref="AutoBoundNode"/>.
/// </summary>
public abstract class FilterNode
{
    /// <summary>Whether <paramref name="socket"/> satisfies this node.</summary>
    public abstract bool Matches(SocketInfo socket);

    /// <summary>Joins nodes with and; null when there are none.</summary>
    public static FilterNode? AndAll(IEnumerable<FilterNode?> nodes)
    {
        FilterNode? result = null;
        foreach (var node in nodes)
        {
            if (node is not null)
            {
                result = result is null ? node : new AndNode(result, node);
            }
        }

        return result;
    }

    /// <summary>The device names (not indexes) that <paramref name="node"/> and its operands name.</summary>
    public static IEnumerable<string> DeviceNames(FilterNode? node)
    {
        switch (node)
        {
            case DeviceNode { Name: string name }:
                yield return name;
                break;
            case AndNode and:
                foreach (string n in DeviceNames(and.Left).Concat(DeviceNames(and.Right)))
                {
                    yield return n;
                }

                break;
            case OrNode or:
                foreach (string n in DeviceNames(or.Left).Concat(DeviceNames(or.Right)))
                {
                    yield return n;
                }

                break;
            case NotNode not:
                foreach (string n in DeviceNames(not.Operand))
                {
                    yield return n;
                }

                break;
        }
    }

    /// <summary>Joins nodes with or; null when there are none.</summary>
    public static FilterNode? OrAll(IEnumerable<FilterNode> nodes)
    {
        FilterNode? result = null;
        foreach (var node in nodes)
        {
            result = result is null ? node : new OrNode(result, node);
        }

        return result;
    }
}

/// <summary>Both sides hold (ss: and, &amp;, &amp;&amp;, juxtaposition).</summary>
public sealed class AndNode(FilterNode left, FilterNode right) : FilterNode
{
    /// <summary>The left operand.</summary>
    public FilterNode Left { get; } = left;

    /// <summary>The right operand.</summary>
    public FilterNode Right { get; } = right;

    /// <inheritdoc />
    public override bool Matches(SocketInfo socket) => Left.Matches(socket) && Right.Matches(socket);

    /// <inheritdoc />
    public override string ToString() => $"({Left} and {Right})";
}

/// <summary>Either side holds (ss: or, |, ||).</summary>
public sealed class OrNode(FilterNode left, FilterNode right) : FilterNode
{
    /// <summary>The left operand.</summary>
    public FilterNode Left { get; } = left;

    /// <summary>The right operand.</summary>
    public FilterNode Right { get; } = right;

    /// <inheritdoc />
    public override bool Matches(SocketInfo socket) => Left.Matches(socket) || Right.Matches(socket);

    /// <inheritdoc />
    public override string ToString() => $"({Left} or {Right})";
}

/// <summary>The operand does not hold (ss: not, !).</summary>
public sealed class NotNode(FilterNode operand) : FilterNode
{
    /// <summary>The negated node.</summary>
    public FilterNode Operand { get; } = operand;

    /// <inheritdoc />
    public override bool Matches(SocketInfo socket) => !Operand.Matches(socket);

    /// <inheritdoc />
    public override string ToString() => $"not {Operand}";
}

/// <summary>
/// An address and/or port condition on one end (ss: src / dst / sport = / dport =; the kernel's
/// S_COND / D_COND with an inet_diag_hostcond). An IPv4 prefix also matches v4-mapped IPv6
/// addresses, as in ss and the kernel; an IPv4-mapped IPv6 prefix matches only v4-mapped sockets.
/// </summary>
public sealed class HostNode(bool remote, SocketFamily? family, IPPrefix? prefix, int port) : FilterNode
{
    /// <summary>True for the remote end (dst, dport), false for the local end (src, sport).</summary>
    public bool Remote { get; } = remote;

    /// <summary>The address family the condition requires, or null for any (a port-only condition).</summary>
    public SocketFamily? Family { get; } = family;

    /// <summary>The address prefix, or null for any address.</summary>
    public IPPrefix? Prefix { get; } = prefix;

    /// <summary>The port, or -1 for any port.</summary>
    public int Port { get; } = port;

    /// <inheritdoc />
    public override bool Matches(SocketInfo socket)
    {
        int port = Remote ? socket.RemotePort : socket.LocalPort;
        if (Port != -1 && Port != port)
        {
            return false;
        }

        var address = Remote ? socket.RemoteIPAddress() : socket.LocalIPAddress();
        if (Family is SocketFamily family && socket.Family != family)
        {
            // The kernel's rule: an IPv4 condition also accepts a v4-mapped IPv6 socket address.
            if (!(family == SocketFamily.IPv4 && socket.Family == SocketFamily.IPv6 && address is { IsIPv4MappedToIPv6: true }))
            {
                return false;
            }
        }

        return Prefix is not IPPrefix prefix || prefix.Contains(address);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        string where = Prefix is IPPrefix p ? p.ToString() : Family is null ? "*" : Family.ToString()!;
        string port = Port == -1 ? "*" : Port.ToString(CultureInfo.InvariantCulture);
        return $"{(Remote ? "dst" : "src")} {where}:{port}";
    }
}

/// <summary>A port comparison on one end (ss: sport &gt;= N and friends; the kernel's S_GE / S_LE / D_GE / D_LE).</summary>
public sealed class PortCompareNode(bool remote, bool greaterOrEqual, int port) : FilterNode
{
    /// <summary>True for the remote port, false for the local port.</summary>
    public bool Remote { get; } = remote;

    /// <summary>True for port &gt;= <see cref="Port"/>, false for port &lt;= <see cref="Port"/>.</summary>
    public bool GreaterOrEqual { get; } = greaterOrEqual;

    /// <summary>The bound.</summary>
    public int Port { get; } = port;

    /// <inheritdoc />
    public override bool Matches(SocketInfo socket)
    {
        int port = Remote ? socket.RemotePort : socket.LocalPort;
        return GreaterOrEqual ? port >= Port : port <= Port;
    }

    /// <inheritdoc />
    public override string ToString() => $"{(Remote ? "dport" : "sport")} {(GreaterOrEqual ? ">=" : "<=")} {Port}";
}

/// <summary>The socket is bound to a device (ss: dev NAME or dev INDEX; the kernel's DEV_COND).</summary>
public sealed class DeviceNode : FilterNode
{
    /// <summary>A condition on a device name (resolved to an index in the queried namespace for the kernel).</summary>
    public DeviceNode(string name)
    {
        Name = name;
    }

    /// <summary>A condition on a device index.</summary>
    public DeviceNode(int index)
    {
        Index = index;
    }

    /// <summary>The device name, or null when the condition names an index.</summary>
    public string? Name { get; }

    /// <summary>The device index, or null when the condition names a device.</summary>
    public int? Index { get; }

    /// <inheritdoc />
    public override bool Matches(SocketInfo socket) =>
        Index is int index ? socket.InterfaceIndex == index : string.Equals(socket.Interface, Name, StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => $"dev {Name ?? Index?.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>The socket's mark, masked, equals a value (ss: fwmark = MARK[/MASK]; the kernel's MARK_COND, which needs CAP_NET_ADMIN).</summary>
public sealed class MarkNode(uint mark, uint mask) : FilterNode
{
    /// <summary>The value the masked mark must equal.</summary>
    public uint Mark { get; } = mark;

    /// <summary>The mask (0xffffffff when none was given).</summary>
    public uint Mask { get; } = mask;

    /// <inheritdoc />
    public override bool Matches(SocketInfo socket) => ((socket.Mark ?? 0) & Mask) == Mark;

    /// <inheritdoc />
    public override string ToString() => $"fwmark 0x{Mark:x}/0x{Mask:x}";
}

/// <summary>
/// The local port was chosen by the kernel (ss: autobound). In process this is ss's test: the local
/// port lies in net.ipv4.ip_local_port_range. The kernel's test (INET_DIAG_BC_AUTO) is that the
/// application never bound the port; with bytecode both must hold, as they do in ss. A socket
/// explicitly bound to a port inside the ephemeral range is therefore autobound only without bytecode.
/// </summary>
public sealed class AutoBoundNode : FilterNode
{
    private static readonly Lazy<(int Low, int High)> Range = new(ReadRange);

    /// <summary>The ephemeral port range the in-process check uses (this process's namespace).</summary>
    public static (int Low, int High) EphemeralRange => Range.Value;

    /// <inheritdoc />
    public override bool Matches(SocketInfo socket) =>
        socket.LocalPort >= EphemeralRange.Low && socket.LocalPort <= EphemeralRange.High;

    /// <inheritdoc />
    public override string ToString() => "autobound";

    private static (int, int) ReadRange()
    {
        try
        {
            string[] parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
                .Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out int low)
                && int.TryParse(parts[1], CultureInfo.InvariantCulture, out int high))
            {
                return (low, high);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return (1024, 4999);   // ss's own fallback
    }
}

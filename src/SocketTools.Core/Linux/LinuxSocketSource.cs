using SocketTools.Native;
using SocketTools.Query;

namespace SocketTools.Linux;

/// <summary>
/// The socket source of the Linux platform, and the one place that decides, per protocol and
/// family, whether netlink sock_diag or the /proc/net tables answer: -Source Proc reads /proc/net;
/// -Source Netlink and Auto ask netlink one protocol at a time. When the kernel has no diag module
/// for a protocol (raw_diag is often left out), Auto reads that protocol from /proc/net and Netlink
/// skips it; when netlink turns out to be unavailable altogether, Auto reads everything not yet
/// listed from /proc/net. Each choice gets one warning and is recorded as a typed
/// <see cref="SourcePart"/> in <see cref="QueryDiagnostics.SourceParts"/>. The query's namespace is
/// entered once, by the <see cref="NamespaceScope"/> both sources share.
/// </summary>
internal sealed class LinuxSocketSource : ISocketSource
{
    private readonly Func<SocketSourceKind, NamespaceScope, ISocketSource> _sources;

    /// <summary>The real sources: <see cref="NetlinkSource"/> and <see cref="ProcNetSource"/>.</summary>
    public LinuxSocketSource()
        : this(Create)
    {
    }

    /// <summary>Composes the sources <paramref name="sources"/> makes (called once per query and kind; tests pass fakes).</summary>
    internal LinuxSocketSource(Func<SocketSourceKind, NamespaceScope, ISocketSource> sources) => _sources = sources;

    private static ISocketSource Create(SocketSourceKind kind, NamespaceScope scope) =>
        kind == SocketSourceKind.Proc ? new ProcNetSource(scope) : new NetlinkSource().Bind(scope);

    /// <inheritdoc />
    public IEnumerable<SocketInfo> Enumerate(SocketQuery query, QueryDiagnostics diagnostics, CancellationToken cancellationToken)
    {
        using var scope = NamespaceScope.For(query.NetworkNamespace);

        // A device the namespace does not have is an error, as in ss ("Cannot parse device"), not an empty answer.
        var devices = FilterNode.DeviceNames(query.KernelFilter()).Distinct(StringComparer.Ordinal).ToList();
        InterfaceNames.RequireExisting(scope, devices);

        var sockets = query.Source == SocketSourceKind.Proc
            ? FromProc(query, scope, diagnostics, cancellationToken)
            : FromNetlink(query, scope, diagnostics, cancellationToken);
        foreach (var socket in sockets)
        {
            yield return socket;
        }
    }

    /// <summary>
    /// netlink, one protocol at a time, with /proc/net (Auto) for a protocol it has no diag module
    /// for, or for everything left when it is unavailable.
    /// </summary>
    private IEnumerable<SocketInfo> FromNetlink(SocketQuery query, NamespaceScope scope, QueryDiagnostics diagnostics,
        CancellationToken cancellationToken)
    {
        var netlink = _sources(SocketSourceKind.Netlink, scope);
        try
        {
            var protocols = NetlinkSource.Expand(query.Protocols).Distinct().ToList();
            for (int i = 0; i < protocols.Count; i++)
            {
                var protocol = protocols[i];
                var outcome = new Outcome();
                foreach (var socket in FromNetlink(netlink, query, protocol, outcome, diagnostics, cancellationToken))
                {
                    yield return socket;
                }

                var failure = outcome.Failure;
                if (failure is null)
                {
                    // netlink answered for every family of the protocol, with sockets or without.
                    diagnostics.Used(SocketSources.Netlink);
                    foreach (var family in FamiliesOf(query, protocol))
                    {
                        diagnostics.Answered(protocol, family, SocketSources.Netlink);
                    }

                    continue;
                }

                if (IsUnsupported(failure, protocol))
                {
                    // netlink answered "no handler for these": /proc/net (Auto), or nothing.
                    diagnostics.Used(SocketSources.Netlink);
                    foreach (var socket in Unsupported(failure, protocol, query, scope, diagnostics, cancellationToken))
                    {
                        yield return socket;
                    }

                    continue;
                }

                foreach (var socket in Unavailable(failure, protocols.Skip(i).ToList(), query, scope, diagnostics, cancellationToken))
                {
                    yield return socket;
                }

                yield break;
            }
        }
        finally
        {
            (netlink as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// netlink's sockets of one protocol. A failure the caller decides on (no diag module for the
    /// protocol; netlink unavailable, with Auto) ends the sockets and is left in <paramref name="outcome"/>.
    /// </summary>
    private static IEnumerable<SocketInfo> FromNetlink(ISocketSource netlink, SocketQuery query, SocketProtocol protocol,
        Outcome outcome, QueryDiagnostics diagnostics, CancellationToken cancellationToken)
    {
        SocketFamily? last = null;
        using var e = netlink.Enumerate(query with { Protocols = [protocol] }, diagnostics, cancellationToken).GetEnumerator();
        while (true)
        {
            try
            {
                if (!e.MoveNext())
                {
                    yield break;
                }
            }
            catch (NetlinkException ex) when (IsUnsupported(ex, protocol) || (ex.MeansUnavailable && query.Source == SocketSourceKind.Auto))
            {
                outcome.Failure = ex;
                yield break;
            }

            var socket = e.Current;
            if (socket.Protocol != protocol)
            {
                continue;   // asked for one protocol: keep that one
            }

            if (socket.Family != last)
            {
                // Sockets come grouped by family: record each once, not once per socket.
                diagnostics.Answered(protocol, socket.Family, SocketSources.Netlink);
                last = socket.Family;
            }

            yield return socket;
        }
    }

    /// <summary>How one protocol's netlink read ended.</summary>
    private sealed class Outcome
    {
        public NetlinkException? Failure { get; set; }
    }

    /// <summary>
    /// A protocol the kernel has no diag handler for (ENOENT, EOPNOTSUPP …: raw_diag is often left
    /// out): with Auto its /proc/net table answers for it (raw, unix and packet have one), otherwise
    /// it is skipped; either way with one warning.
    /// </summary>
    private IEnumerable<SocketInfo> Unsupported(NetlinkException failure, SocketProtocol protocol, SocketQuery query,
        NamespaceScope scope, QueryDiagnostics diagnostics, CancellationToken cancellationToken)
    {
        string why = $"the kernel has no sock_diag handler for them ({Errno.Describe(failure.Errno)}; module {NetlinkSource.DiagModule(protocol)})";
        if (query.Source != SocketSourceKind.Auto || protocol == SocketProtocol.Netlink)
        {
            diagnostics.Warn($"{protocol} sockets are not listed: {why}.");
            return [];
        }

        diagnostics.Warn($"{protocol} sockets are read from /proc/net: {why}.");
        return FromProc(query with { Protocols = [protocol] }, scope, diagnostics, cancellationToken);
    }

    /// <summary>
    /// netlink is unavailable (EPERM, EPROTONOSUPPORT …): one warning, and /proc/net, in one read,
    /// for <paramref name="protocols"/>, leaving out each protocol and family netlink already listed.
    /// </summary>
    private IEnumerable<SocketInfo> Unavailable(NetlinkException failure, IReadOnlyList<SocketProtocol> protocols, SocketQuery query,
        NamespaceScope scope, QueryDiagnostics diagnostics, CancellationToken cancellationToken)
    {
        diagnostics.Warn($"netlink sock_diag is unavailable ({Errno.Describe(failure.Errno)}); reading /proc/net instead, "
            + $"which does not report {ProcNetSource.Unavailable}.");
        var answered = diagnostics.SourceParts.Where(p => p.Source == SocketSources.Netlink)
            .Select(p => (p.Protocol, p.Family)).ToHashSet();
        return FromProc(query with { Protocols = protocols }, scope, diagnostics, cancellationToken)
            .Where(s => !answered.Contains((s.Protocol, s.Family)));
    }

    /// <summary>The /proc/net tables, recording each protocol and family they answer for.</summary>
    private IEnumerable<SocketInfo> FromProc(SocketQuery query, NamespaceScope scope, QueryDiagnostics diagnostics,
        CancellationToken cancellationToken)
    {
        var proc = _sources(SocketSourceKind.Proc, scope);
        try
        {
            diagnostics.Used(SocketSources.Proc);
            (SocketProtocol, SocketFamily)? last = null;
            foreach (var socket in proc.Enumerate(query, diagnostics, cancellationToken))
            {
                if ((socket.Protocol, socket.Family) != last)
                {
                    diagnostics.Answered(socket.Protocol, socket.Family, SocketSources.Proc);
                    last = (socket.Protocol, socket.Family);
                }

                yield return socket;
            }
        }
        finally
        {
            (proc as IDisposable)?.Dispose();
        }
    }

    /// <summary>A protocol's dump refused because the kernel has no diag handler for it (TCP and UDP always have one).</summary>
    private static bool IsUnsupported(NetlinkException e, SocketProtocol protocol) =>
        protocol is not SocketProtocol.Tcp and not SocketProtocol.Udp && e.Operation == "Dump"
        && e.Errno is Errno.ENOENT or Errno.EOPNOTSUPP or Errno.EPROTONOSUPPORT or Errno.EINVAL;

    /// <summary>The families a query asks of <paramref name="protocol"/>: its IP families, or the protocol's own.</summary>
    private static IEnumerable<SocketFamily> FamiliesOf(SocketQuery query, SocketProtocol protocol) => protocol switch
    {
        SocketProtocol.Tcp or SocketProtocol.Udp or SocketProtocol.Raw =>
            query.Families.Where(f => f is SocketFamily.IPv4 or SocketFamily.IPv6),
        SocketProtocol.Unix => [SocketFamily.Unix],
        SocketProtocol.Packet => [SocketFamily.Packet],
        SocketProtocol.Netlink => [SocketFamily.Netlink],
        _ => [],
    };
}

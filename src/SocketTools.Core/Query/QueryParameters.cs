namespace SocketTools.Query;

/// <summary>
/// Cmdlet parameters as the user typed them. <see cref="ToQuery"/> validates and resolves them into
/// a <see cref="SocketQuery"/>, so every decision is made here, in the core, not in a cmdlet. A bad
/// value is an InvalidArgument <see cref="SocketToolsException"/> thrown before anything is read.
/// </summary>
public sealed class QueryParameters
{
    /// <summary>-Protocol; All means every protocol; null or empty: TCP and UDP, or what -Family names.</summary>
    public SocketProtocol[]? Protocol { get; set; }

    /// <summary>-Family; null or empty: IPv4 and IPv6.</summary>
    public SocketFamily[]? Family { get; set; }

    /// <summary>-State: names, ss spellings and groups; null or empty: all.</summary>
    public string[]? State { get; set; }

    /// <summary>-LocalPort: ports, ranges (8000-8100) and service names.</summary>
    public string[]? LocalPort { get; set; }

    /// <summary>-RemotePort: ports, ranges and service names.</summary>
    public string[]? RemotePort { get; set; }

    /// <summary>Ports at either end (Get-SocketProcess -Port, lsof -i :PORT): ports, ranges and service names.</summary>
    public string[]? Port { get; set; }

    /// <summary>-LocalAddress: addresses or CIDR prefixes.</summary>
    public string[]? LocalAddress { get; set; }

    /// <summary>-RemoteAddress: addresses or CIDR prefixes.</summary>
    public string[]? RemoteAddress { get; set; }

    /// <summary>-NetworkNamespace: names under /run/netns (wildcards allowed), net:[INODE], or paths.</summary>
    public string[]? NetworkNamespace { get; set; }

    /// <summary>-AllNetworkNamespaces: every network namespace on the host, named or not.</summary>
    public bool AllNetworkNamespaces { get; set; }

    /// <summary>
    /// Set by <see cref="ToQuery"/> when several namespaces were asked for: the names among them that
    /// name no namespace (ObjectNotFound each, which the cmdlets report without ending; the rest are read).
    /// </summary>
    public IReadOnlyList<SocketToolsException> NamespaceErrors { get; private set; } = [];

    /// <summary>Set by <see cref="ToQuery"/> when finding the namespaces on the host was incomplete (processes it could not look into, without root).</summary>
    public IReadOnlyList<string> NamespaceWarnings { get; private set; } = [];

    /// <summary>-Interface: a device name.</summary>
    public string? Interface { get; set; }

    /// <summary>-Filter: an ss filter expression.</summary>
    public string? Filter { get; set; }

    /// <summary>-Listening: listening and unconnected sockets only (ss -l: LISTEN and UNCONN); -State, when given, wins, as ss's state clauses do.</summary>
    public bool Listening { get; set; }

    /// <summary>-All: every state (ss -a); the default already is. With -Listening, -All wins (every state); -State, when given, wins over both.</summary>
    public bool All { get; set; }

    /// <summary>-Info: decode tcp_info.</summary>
    public bool Info { get; set; }

    /// <summary>-Memory: decode skmeminfo.</summary>
    public bool Memory { get; set; }

    /// <summary>-IncludeProcess: look up owning processes.</summary>
    public bool IncludeProcess { get; set; }

    /// <summary>-ProcessId: only sockets of these processes.</summary>
    public int[]? ProcessId { get; set; }

    /// <summary>-ProcessName: only sockets of processes with these names (wildcards).</summary>
    public string[]? ProcessName { get; set; }

    /// <summary>-Source: which backend answers.</summary>
    public SocketSourceKind Source { get; set; }

    /// <summary>
    /// The parameters a cmdlet was called with: each bound parameter named like a property here
    /// (-Protocol, -State, -LocalPort, -Listening …) sets it; the cmdlet's others (-Interval,
    /// -Summary, -Id …) are not query parameters and are passed over. Switches come as bool.
    /// </summary>
    public static QueryParameters FromBound(IEnumerable<KeyValuePair<string, object?>> bound)
    {
        ArgumentNullException.ThrowIfNull(bound);
        var parameters = new QueryParameters();
        foreach (var (name, value) in bound)
        {
            var property = typeof(QueryParameters).GetProperty(name,
                System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase);
            if (property is { CanWrite: true, SetMethod.IsPublic: true })
            {
                // A cmdlet that takes one namespace binds a string; the query takes several.
                property.SetValue(parameters, value is string one && property.PropertyType == typeof(string[]) ? new[] { one } : value);
            }
        }

        return parameters;
    }

    /// <summary>Resolves the parameters into a query.</summary>
    public SocketQuery ToQuery()
    {
        var query = SocketQuery.Default;
        CheckValues();
        if (Protocol is { Length: > 0 })
        {
            query = query with
            {
                Protocols = Protocol.Contains(SocketProtocol.All) ? SocketQuery.AllProtocols : Protocol.Distinct().ToArray(),
            };
        }

        if (Family is { Length: > 0 })
        {
            query = query with { Families = Family.Distinct().ToArray() };
            if (Protocol is not { Length: > 0 })
            {
                query = query with { Protocols = ProtocolsOf(query.Families) };
            }
        }

        // As in ss: -Listening (-l) or -All (-a) choose the starting set; -State values act as ss's
        // leading 'state' clauses and replace it, and so do the filter's own state/exclude clauses,
        // which come after -State's (their 'state' adds, their 'exclude' removes).
        bool sawStates = State is { Length: > 0 };
        var states = sawStates ? StateSet.Parse(State!) : Listening && !All ? StateSet.Listening : StateSet.All;
        var filter = Filter is null ? null : FilterExpression.Parse(Filter);  // blank: EmptyFilter in CheckValues
        if (filter is { HasStateClauses: true })
        {
            states = filter.ApplyStates(states, sawStates);
        }

        query = query with { States = states };
        if (filter?.Family is SocketFamily family)
        {
            // ss: an inet: or inet6: address in the filter shows that family only.
            query = query with { Families = [family] };
        }

        query = query with
        {
            LocalPorts = Ports(LocalPort),
            RemotePorts = Ports(RemotePort),
            Ports = Ports(Port),
            LocalAddresses = Prefixes(LocalAddress),
            RemoteAddresses = Prefixes(RemoteAddress),
            Interface = Interface,
            Filter = filter,
            IncludeInfo = Info,
            IncludeMemory = Memory,
            IncludeProcess = IncludeProcess,
            ProcessIds = ProcessId ?? [],
            ProcessNames = ProcessName ?? [],
            Source = Source,
        };

        // Last, once every other value is known to be good: a bad argument is reported as such
        // whatever namespace it was meant for, and a missing namespace (ObjectNotFound, which the
        // cmdlets report without ending) never hides one.
        return WithNamespaces(query);
    }

    /// <summary>
    /// One namespace given as is: the query's <see cref="SocketQuery.NetworkNamespace"/>, checked.
    /// -AllNetworkNamespaces, wildcards or several names: the namespaces found on the host
    /// (<see cref="SocketQuery.Namespaces"/>), each once; names that match none are left in
    /// <see cref="NamespaceErrors"/> (a pattern that matches none is no error, as in Get-Process).
    /// </summary>
    private SocketQuery WithNamespaces(SocketQuery query)
    {
        var namespaces = Platform.SocketPlatform.Current.Namespaces;
        var names = NetworkNamespace ?? [];
        if (AllNetworkNamespaces && names.Length > 0)
        {
            throw new SocketToolsException("ConflictingNamespaceParameters", ErrorKind.InvalidArgument,
                "-AllNetworkNamespaces reads every namespace; -NetworkNamespace chooses some. Give one or the other.")
            { RecommendedAction = "Drop -NetworkNamespace to read every namespace, or -AllNetworkNamespaces to read the ones named (wildcards allowed)." };
        }

        if (!AllNetworkNamespaces && names.Length <= 1 && !names.Any(NetworkNamespaceInfo.IsPattern))
        {
            string? one = names.Length == 1 ? names[0] : null;
            namespaces.Check(one);
            return query with { NetworkNamespace = one };
        }

        var all = namespaces.List(out int denied);
        if (denied > 0)
        {
            NamespaceWarnings = [$"Namespaces may be missing: the network namespace of {denied} process(es) could not be read (/proc/<pid>/ns/net: permission denied; "
                + "they belong to other users), so a namespace only they hold is not listed. Run as root to see every namespace."];
        }

        if (AllNetworkNamespaces)
        {
            return query with { Namespaces = all };
        }

        var chosen = new List<NetworkNamespaceInfo>();
        var errors = new List<SocketToolsException>();
        foreach (string name in names)
        {
            if (NetworkNamespaceInfo.IsPattern(name))
            {
                var pattern = new Wildcard(name);
                chosen.AddRange(all.Where(n => pattern.IsMatch(n.Name)));
                continue;
            }

            try
            {
                namespaces.Check(name);
                if (namespaces.Identify(name) is { } found)
                {
                    chosen.Add(all.FirstOrDefault(n => n.Id == found.Id) ?? found);
                }
            }
            catch (SocketToolsException e) when (e.Kind == ErrorKind.ObjectNotFound)
            {
                errors.Add(e);
            }
        }

        NamespaceErrors = errors;
        // In the order given; a pattern's matches in the host's order (the caller's own, named by name, the rest by inode).
        return query with { Namespaces = chosen.DistinctBy(n => n.Id).ToList() };
    }

    /// <summary>The protocols -Family implies when -Protocol is not given: TCP and UDP for IP, the family's own otherwise.</summary>
    private static SocketProtocol[] ProtocolsOf(IReadOnlyList<SocketFamily> families)
    {
        var protocols = new List<SocketProtocol>();
        if (families.Contains(SocketFamily.IPv4) || families.Contains(SocketFamily.IPv6))
        {
            protocols.Add(SocketProtocol.Tcp);
            protocols.Add(SocketProtocol.Udp);
        }

        foreach (var (family, protocol) in new[]
        {
            (SocketFamily.Unix, SocketProtocol.Unix), (SocketFamily.Packet, SocketProtocol.Packet),
            (SocketFamily.Netlink, SocketProtocol.Netlink),
        })
        {
            if (families.Contains(family))
            {
                protocols.Add(protocol);
            }
        }

        return protocols.ToArray();
    }

    /// <summary>
    /// Rejects values that no parser below would name well: a given but blank filter, interface,
    /// namespace or process name, an undefined protocol or family. (Whether the namespace is a name
    /// or an absolute path and exists is checked last, in <see cref="ToQuery"/>.) A process id
    /// that names no process (0 included) is not an error here: it holds no socket, and the
    /// cmdlets report it as Get-Process does (<see cref="SocketProcesses.ProcessNotFound"/>).
    /// </summary>
    private void CheckValues()
    {
        static SocketToolsException Invalid(string id, string message, object? target = null) => new(id, ErrorKind.InvalidArgument, message) { Target = target };
        if (Filter is not null && string.IsNullOrWhiteSpace(Filter))
        {
            throw Invalid("EmptyFilter", "The filter expression is empty. Give an ss filter such as \"sport = :22\", or leave -Filter out.");
        }

        if (Interface is not null && string.IsNullOrWhiteSpace(Interface))
        {
            throw Invalid("EmptyInterface", "The interface name is empty. Give a device name such as eth0, or leave -Interface out.");
        }

        if (NetworkNamespace is not null && NetworkNamespace.Any(string.IsNullOrWhiteSpace))
        {
            throw Invalid("EmptyNetworkNamespace", "The network namespace is empty. Give a name from 'ip netns list' or a path, or leave -NetworkNamespace out.");
        }

        foreach (string? name in ProcessName ?? [])
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw Invalid("EmptyProcessName", "A process name is empty. Give a name such as sshd (wildcards allowed).");
            }
        }

        foreach (var protocol in Protocol ?? [])
        {
            if (!Enum.IsDefined(protocol))
            {
                throw Invalid("UnknownProtocol", $"{(int)protocol} is not a protocol. Valid values: {string.Join(", ", Enum.GetNames<SocketProtocol>())}.", protocol);
            }
        }

        foreach (var family in Family ?? [])
        {
            if (!Enum.IsDefined(family))
            {
                throw Invalid("UnknownFamily", $"{(int)family} is not an address family. Valid values: {string.Join(", ", Enum.GetNames<SocketFamily>())}.", family);
            }
        }
    }

    private static PortRange[] Ports(string[]? texts) =>
        texts is null ? [] : texts.Select(t => PortRange.Parse(t)).ToArray();

    private static IPPrefix[] Prefixes(string[]? texts) =>
        texts is null ? [] : texts.Select(IPPrefix.Parse).ToArray();
}

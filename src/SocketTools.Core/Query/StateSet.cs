namespace SocketTools.Query;

/// <summary>
/// A set of socket states as the kernel's idiag_states bitmask (bit N = state N). Parses PowerShell
/// names (TimeWait), ss spellings (time-wait), netstat spellings (TIME_WAIT, SYN_RECV, LISTENING)
/// and ss's groups (connected, synchronized, bucket, big, all), in any case; '-' and '_' are ignored.
/// </summary>
public readonly record struct StateSet(uint Mask)
{
    private static uint Bit(SocketState s) => 1u << (int)s;

    /// <summary>
    /// Every state ss -a shows (ss's SS_ALL: the states 0 to 11; SYN-RECV includes the kernel's
    /// request sockets, see <see cref="KernelMask"/>; bound-inactive only when named).
    /// </summary>
    public static readonly StateSet All = new((1u << 12) - 1);

    /// <summary>ss -l: LISTEN and UNCONN (closed), so unconnected UDP sockets count as listening.</summary>
    public static readonly StateSet Listening = new(Bit(SocketState.Listen) | Bit(SocketState.Closed));

    /// <summary>The empty set.</summary>
    public static readonly StateSet None = new(0);

    /// <summary>ss's "connected" (SS_CONN): all but LISTEN and CLOSE (UNCONN).</summary>
    public static readonly StateSet Connected = new(All.Mask & ~(Bit(SocketState.Listen) | Bit(SocketState.Closed)));

    /// <summary>ss's "synchronized": connected, less SYN-SENT.</summary>
    public static readonly StateSet Synchronized = new(Connected.Mask & ~Bit(SocketState.SynSent));

    /// <summary>ss's "bucket": the minisockets, SYN-RECV and TIME-WAIT.</summary>
    public static readonly StateSet Bucket = new(Bit(SocketState.SynReceived) | Bit(SocketState.TimeWait));

    /// <summary>ss's "big": all but the minisockets.</summary>
    public static readonly StateSet Big = new(All.Mask & ~Bucket.Mask);

    /// <summary>Names, spellings and groups that -State accepts, for completion (PowerShell names first).</summary>
    public static IReadOnlyList<string> CompletionNames { get; } =
    [
        "Established", "SynSent", "SynReceived", "FinWait1", "FinWait2", "TimeWait", "Closed", "CloseWait",
        "LastAck", "Listen", "Closing", "BoundInactive",
        "Connected", "Synchronized", "Bucket", "Big", "All",
        "established", "syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2", "time-wait", "closed",
        "close-wait", "last-ack", "listening", "closing", "bound-inactive",
    ];

    private static readonly Dictionary<string, uint> Names = BuildNames();

    /// <summary>
    /// A name as it is looked up: without '-' and '_' (and surrounding blanks), so that TimeWait,
    /// time-wait and netstat's TIME_WAIT are one name. Case is ignored by the lookup.
    /// </summary>
    public static string Normalize(string text) =>
        (text ?? string.Empty).Trim().Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);

    private static Dictionary<string, uint> BuildNames()
    {
        var names = new Dictionary<string, uint>(StringComparer.OrdinalIgnoreCase);
        foreach (SocketState s in Enum.GetValues<SocketState>())
        {
            if (s is not SocketState.Unknown and not SocketState.NewSynReceived)
            {
                names[s.ToString()] = Bit(s);
            }
        }

        void Add(uint mask, params string[] spellings)
        {
            foreach (string spelling in spellings)
            {
                uint existing = names.GetValueOrDefault(Normalize(spelling), mask);
                if (existing != mask)
                {
                    throw new InvalidOperationException($"State spelling '{spelling}' means two state sets.");
                }

                names[Normalize(spelling)] = mask;
            }
        }

        Add(Bit(SocketState.Established), "established", "estab");
        Add(Bit(SocketState.SynSent), "syn-sent");
        Add(Bit(SocketState.SynReceived), "syn-recv", "syn-received", "syn-rcv");   // netstat: SYN_RECV
        Add(Bit(SocketState.FinWait1), "fin-wait-1");
        Add(Bit(SocketState.FinWait2), "fin-wait-2");
        Add(Bit(SocketState.TimeWait), "time-wait");
        Add(Bit(SocketState.Closed), "closed", "close", "unconn", "unconnected");
        Add(Bit(SocketState.CloseWait), "close-wait");
        Add(Bit(SocketState.LastAck), "last-ack");
        Add(Bit(SocketState.Listen), "listening", "listen");                          // netstat: LISTEN, and LISTENING for unix sockets
        Add(Bit(SocketState.Closing), "closing");
        Add(Bit(SocketState.BoundInactive), "bound-inactive");
        Add(All.Mask, "all");
        Add(Connected.Mask, "connected");
        Add(Synchronized.Mask, "synchronized");
        Add(Bucket.Mask, "bucket");
        Add(Big.Mask, "big");
        return names;
    }

    /// <summary>Whether <paramref name="state"/> is in the set.</summary>
    public bool Contains(SocketState state) => (Mask & Bit(state)) != 0;

    /// <summary>Whether the set is empty.</summary>
    public bool IsEmpty => Mask == 0;

    /// <summary>The union of two sets.</summary>
    public StateSet Union(StateSet other) => new(Mask | other.Mask);

    /// <summary>The states in the set.</summary>
    public IEnumerable<SocketState> States
    {
        get
        {
            uint mask = Mask;
            return Enum.GetValues<SocketState>().Where(s => s != SocketState.NewSynReceived && (mask & Bit(s)) != 0);
        }
    }

    /// <summary>
    /// The idiag_states mask to send for <paramref name="protocol"/>: SYN-RECV also asks for the
    /// kernel's NEW_SYN_RECV request sockets (which are reported as SYN-RECV). States mean the same
    /// for every protocol, as in ss: a datagram socket is never LISTEN; ss -l (<see cref="Listening"/>)
    /// selects UNCONN too.
    /// </summary>
#pragma warning disable IDE0060 // the protocol stays in the signature for sources whose states differ
    public uint KernelMask(SocketProtocol protocol)
#pragma warning restore IDE0060
    {
        uint mask = Mask;
        if (Contains(SocketState.SynReceived))
        {
            mask |= Bit(SocketState.NewSynReceived);
        }

        return mask;
    }

    /// <summary>Whether a socket of <paramref name="protocol"/> in <paramref name="state"/> is selected (with <see cref="KernelMask"/>'s meaning).</summary>
    public bool Matches(SocketProtocol protocol, SocketState state) => (KernelMask(protocol) & Bit(state)) != 0;

    /// <summary>Parses one name, spelling or group.</summary>
    public static bool TryParse(string text, out StateSet set)
    {
        if (text is not null && Names.TryGetValue(Normalize(text), out uint mask))
        {
            set = new StateSet(mask);
            return true;
        }

        set = None;
        return false;
    }

    /// <summary>Parses and unites several names; an unknown one is an InvalidArgument error that lists the valid names.</summary>
    public static StateSet Parse(IEnumerable<string> texts)
    {
        var set = None;
        foreach (string text in texts)
        {
            if (!TryParse(text, out var one))
            {
                throw new SocketToolsException("UnknownSocketState", ErrorKind.InvalidArgument,
                    $"'{text}' is not a socket state or state group. Valid values: {string.Join(", ", CompletionNames)} "
                    + "(and netstat's spellings, such as TIME_WAIT).")
                { RecommendedAction = "Use a state such as TimeWait or time-wait, or a group such as Connected.", Target = text };
            }

            set = set.Union(one);
        }

        return set;
    }
}

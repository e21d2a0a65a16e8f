namespace SocketTools.Query;

/// <summary>Which backend answers a query.</summary>
public enum SocketSourceKind
{
    /// <summary>netlink sock_diag, falling back to /proc/net with a warning when it is unavailable.</summary>
    Auto,
    /// <summary>netlink sock_diag only.</summary>
    Netlink,
    /// <summary>/proc/net only.</summary>
    Proc,
}

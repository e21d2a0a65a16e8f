namespace SocketTools.Query;

/// <summary>
/// Which backends answered a query, or one (protocol, family) of it: netlink sock_diag, the
/// /proc/net tables, or both (netlink for most, /proc/net for what netlink could not list).
/// </summary>
[Flags]
public enum SocketSources
{
    /// <summary>No source answered (yet).</summary>
    None = 0,
    /// <summary>netlink sock_diag.</summary>
    Netlink = 1,
    /// <summary>The text tables under /proc/net.</summary>
    Proc = 2,
}

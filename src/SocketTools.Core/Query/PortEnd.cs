namespace SocketTools.Query;

/// <summary>Which end of a connection a port parameter names.</summary>
public enum PortEnd
{
    /// <summary>-LocalPort, -Port: ports bound on this host.</summary>
    Local,
    /// <summary>-RemotePort: ports of the peers.</summary>
    Remote,
}

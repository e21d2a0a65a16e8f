namespace SocketTools.Platform;

/// <summary>
/// Closes sockets, one exact socket at a time (Close-Socket's only way to change system state; no
/// other code path opens one). On Linux: SOCK_DESTROY over sock_diag.
/// </summary>
internal interface ISocketCloser : IDisposable
{
    /// <summary>Closes exactly <paramref name="target"/>; false when no such socket exists any more.</summary>
    bool Close(SocketInfo target);
}

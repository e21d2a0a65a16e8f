namespace SocketTools.Platform;

/// <summary>Finds one socket as it is now, exactly (Watch-TcpTimer's piped sockets, and sockets that left a sample).</summary>
internal interface ISocketLookup : IDisposable
{
    /// <summary>The socket as it is now, or null when it is gone. A target without a cookie matches whatever socket has its 4-tuple.</summary>
    SocketInfo? Find(SocketInfo target);
}

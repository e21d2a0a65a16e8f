namespace SocketTools.Linux;

/// <summary>A socket the kernel reported destroyed, with the time the message was received.</summary>
/// <param name="Socket">The socket as the kernel last knew it (its final tcp_info in <see cref="SocketInfo.Tcp"/>).</param>
/// <param name="TimeStamp">When the destroy message was read from the multicast socket.</param>
internal readonly record struct DestroyedSocket(SocketInfo Socket, DateTime TimeStamp);

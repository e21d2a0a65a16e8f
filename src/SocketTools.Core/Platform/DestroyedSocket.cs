namespace SocketTools.Platform;

/// <summary>A socket the kernel destroyed, as it last knew it, and when the message arrived.</summary>
internal readonly record struct DestroyedSocket(SocketInfo Socket, DateTime TimeStamp);

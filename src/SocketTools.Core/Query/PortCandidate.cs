namespace SocketTools.Query;

/// <summary>One completion for a port parameter: the port, the list text and a tooltip.</summary>
/// <param name="Port">The port number (the completion text).</param>
/// <param name="ListItem">What the completion menu shows: 22 (ssh).</param>
/// <param name="ToolTip">What holds it: tcp LISTEN *:22, [::]:22.</param>
/// <param name="Listening">Whether a listening TCP or unconnected UDP socket holds it.</param>
public sealed record PortCandidate(int Port, string ListItem, string ToolTip, bool Listening);

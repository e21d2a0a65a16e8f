namespace SocketTools;

/// <summary>Socket memory accounting from the kernel's skmeminfo (ss -m), filled when -Memory is asked for.</summary>
public sealed class SocketMemory
{
}

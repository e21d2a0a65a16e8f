namespace SocketTools.Platform;

/// <summary>Looks up running processes (on Linux: /proc/&lt;pid&gt;).</summary>
internal interface IProcessTable
{
    /// <summary>Whether a process with <paramref name="processId"/> runs.</summary>
    bool Exists(int processId);

    /// <summary>The names of the running processes (what -ProcessName and -Name match and complete).</summary>
    IReadOnlyList<string> RunningNames();

    /// <summary>What Get-SocketProcess prints of a process beyond its name; null fields when it cannot be read (or has exited).</summary>
    ProcessDetails Read(int processId);
}

namespace SocketTools.Platform;

/// <summary>The owners one pass found, by socket inode, and the pass's counts (for -Verbose and the denied warning).</summary>
internal interface ISocketOwners
{
    /// <summary>How many sockets have at least one owner.</summary>
    int Count { get; }

    /// <summary>Processes whose open files were read.</summary>
    int ScannedProcesses { get; }

    /// <summary>Open files listed.</summary>
    long ScannedFds { get; }

    /// <summary>Processes whose open files could not be read (permission denied).</summary>
    int DeniedProcesses { get; }

    /// <summary>Processes that exited while they were read.</summary>
    int VanishedProcesses { get; }

    /// <summary>The owners of the socket with <paramref name="inode"/> (empty when none was found).</summary>
    SocketOwner[] OwnersOf(ulong inode);
}

using SocketTools.Platform;

namespace SocketTools.Linux;

/// <summary>Processes on Linux: <see cref="ProcessInfo"/> over /proc/&lt;pid&gt;.</summary>
internal sealed class LinuxProcessTable : IProcessTable
{
    /// <inheritdoc />
    public bool Exists(int processId) => ProcessInfo.Exists(processId);

    /// <inheritdoc />
    public IReadOnlyList<string> RunningNames() => ProcessInfo.RunningNames();

    /// <inheritdoc />
    public ProcessDetails Read(int processId)
    {
        uint? uid = ProcessInfo.ReadUserId(processId);
        return new(uid, uid is uint u ? ProcessInfo.UserName(u) : null, ProcessInfo.ReadCommandLine(processId),
            ProcessInfo.ReadExecutablePath(processId), ProcessInfo.ReadStartTime(processId));
    }
}

using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>The errno values the core acts on (Linux numbering).</summary>
public static class Errno
{
    /// <summary>Operation not permitted.</summary>
    public const int EPERM = 1;
    /// <summary>No such file or directory.</summary>
    public const int ENOENT = 2;
    /// <summary>No such process.</summary>
    public const int ESRCH = 3;
    /// <summary>Interrupted system call.</summary>
    public const int EINTR = 4;
    /// <summary>Bad file descriptor.</summary>
    public const int EBADF = 9;
    /// <summary>Try again.</summary>
    public const int EAGAIN = 11;
    /// <summary>Out of memory.</summary>
    public const int ENOMEM = 12;
    /// <summary>Permission denied.</summary>
    public const int EACCES = 13;
    /// <summary>Invalid argument.</summary>
    public const int EINVAL = 22;
    /// <summary>Device or resource busy (a dump is already running on the socket).</summary>
    public const int EBUSY = 16;
    /// <summary>No such device.</summary>
    public const int ENODEV = 19;
    /// <summary>Function not implemented (what some seccomp profiles answer).</summary>
    public const int ENOSYS = 38;
    /// <summary>No buffer space available (netlink receive queue overrun).</summary>
    public const int ENOBUFS = 105;
    /// <summary>Protocol not supported.</summary>
    public const int EPROTONOSUPPORT = 93;
    /// <summary>Operation not supported.</summary>
    public const int EOPNOTSUPP = 95;
    /// <summary>Address family not supported.</summary>
    public const int EAFNOSUPPORT = 97;

    /// <summary>"EACCES (Permission denied)" style text for an errno.</summary>
    public static string Describe(int errno)
    {
        string name = errno switch
        {
            EPERM => "EPERM", ENOENT => "ENOENT", ESRCH => "ESRCH", EINTR => "EINTR", EBADF => "EBADF",
            EAGAIN => "EAGAIN", ENOMEM => "ENOMEM", EACCES => "EACCES", EINVAL => "EINVAL", ENODEV => "ENODEV",
            ENOBUFS => "ENOBUFS", EBUSY => "EBUSY", ENOSYS => "ENOSYS", EPROTONOSUPPORT => "EPROTONOSUPPORT", EOPNOTSUPP => "EOPNOTSUPP",
            EAFNOSUPPORT => "EAFNOSUPPORT", _ => "errno " + errno,
        };
        return $"{name} ({Marshal.GetPInvokeErrorMessage(errno)})";
    }
}

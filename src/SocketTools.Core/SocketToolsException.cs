namespace SocketTools;

/// <summary>
/// What kind of failure an error is; the module maps each name one to one onto PowerShell's
/// ErrorCategory of the same name.
/// </summary>
public enum ErrorKind
{
    /// <summary>Anything not covered below.</summary>
    NotSpecified,
    /// <summary>A parameter or expression is malformed or out of range.</summary>
    InvalidArgument,
    /// <summary>A combination of inputs makes no sense.</summary>
    InvalidOperation,
    /// <summary>The caller lacks a privilege (EPERM, EACCES).</summary>
    PermissionDenied,
    /// <summary>A named thing (process, namespace, service) does not exist.</summary>
    ObjectNotFound,
    /// <summary>The kernel or a facility is not available (EPROTONOSUPPORT, ENOENT on /proc).</summary>
    ResourceUnavailable,
    /// <summary>Data from the kernel or /proc could not be understood.</summary>
    InvalidData,
    /// <summary>A read from the kernel failed.</summary>
    ReadError,
    /// <summary>The operation was cancelled.</summary>
    OperationStopped,
    /// <summary>The kernel did not answer in time.</summary>
    OperationTimeout,
    /// <summary>The kernel lacks the feature (SOCK_DESTROY without CONFIG_INET_DIAG_DESTROY).</summary>
    NotImplemented,
}

/// <summary>The base of every exception the core throws: carries a stable id, a kind and errno.</summary>
public class SocketToolsException : Exception
{
    /// <summary>Creates an exception.</summary>
    public SocketToolsException(string errorId, ErrorKind kind, string message, int errno = 0, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Errno = errno;
    }

    /// <summary>A stable PascalCase identifier for the failure (the ErrorRecord's FullyQualifiedErrorId).</summary>
    public string ErrorId { get; }

    /// <summary>What kind of failure this is.</summary>
    public ErrorKind Kind { get; }

    /// <summary>The errno the failure came with, or 0.</summary>
    public int Errno { get; }

    /// <summary>What the user can do about it, when there is something to say.</summary>
    public string? RecommendedAction { get; init; }

    /// <summary>
    /// What the error is about, as the user gave it (a namespace name, a process id, a device name),
    /// for the ErrorRecord's TargetObject; null when it is about nothing in particular.
    /// </summary>
    public object? Target { get; init; }

    /// <summary>The kind of failure an errno means.</summary>
    public static ErrorKind KindOf(int errno) => errno switch
    {
        Native.Errno.EPERM or Native.Errno.EACCES => ErrorKind.PermissionDenied,
        Native.Errno.ENOENT or Native.Errno.ESRCH => ErrorKind.ObjectNotFound,
        Native.Errno.EPROTONOSUPPORT or Native.Errno.EAFNOSUPPORT or Native.Errno.EOPNOTSUPP or Native.Errno.ENOSYS
            => ErrorKind.ResourceUnavailable,
        Native.Errno.EINVAL => ErrorKind.InvalidArgument,
        _ => ErrorKind.ReadError,
    };
}

/// <summary>A netlink call failed; <see cref="SocketToolsException.Errno"/> says why.</summary>
public sealed class NetlinkException : SocketToolsException
{
    /// <summary>Creates a netlink failure from an errno.</summary>
    public NetlinkException(string operation, int errno)
        : base("Netlink" + operation + "Failed", KindOf(operation, errno),
              $"netlink {operation} failed: {Native.Errno.Describe(errno)}", errno)
    {
        Operation = operation;
    }

    /// <summary>Creates a netlink failure with its own id and kind.</summary>
    internal NetlinkException(string operation, string errorId, ErrorKind kind, string message, int errno = 0)
        : base(errorId, kind, message, errno)
    {
        Operation = operation;
    }

    /// <summary>
    /// Whether netlink sock_diag cannot be used here at all (a seccomp filter, an LSM, an old kernel
    /// without the module): the caller may fall back to /proc/net.
    /// </summary>
    public bool MeansUnavailable =>
        Operation != "Parse" && Errno is Native.Errno.EPROTONOSUPPORT or Native.Errno.EPERM or Native.Errno.EACCES
            or Native.Errno.EAFNOSUPPORT or Native.Errno.ENOENT or Native.Errno.ENOSYS;

    // sock_diag answers ENOENT when no handler exists for a family or protocol (module not built):
    // that is "not available here", not "object not found".
    private static ErrorKind KindOf(string operation, int errno) =>
        operation == "Dump" && errno == Native.Errno.ENOENT ? ErrorKind.ResourceUnavailable : KindOf(errno);

    /// <summary>Creates a netlink failure about malformed data.</summary>
    public NetlinkException(string message)
        : base("NetlinkMalformedReply", ErrorKind.InvalidData, message)
    {
        Operation = "Parse";
    }

    /// <summary>The call that failed (Socket, Bind, Send, Receive, Dump, Parse).</summary>
    public string Operation { get; }
}

using System.Runtime.ExceptionServices;
using Microsoft.Win32.SafeHandles;
using SocketTools.Native;

namespace SocketTools.Linux;

/// <summary>
/// Runs a piece of work inside a named network namespace. A network namespace is per thread on
/// Linux, so the work runs on a short-lived thread that has called setns(2); sockets and files it
/// opens stay bound to that namespace after the thread ends, so they can be read from any thread.
/// </summary>
public static class NetworkNamespace
{
    /// <summary>The file behind a namespace name: a path as given, or /run/netns/NAME as ip netns makes it.</summary>
    public static string PathOf(string nameOrPath) =>
        nameOrPath.Contains('/') ? nameOrPath : "/run/netns/" + nameOrPath;

    /// <summary>Runs <paramref name="work"/> in the namespace (or directly when <paramref name="nameOrPath"/> is null).</summary>
    public static T Run<T>(string? nameOrPath, Func<T> work)
    {
        if (string.IsNullOrEmpty(nameOrPath))
        {
            return work();
        }

        string path = PathOf(nameOrPath);
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        }
        catch (FileNotFoundException e)
        {
            throw new SocketToolsException("NetworkNamespaceNotFound", ErrorKind.ObjectNotFound,
                $"Network namespace '{nameOrPath}' was not found ({path} does not exist).", Errno.ENOENT, e)
            { RecommendedAction = "List namespaces with 'ip netns list', or pass a path such as /proc/<pid>/ns/net." };
        }
        catch (DirectoryNotFoundException e)
        {
            throw new SocketToolsException("NetworkNamespaceNotFound", ErrorKind.ObjectNotFound,
                $"Network namespace '{nameOrPath}' was not found ({path} does not exist).", Errno.ENOENT, e)
            { RecommendedAction = "List namespaces with 'ip netns list', or pass a path such as /proc/<pid>/ns/net." };
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SocketToolsException("NetworkNamespaceAccessDenied", ErrorKind.PermissionDenied,
                $"Network namespace '{nameOrPath}' cannot be opened: permission denied.", Errno.EACCES, e)
            { RecommendedAction = "Entering another network namespace needs root (CAP_SYS_ADMIN)." };
        }

        using (handle)
        {
            T result = default!;
            ExceptionDispatchInfo? failure = null;
            var thread = new Thread(() =>
            {
                try
                {
                    int errno = Libc.TrySetNs((int)handle.DangerousGetHandle(), Libc.CLONE_NEWNET);
                    if (errno != 0)
                    {
                        throw new SocketToolsException("NetworkNamespaceEnterFailed", SocketToolsException.KindOf(errno),
                            $"Cannot enter network namespace '{nameOrPath}': {Errno.Describe(errno)}.", errno)
                        { RecommendedAction = "Entering another network namespace needs root (CAP_SYS_ADMIN)." };
                    }

                    result = work();
                }
                catch (Exception e)
                {
                    failure = ExceptionDispatchInfo.Capture(e);
                }
            })
            {
                IsBackground = true,
                Name = "SocketTools netns",
            };
            thread.Start();
            thread.Join();
            failure?.Throw();
            return result;
        }
    }
}

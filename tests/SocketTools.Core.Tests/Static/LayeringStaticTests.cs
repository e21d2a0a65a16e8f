namespace SocketTools.Tests.Static;

/// <summary>Code above the sources talks to the platform interfaces, never to a platform folder's types.</summary>
[Trait("Tier", "Offline")]
public sealed class LayeringStaticTests
{
    // The socket-event watcher and Close-Socket (issue 15) landed in the same session as the platform
    // seam and still hold Linux's DestroySubscriber and SocketDestroyer; putting them behind
    // ISocketPlatform (socket events, socket closing) is the part of issue 12 left open. Listed here
    // so that no other file can slip in; remove each entry as it moves.
    private static readonly string[] NotYetBehindThePlatform =
    [
        Path.Combine("SocketTools.Core", "Watching", "SocketEventWatcher.cs"),
        Path.Combine("SocketTools", "Commands", "CloseSocketCommand.cs"),
    ];

    [Fact]
    public void OnlyThePlatformFolderImportsSocketToolsLinux()
    {
        var src = Repo.PathOf("src");
        var linux = Path.Combine(src, "SocketTools.Core", "Linux") + Path.DirectorySeparatorChar;
        var offenders = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(linux, StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadLines(f).Any(l => l.TrimStart().StartsWith("using SocketTools.Linux", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(src, f))
            .Except(NotYetBehindThePlatform)
            .ToList();
        Assert.Empty(offenders);
    }
}

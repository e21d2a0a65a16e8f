namespace SocketTools.Tests.Static;

/// <summary>Code above the sources talks to the platform interfaces, never to a platform folder's types.</summary>
[Trait("Tier", "Offline")]
public sealed class LayeringStaticTests
{
    [Fact]
    public void OnlyThePlatformFolderImportsSocketToolsLinux()
    {
        var src = Repo.PathOf("src");
        var linux = Path.Combine(src, "SocketTools.Core", "Linux") + Path.DirectorySeparatorChar;
        var offenders = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(linux, StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadLines(f).Any(l => l.TrimStart().StartsWith("using SocketTools.Linux", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(src, f))
            .ToList();
        Assert.Empty(offenders);
    }
}

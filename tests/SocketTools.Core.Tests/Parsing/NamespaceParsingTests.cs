using SocketTools.Linux;
using SocketTools.Query;

namespace SocketTools.Tests.Parsing;

/// <summary>The texts namespaces are found by: net:[INODE] links and nsfs lines of /proc/self/mountinfo.</summary>
public sealed class NamespaceParsingTests
{
    [Theory]
    [Trait("Tier", "Offline")]
    [InlineData("net:[4026531840]", 4026531840UL)]
    [InlineData("net:[1]", 1UL)]
    [InlineData("net:[0]", null)]
    [InlineData("net:[]", null)]
    [InlineData("net:[12a]", null)]
    [InlineData("mnt:[4026531841]", null)]
    [InlineData("net:[4026531840", null)]
    [InlineData("/run/netns/a", null)]
    [InlineData("", null)]
    public void ParseId_reads_only_net_inode_texts(string text, ulong? id) =>
        Assert.Equal(id, NamespaceDiscovery.ParseId(text));

    [Theory]
    [Trait("Tier", "Offline")]
    [InlineData("net:[4026531840]", false)]
    [InlineData("stt-*", true)]
    [InlineData("stt-[ab]", true)]
    [InlineData("stt-a", false)]
    public void Net_inode_is_a_name_not_a_pattern(string name, bool pattern) =>
        Assert.Equal(pattern, NetworkNamespaceInfo.IsPattern(name));

    [Fact]
    [Trait("Tier", "Offline")]
    public void NsfsMounts_lists_network_namespace_bind_mounts_with_unescaped_paths()
    {
        const string mountInfo = """
            22 27 0:21 / /proc rw,relatime - proc proc rw
            610 29 0:4 net:[4026532239] /run/netns/blue rw - nsfs nsfs rw
            611 29 0:4 net:[4026532304] /run/netns/red rw shared:5 - nsfs nsfs rw
            612 27 0:4 mnt:[4026532400] /tmp/mntns rw - nsfs nsfs rw
            613 27 0:4 net:[4026532500] /var/lib/my\040ns/net rw - nsfs nsfs rw
            614 27 0:4 net:[4026532600] /weird\134path rw - nsfs nsfs rw
            """;
        Assert.Equal(
            [("/run/netns/blue", 4026532239UL), ("/run/netns/red", 4026532304UL), ("/var/lib/my ns/net", 4026532500UL), ("/weird\\path", 4026532600UL)],
            NamespaceDiscovery.NsfsMounts(mountInfo).ToList());
    }
}

using SocketTools.Linux;
using SocketTools.Query;
using SocketTools.Text;

namespace SocketTools.Tests.Owners;

[Trait("Tier", "Offline")]
public sealed class WildcardTests
{
    [Theory]
    [InlineData("sshd", "sshd", true)]
    [InlineData("SSHD", "sshd", true)]          // case-insensitive, as Get-Process -Name
    [InlineData("ssh", "sshd", false)]
    [InlineData("ssh*", "sshd", true)]
    [InlineData("*d", "sshd", true)]
    [InlineData("*", "", true)]
    [InlineData("?", "", false)]
    [InlineData("s?hd", "sshd", true)]
    [InlineData("s?hd", "shd", false)]
    [InlineData("py*3", "python3", true)]
    [InlineData("py*3", "python3.11", false)]
    [InlineData("*o*o*", "foo", true)]
    [InlineData("*o*o*", "fo", false)]
    [InlineData("[sp]*", "python3", true)]
    [InlineData("[sp]*", "nginx", false)]
    [InlineData("[a-m]ginx", "nginx", false)]
    [InlineData("[a-n]ginx", "nginx", true)]
    [InlineData("[A-N]GINX", "nginx", true)]
    [InlineData("kworker`/0", "kworker/0", true)]
    [InlineData("a`*", "a*", true)]
    [InlineData("a`*", "ab", false)]
    [InlineData("[", "[", true)]               // an unclosed set is a literal
    [InlineData("x[]", "x[]", true)]
    public void MatchesLikePowerShellWildcards(string pattern, string text, bool expected) =>
        Assert.Equal(expected, new Wildcard(pattern).IsMatch(text));

    [Theory]
    [InlineData("sshd", false)]
    [InlineData("ssh*", true)]
    [InlineData("a`*", false)]
    [InlineData("[ab]", true)]
    public void KnowsWhetherAPatternHasWildcards(string pattern, bool expected) =>
        Assert.Equal(expected, Wildcard.ContainsWildcards(pattern));
}

[Trait("Tier", "Offline")]
public sealed class OwnerTextTests
{
    [Theory]
    [InlineData("socket:[12345]", 12345UL)]
    [InlineData("socket:[1]", 1UL)]
    [InlineData("socket:[18446744073709551615]", ulong.MaxValue)]
    [InlineData("pipe:[12345]", 0UL)]
    [InlineData("anon_inode:[eventfd]", 0UL)]
    [InlineData("socket:[12a45]", 0UL)]
    [InlineData("/dev/null", 0UL)]
    public unsafe void ParsesSocketLinks(string link, ulong inode)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(link);
        fixed (byte* p = bytes)
        {
            Assert.Equal(inode, OwnerIndex.ParseSocketLink(p, bytes.Length));
        }
    }

    [Fact]
    public void NetstatProgramIsADashWithoutOwners()
    {
        // What the netstat view passes for a socket without owners: @($null) becomes one 0 pid.
        Assert.Equal("-", NetstatText.Program([0], [null]));
        Assert.Equal("-", NetstatText.Program(null, null));
        Assert.Equal("7/b", NetstatText.Program([9, 7], ["a", "b"]));
    }

    [Theory]
    [InlineData("0.0.0.0", 22, SocketFamily.IPv4, "0.0.0.0:22")]
    [InlineData("::", 0, SocketFamily.IPv6, ":::*")]
    [InlineData("::ffff:10.1.2.3", 80, SocketFamily.IPv6, "10.1.2.3:80")]
    [InlineData("2001:db8:aaaa:bbbb:cccc:dddd:eeee:1", 48634, SocketFamily.IPv6, "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1:48634")]  // netstat -W; without -W netstat cuts to 23
    [InlineData("fe80::343a:13ff:fe6d:ea82", 7000, SocketFamily.IPv6, "fe80::343a:13ff:fe6d:ea82:7000")]
    public void NetstatAddresses(string address, int port, SocketFamily family, string expected) =>
        Assert.Equal(expected, NetstatText.Address(address, port, family));
}

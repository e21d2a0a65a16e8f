using System.Net;
using SocketTools.Query;

namespace SocketTools.Tests.Filtering;

/// <summary>-LocalPort / -RemotePort and -LocalAddress / -RemoteAddress values, and their errors.</summary>
[Trait("Tier", "Offline")]
public sealed class PortAndPrefixTests
{
    [Theory]
    [InlineData("22", 22, 22)]
    [InlineData(" 8000-8100 ", 8000, 8100)]
    [InlineData("0", 0, 0)]
    [InlineData("65535", 65535, 65535)]
    [InlineData("0-65535", 0, 65535)]
    public void PortsAndRangesParse(string text, int low, int high) =>
        Assert.Equal(new PortRange(low, high), PortRange.Parse(text));

    [Fact]
    public void ServiceNamesComeFromTheServicesFile()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "# comment\nssh\t\t22/tcp\t\t\t# SSH\nhttp 80/tcp www www-http # WWW\nmdns 5353/udp\nbad notaport/tcp\n");
            var table = Services.Load(path);
            Assert.Equal(22, table["SSH"]);
            Assert.Equal(80, table["www-http"]);
            Assert.Equal(5353, table["mdns"]);
            Assert.False(table.ContainsKey("bad"));
            Assert.Equal(new PortRange(80, 80), PortRange.Parse("www", n => table.TryGetValue(n, out int p) ? p : null));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("65536", "PortOutOfRange")]
    [InlineData("-1", "PortOutOfRange")]
    [InlineData("8100-8000", "PortOutOfRange")]
    [InlineData("1-70000", "PortOutOfRange")]
    [InlineData("no-such-service-name", "UnknownPort")]
    [InlineData("", "UnknownPort")]
    public void BadPortsAreInvalidArgumentErrors(string text, string errorId)
    {
        var e = Assert.ThrowsAny<SocketToolsException>(() => PortRange.Parse(text, _ => null));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.255.1.2", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("10.0.0.0/8", "::ffff:10.1.1.1", true)]
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    [InlineData("127.0.0.1", "::1", false)]
    [InlineData("::1", "::1", true)]
    [InlineData("[::1]", "::1", true)]
    [InlineData("fe80::/10", "fe80::1", true)]
    [InlineData("fe80::/10", "fec0::1", false)]
    [InlineData("::ffff:10.1.1.1", "10.1.1.1", false)]
    [InlineData("0.0.0.0/0", "2001:db8::1", false)]
    [InlineData("::/0", "10.0.0.1", false)]
    public void PrefixesContainWhatSsMatches(string prefix, string address, bool contains) =>
        Assert.Equal(contains, IPPrefix.Parse(prefix).Contains(IPAddress.Parse(address)));

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("::1/129")]
    [InlineData("10.0.0.0/x")]
    [InlineData("example.com")]
    [InlineData("fe80::1%lo")]
    public void BadPrefixesAreInvalidArgumentErrors(string text)
    {
        var e = Assert.Throws<SocketToolsException>(() => IPPrefix.Parse(text));
        Assert.Equal("InvalidAddressPrefix", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
    }

    [Fact]
    public void BadStatesListTheValidNames()
    {
        var e = Assert.Throws<SocketToolsException>(() => StateSet.Parse(["Bogus"]));
        Assert.Equal("UnknownSocketState", e.ErrorId);
        Assert.Contains("Synchronized", e.Message, StringComparison.Ordinal);
    }
}

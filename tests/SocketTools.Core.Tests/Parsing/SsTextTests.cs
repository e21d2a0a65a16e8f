using SocketTools.Text;

namespace SocketTools.Tests.Parsing;

/// <summary>
/// ss's text rules that the live differential tests cannot reach on iproute2 6.1: modern expiry
/// text (6.1 prints 9.501ms for 9.501 s) and link-local scope. The rest is compared with live ss.
/// </summary>
public sealed class SsTextTests
{
    [Theory]
    [InlineData(595_000, "9min55sec")]
    [InlineData(55_000, "55sec")]
    [InlineData(59_999, "59sec")]
    [InlineData(9_501, "9.501sec")]
    [InlineData(1_016, "1.016sec")]
    [InlineData(3_000, "3sec")]
    [InlineData(476, "476ms")]
    [InlineData(45, "045ms")]
    [InlineData(7, "007ms")]
    [InlineData(0, "")]
    [InlineData(60_000, "1min")]
    [InlineData(61_500, "1min1sec")]
    [InlineData(10_999, "10sec")]
    [InlineData(754_321, "12min")]
    public void ExpiryIsModernSsText(int ms, string expected) =>
        Assert.Equal(expected, SsText.Expiry(TimeSpan.FromMilliseconds(ms)));

    [Theory]
    [InlineData("fe80::1", 22, null, "eth0", "[fe80::1]%eth0:22")]
    [InlineData("::", 22, false, null, "*:22")]
    [InlineData("::", 22, null, null, "*:22")]
    [InlineData("::", 22, true, null, "[::]:22")]
    [InlineData("0.0.0.0", 0, null, null, "0.0.0.0:*")]
    public void EndpointRules(string address, int port, bool? v6only, string? iface, string expected) =>
        Assert.Equal(expected, SsText.Endpoint(address, port, v6only, iface));

    [Fact]
    public void TimerCell() =>
        Assert.Equal("timer:(timewait,59sec,0)", SsText.Timer(TimerKind.TimeWait, TimeSpan.FromMilliseconds(59_400), 0));
}

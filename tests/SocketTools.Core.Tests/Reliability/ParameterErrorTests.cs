using SocketTools.Query;

namespace SocketTools.Tests.Reliability;

/// <summary>
/// Every bad parameter value is an InvalidArgument SocketToolsException with a stable id, thrown by
/// QueryParameters.ToQuery before anything is read (so a cmdlet writes nothing).
/// </summary>
[Trait("Tier", "Offline")]
public sealed class ParameterErrorTests
{
    private static SocketToolsException Rejects(QueryParameters parameters, string errorId)
    {
        var e = Assert.ThrowsAny<SocketToolsException>(parameters.ToQuery);
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
        return e;
    }

    [Theory]
    [InlineData("Bogus")]
    [InlineData("time wait")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Listen,Established")]
    [InlineData("NewSynReceived")]
    [InlineData("Unknown")]
    public void UnknownStateIsRejected(string state)
    {
        var e = Rejects(new QueryParameters { State = ["Listen", state] }, "UnknownSocketState");
        Assert.Contains("TimeWait", e.Message);  // the message lists the valid names
    }

    [Fact]
    public void NullStateIsRejected() => Rejects(new QueryParameters { State = [null!] }, "UnknownSocketState");

    [Theory]
    [InlineData("65536")]
    [InlineData("70000")]
    [InlineData("-1")]
    [InlineData("-65535")]
    [InlineData("99999999999")]
    [InlineData("8100-8000")]
    [InlineData("0-65536")]
    [InlineData("2147483648")]
    public void PortOutsideTheRangeIsRejected(string port)
    {
        Rejects(new QueryParameters { LocalPort = [port] }, "PortOutOfRange");
        Rejects(new QueryParameters { RemotePort = ["22", port] }, "PortOutOfRange");
    }

    [Theory]
    [InlineData("no-such-service-stt")]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("22-")]
    [InlineData("-")]
    [InlineData("1-2-3")]
    [InlineData("0x16")]
    [InlineData("2 2")]
    public void UnknownServiceOrMalformedPortIsRejected(string port) =>
        Rejects(new QueryParameters { LocalPort = [port] }, "UnknownPort");

    [Fact]
    public void NullPortIsRejected() => Rejects(new QueryParameters { RemotePort = [null!] }, "UnknownPort");

    [Theory]
    [InlineData("0")]
    [InlineData("65535")]
    [InlineData("1024-65535")]
    [InlineData(" 22 ")]
    [InlineData("+22")]
    public void PortsAtTheEdgesAreAccepted(string port) =>
        Assert.Single(new QueryParameters { LocalPort = [port] }.ToQuery().LocalPorts);

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("::/129")]
    [InlineData("10.0.0.0/")]
    [InlineData("/8")]
    [InlineData("10.0.0.0/8/9")]
    [InlineData("10.0.0.0/x")]
    [InlineData("garbage")]
    [InlineData("300.1.1.1")]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("[10.0.0.1")]
    [InlineData("fe80::1%nosuchdev")]
    [InlineData("10.0.0.0/99999999999")]
    public void BadAddressOrPrefixIsRejected(string prefix)
    {
        Rejects(new QueryParameters { LocalAddress = [prefix] }, "InvalidAddressPrefix");
        Rejects(new QueryParameters { RemoteAddress = [prefix] }, "InvalidAddressPrefix");
    }

    [Fact]
    public void NullAddressIsRejected() => Rejects(new QueryParameters { LocalAddress = [null!] }, "InvalidAddressPrefix");

    [Theory]
    [InlineData("10.0.0.0/8", 8)]
    [InlineData("127.0.0.1", 32)]
    [InlineData("0.0.0.0/0", 0)]
    [InlineData("::1", 128)]
    [InlineData("[::1]/64", 64)]
    [InlineData("fe80::/10", 10)]
    public void GoodPrefixesAreAccepted(string text, int length) =>
        Assert.Equal(length, new QueryParameters { LocalAddress = [text] }.ToQuery().LocalAddresses.Single().Length);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void EmptyFilterIsRejected(string filter) =>
        Rejects(new QueryParameters { Filter = filter }, "EmptyFilter");

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void AProcessIdBelowOneIsNoProcessNotABadValue(int pid)
    {
        // Answered as any id that names no process: the query selects nothing by it, and the cmdlets
        // (Get-SocketStat -ProcessId, Get-SocketProcess -Id) write the same ProcessNotFound error.
        Assert.Equal([1, pid], new QueryParameters { ProcessId = [1, pid] }.ToQuery().ProcessIds);
        Assert.Contains(pid, SocketProcesses.Missing([1, pid]));
        var e = SocketProcesses.ProcessNotFound(pid);
        Assert.Equal("ProcessNotFound", e.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, e.Kind);
        Assert.Equal(pid, e.Target);
        Assert.Contains("process ids start at 1", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TIME_WAIT", SocketState.TimeWait)]
    [InlineData("SYN_SENT", SocketState.SynSent)]
    [InlineData("SYN_RECV", SocketState.SynReceived)]
    [InlineData("FIN_WAIT1", SocketState.FinWait1)]
    [InlineData("FIN_WAIT2", SocketState.FinWait2)]
    [InlineData("CLOSE", SocketState.Closed)]
    [InlineData("CLOSE_WAIT", SocketState.CloseWait)]
    [InlineData("LAST_ACK", SocketState.LastAck)]
    [InlineData("LISTEN", SocketState.Listen)]
    [InlineData("LISTENING", SocketState.Listen)]
    [InlineData("CLOSING", SocketState.Closing)]
    [InlineData("ESTABLISHED", SocketState.Established)]
    [InlineData("time-wait", SocketState.TimeWait)]
    [InlineData("TimeWait", SocketState.TimeWait)]
    [InlineData("fin_wait_1", SocketState.FinWait1)]
    public void NetstatSpellingsNameTheSameStates(string text, SocketState state) =>
        Assert.Equal(StateSet.Parse([state.ToString()]), new QueryParameters { State = [text] }.ToQuery().States);

    [Theory]
    [InlineData(":22", 22, 22)]
    [InlineData(": 22", 22, 22)]
    [InlineData(":8000-8100", 8000, 8100)]
    [InlineData(" :0 ", 0, 0)]
    public void PortsWithSsColonAreAccepted(string text, int low, int high) =>
        Assert.Equal(new PortRange(low, high), Assert.Single(new QueryParameters { LocalPort = [text], RemotePort = [text] }.ToQuery().RemotePorts));

    [Fact]
    public void AServiceNameWithSsColonIsItsPort() =>
        Assert.Equal(new PortRange(22, 22), PortRange.Parse(":ssh", name => name == "ssh" ? 22 : null));

    [Theory]
    [InlineData("::22")]
    [InlineData(":")]
    [InlineData("22:")]
    public void AColonAnywhereElseIsNoPort(string text) =>
        Rejects(new QueryParameters { LocalPort = [text] }, "UnknownPort");

    [Theory]
    [InlineData("../../etc")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/b")]
    [InlineData("proc/1/ns/net")]
    public void ANamespaceThatIsNeitherANameNorAnAbsolutePathIsRejected(string ns)
    {
        var e = Rejects(new QueryParameters { NetworkNamespace = [ns] }, "InvalidNetworkNamespace");
        Assert.Equal(ns, e.Target);
        Assert.Equal("InvalidNetworkNamespace", Assert.Throws<SocketToolsException>(() => Linux.NetworkNamespace.PathOf(ns)).ErrorId);
    }

    [Fact]
    public void ANamespaceNameResolvesInsideRunNetnsAndAPathAsGiven()
    {
        Assert.Equal("/run/netns/blue", Linux.NetworkNamespace.PathOf("blue"));
        Assert.Equal("/run/netns/..blue", Linux.NetworkNamespace.PathOf("..blue"));
        Assert.Equal("/proc/1/ns/net", Linux.NetworkNamespace.PathOf("/proc/1/ns/net"));
    }

    [Fact]
    public void AMissingNamespaceIsObjectNotFoundWithItsName()
    {
        string name = "stt-no-such-" + Guid.NewGuid().ToString("N")[..8];
        var e = Assert.Throws<SocketToolsException>(() => new QueryParameters { NetworkNamespace = [name] }.ToQuery());
        Assert.Equal("NetworkNamespaceNotFound", e.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, e.Kind);
        Assert.Equal(name, e.Target);
    }

    [Theory]
    [InlineData("/etc")]
    [InlineData("/proc")]
    public void ADirectoryIsNotANamespace(string path) =>
        Rejects(new QueryParameters { NetworkNamespace = [path] }, "NotANetworkNamespace");

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void EmptyNamesAreRejected(string name)
    {
        Rejects(new QueryParameters { ProcessName = [name] }, "EmptyProcessName");
        Rejects(new QueryParameters { Interface = name }, "EmptyInterface");
        Rejects(new QueryParameters { NetworkNamespace = [name] }, "EmptyNetworkNamespace");
    }

    [Fact]
    public void UndefinedEnumValuesAreRejected()
    {
        Rejects(new QueryParameters { Protocol = [(SocketProtocol)999] }, "UnknownProtocol");
        Rejects(new QueryParameters { Family = [(SocketFamily)999] }, "UnknownFamily");
    }

    [Fact]
    public void NoParametersMeanTheDefaultQuery()
    {
        var query = new QueryParameters().ToQuery();
        Assert.Equal(SocketQuery.Default.States, query.States);
        Assert.Null(query.Filter);
        Assert.Null(query.NetworkNamespace);
        Assert.Null(query.Interface);
    }
}

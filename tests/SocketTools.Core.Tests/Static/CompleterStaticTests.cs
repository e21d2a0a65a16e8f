using System.Reflection;

namespace SocketTools.Tests.Static;

/// <summary>Parameters that name ports, states or processes complete the same way in every cmdlet.</summary>
[Trait("Tier", "Offline")]
public sealed class CompleterStaticTests
{
    private static string? CompleterOf(PropertyInfo p) =>
        p.GetCustomAttributesData().Where(a => a.AttributeType.FullName == "System.Management.Automation.ArgumentCompleterAttribute")
            .Select(a => a.ConstructorArguments.FirstOrDefault().Value as Type).FirstOrDefault()?.FullName;

    [Theory]
    [InlineData("LocalPort", "SocketTools.Commands.PortCompleter")]
    [InlineData("RemotePort", "SocketTools.Commands.PortCompleter")]
    [InlineData("Port", "SocketTools.Commands.PortCompleter")]
    [InlineData("State", "SocketTools.Commands.StateCompleter")]
    [InlineData("ProcessName", "SocketTools.Commands.ProcessNameCompleter")]
    [InlineData("NetworkNamespace", "SocketTools.Commands.NetworkNamespaceCompleter")]
    public void EveryCmdletCompletesTheParameter(string parameter, string completer)
    {
        int seen = 0;
        foreach (var (name, type) in Repo.Cmdlets())
        {
            var p = Repo.Parameters(type).FirstOrDefault(x => x.Name == parameter).Property;
            if (p is null || (name, parameter) == ("Get-ListeningPort", "Port"))
            {
                continue;   // Get-ListeningPort -Port offers listening ports only (below)
            }

            seen++;
            Assert.True(CompleterOf(p) == completer, $"{name} -{parameter} completes with {CompleterOf(p) ?? "nothing"}, not {completer}");
        }

        Assert.True(seen > 0 || parameter == "Port", $"no cmdlet has -{parameter}");
    }

    [Fact]
    public void GetSocketProcessCompletesNamesWithTheProcessNameCompleter()
    {
        var type = Repo.Cmdlets().Single(c => c.Name == "Get-SocketProcess").Type;
        var name = Repo.Parameters(type).Single(x => x.Name == "Name").Property;
        Assert.Equal("SocketTools.Commands.ProcessNameCompleter", CompleterOf(name));
    }

    [Fact]
    public void GetListeningPortOffersListeningPortsOnly()
    {
        var type = Repo.Cmdlets().Single(c => c.Name == "Get-ListeningPort").Type;
        var port = Repo.Parameters(type).Single(x => x.Name == "Port").Property;
        Assert.Equal("SocketTools.Commands.ListeningPortCompleter", CompleterOf(port));
    }

    /// <summary>An enum completes with all its values whatever completer it has; [ValidateSet] is what narrows it.</summary>
    [Theory]
    [InlineData("Protocol", "Tcp,Udp")]
    [InlineData("Family", "IPv4,IPv6")]
    public void GetListeningPortOffersOnlyWhatItAccepts(string parameter, string values)
    {
        var type = Repo.Cmdlets().Single(c => c.Name == "Get-ListeningPort").Type;
        var p = Repo.Parameters(type).Single(x => x.Name == parameter).Property;
        var set = p.GetCustomAttributesData().Single(a => a.AttributeType.FullName == "System.Management.Automation.ValidateSetAttribute")
            .ConstructorArguments.SelectMany(a => (IEnumerable<CustomAttributeTypedArgument>)a.Value!).Select(v => (string)v.Value!);
        Assert.Equal(values, string.Join(",", set));
        var accepted = parameter == "Protocol"
            ? Query.ListeningQuery.Protocols.Select(x => x.ToString())
            : Query.ListeningQuery.Families.Select(x => x.ToString());
        Assert.Equal(values, string.Join(",", accepted));
    }
}

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
    public void EveryCmdletCompletesTheParameter(string parameter, string completer)
    {
        int seen = 0;
        foreach (var (name, type) in Repo.Cmdlets())
        {
            var p = Repo.Parameters(type).FirstOrDefault(x => x.Name == parameter).Property;
            if (p is null)
            {
                continue;
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
}
